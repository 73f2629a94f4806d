"""Regions, departments, service halls and windows, and the roles staff hold in departments."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.models import BaseModel
from tongban.organization.constants import REGION_LEVEL_ORDER, RegionLevel, StaffRole, Weekday

REGION_CODE_PATTERN = re.compile(r"^[0-9]{6}([0-9]{3})?$")
DEPARTMENT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")

validate_region_code_format = RegexValidator(
    REGION_CODE_PATTERN,
    _("A region code has 6 digits (9 for a street or township)."),
    code="region_code_format",
)
validate_department_code = RegexValidator(
    DEPARTMENT_CODE_PATTERN,
    _("Use 2 to 40 letters, digits, '-' or '_', starting with a letter or digit."),
    code="department_code_format",
)


def region_code_problems(
    *, code: str, level: str, parent_code: str | None, parent_level: str | None
) -> dict[str, str]:
    """What is wrong with a region's code and place in the tree (empty when nothing).

    Codes follow GB/T 2260: ``PPCCDD`` for provinces (``PP0000``), cities (``PPCC00``) and
    districts; a street or township extends its district's code by three digits
    (GB/T 10114), since six digits have no room for them.
    """
    problems: dict[str, str] = {}
    if not REGION_CODE_PATTERN.match(code or ""):
        problems["code"] = str(validate_region_code_format.message)
        return problems
    if level not in RegionLevel.values:
        problems["level"] = str(_("Choose a valid level."))
        return problems
    expected_length = 9 if level == RegionLevel.STREET else 6
    if len(code) != expected_length:
        problems["code"] = str(
            _("A street or township has a 9-digit code; other regions have 6 digits.")
        )
        return problems
    if level == RegionLevel.PROVINCE and not code.endswith("0000"):
        problems["code"] = str(_("A province's code ends in 0000."))
    elif level == RegionLevel.CITY and (code.endswith("0000") or not code.endswith("00")):
        problems["code"] = str(_("A city's code ends in 00 but not 0000."))
    elif level == RegionLevel.DISTRICT and code.endswith("00"):
        problems["code"] = str(_("A district's code does not end in 00."))
    if problems:
        return problems
    position = REGION_LEVEL_ORDER.index(RegionLevel(level))
    if parent_code is None or parent_level is None:
        if level == RegionLevel.STREET:
            problems["parent"] = str(_("A street or township belongs to a district."))
        return problems
    if position == 0 or parent_level != REGION_LEVEL_ORDER[position - 1]:
        problems["parent"] = str(_("The parent region must be exactly one level higher."))
        return problems
    shared_prefix = {RegionLevel.CITY: 2, RegionLevel.DISTRICT: 4, RegionLevel.STREET: 6}
    prefix = shared_prefix[RegionLevel(level)]
    if code[:prefix] != parent_code[:prefix]:
        problems["code"] = str(
            _("The code must start with the first %(count)s digits of the parent's code.")
            % {"count": prefix}
        )
    return problems


class Region(BaseModel):
    code = models.CharField(
        _("administrative code"),
        max_length=9,
        unique=True,
        validators=[validate_region_code_format],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=RegionLevel.values), name="organization_region_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        parent = self.parent if self.parent_id else None
        problems = region_code_problems(
            code=self.code,
            level=self.level,
            parent_code=parent.code if parent else None,
            parent_level=parent.level if parent else None,
        )
        if problems:
            raise ValidationError(problems)


class DepartmentType(BaseModel):
    """A kind of department (market regulation, civil affairs…); every city has one of each."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department type")
        verbose_name_plural = _("department types")

    def __str__(self) -> str:
        return self.name


class Department(BaseModel):
    """A government department in a region; sub-units name their department as ``parent``.

    A region has at most one top-level department of each type: the one that handles that
    type's business there (and in the regions below it that have none of their own).
    """

    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[validate_department_code]
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.ForeignKey(
        DepartmentType,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("type"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent department"),
    )

    class Meta:
        ordering = ["region__code", "type__code", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["type", "region"],
                condition=models.Q(parent__isnull=True),
                name="organization_department_one_per_type_and_region",
                violation_error_message=_(
                    "This region already has a department of this type. Make this one a unit "
                    "of it (set its parent) instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.parent_id:
            return
        # Walk up: a department may not end up inside itself.
        seen = {self.pk}
        ancestor: Department | None = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("A department cannot be inside itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class ServiceHall(BaseModel):
    """A place where citizens are served in person (政务服务中心, a police hall…)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="halls", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    opening_hours_note = models.CharField(
        _("opening hours note"),
        max_length=300,
        blank=True,
        help_text=_("Anything the weekly hours do not say, e.g. closed on statutory holidays."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(BaseModel):
    """One period a hall is open on a weekday; two periods make a lunch break."""

    hall = models.ForeignKey(
        ServiceHall,
        on_delete=models.CASCADE,
        related_name="opening_periods",
        verbose_name=_("service hall"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["hall", "weekday", "opens_at"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="organization_openingperiod_closes_after_opening",
                violation_error_message=_("A hall closes after it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6),
                name="organization_openingperiod_weekday",
            ),
            models.UniqueConstraint(
                fields=["hall", "weekday", "opens_at"], name="organization_openingperiod_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A hall closes after it opens.")})


class Window(BaseModel):
    """A counter in a hall, staffed by one department (一窗受理 windows may take any)."""

    hall = models.ForeignKey(
        ServiceHall, on_delete=models.CASCADE, related_name="windows", verbose_name=_("hall")
    )
    number = models.CharField(
        _("number"),
        max_length=10,
        validators=[
            RegexValidator(
                r"^[A-Z0-9-]{1,10}$",
                _("Use capital letters, digits and '-', e.g. A01."),
                code="window_number_format",
            )
        ],
    )
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="windows",
        verbose_name=_("department"),
    )

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"],
                name="organization_window_number_unique",
                violation_error_message=_("This hall already has a window with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}"


class StaffPosition(BaseModel):
    """A role a user holds in a department: what inboxes they see and what they may decide."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_positions",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="staff_positions",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    hall = models.ForeignKey(
        ServiceHall,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_positions",
        verbose_name=_("hall"),
        help_text=_("Where a window clerk works."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department", "role"]
        verbose_name = _("staff position")
        verbose_name_plural = _("staff positions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"],
                name="organization_staffposition_unique",
                violation_error_message=_("This person already holds this role here."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values),
                name="organization_staffposition_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.department.name}"
