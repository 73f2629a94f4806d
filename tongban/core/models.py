from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.constants import CalendarDayKind, CalendarSource


class BaseModel(models.Model):
    """UUID keys (nothing to enumerate, safe to show) and creation/update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CalendarYear(BaseModel):
    """A year of the working-day calendar; ``official`` once the State Council's schedule is in."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    official = models.BooleanField(
        _("official schedule entered"),
        default=False,
        help_text=_(
            "Tick once every holiday and make-up working day of the published schedule is "
            "entered. Until then, deadlines in this year count weekends and fixed-date "
            "holidays only and are shown as provisional."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=32,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMINISTRATOR,
    )
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("The State Council notice the schedule comes from."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(BaseModel):
    """A day that differs from the plain weekday/weekend rule in its year's official schedule."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. Spring Festival"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values),
                name="core_calendarday_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"

    def clean(self) -> None:
        # A day filed under the wrong year would never be read for that year's deadlines.
        if self.day and self.calendar_year_id and self.day.year != self.calendar_year.year:
            raise ValidationError(
                {"day": _("This date is not in %(year)s.") % {"year": self.calendar_year.year}}
            )
