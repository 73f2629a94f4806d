"""Service items, their versions (guide, form rows, materials, process), bundles, search tokens.

A published ``ServiceVersion`` never changes: applications pin the version they were made
under, so the services refuse every write to it (clone it into a new draft instead).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalog.constants import (
    Channel,
    FieldType,
    MaterialForm,
    MaterialRequirement,
    ServiceKind,
    VersionStatus,
)
from tongban.certificates.models import CertificateType
from tongban.core.models import BaseModel
from tongban.organization.models import DepartmentType, Region


class ServiceItem(BaseModel):
    """A government service item (政务服务事项): what stays the same across versions."""

    code = models.CharField(
        _("item code"),
        max_length=64,
        unique=True,
        help_text=_("The implementation code of the item (实施编码), stable across versions."),
    )
    name = models.CharField(_("name"), max_length=200)
    aliases = models.CharField(
        _("aliases"),
        max_length=500,
        blank=True,
        help_text=_("Other names people search for, separated by commas."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ServiceKind.choices)
    department_type = models.ForeignKey(
        DepartmentType,
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("implementing department type"),
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="service_items", verbose_name=_("regions")
    )
    applicant_types = models.JSONField(_("applicant types"), default=list)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    published_version = models.OneToOneField(
        "ServiceVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
    )
    # Denormalised from the published version for filters on the catalog list.
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [
            alias.strip() for alias in self.aliases.replace("，", ",").split(",") if alias.strip()
        ]


class ServiceVersion(BaseModel):
    """One version of a service's guide (办事指南), form, materials and process."""

    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    real_name_level = models.PositiveSmallIntegerField(_("required real-name level"), default=2)
    authentication_strength = models.PositiveSmallIntegerField(
        _("required authentication strength"), default=1
    )
    channel = models.CharField(
        _("channel"), max_length=32, choices=Channel.choices, default=Channel.FULLY_ONLINE
    )
    trips = models.PositiveSmallIntegerField(
        _("trips in person"), default=0, help_text=_("0 or 1 (最多跑一次).")
    )
    acceptance_days = models.PositiveSmallIntegerField(
        _("acceptance period in working days"), default=5
    )
    promised_days = models.PositiveSmallIntegerField(_("promised period in working days"))
    legal_days = models.PositiveSmallIntegerField(_("legal period in working days"))
    # 行政许可法 Art. 42: the decision period may be extended once, by at most ten working
    # days, with the approval of the head of the organ; a special law may allow otherwise.
    extension_days = models.PositiveSmallIntegerField(
        _("extension allowed in working days"),
        default=10,
        help_text=_("The most the decision period may be extended, once, with approval."),
    )
    fee_amount = models.DecimalField(
        _("fee in yuan"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    fee_basis = models.TextField(_("fee basis"), blank=True)
    delivery_options = models.JSONField(_("delivery options"), default=list)
    result_certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_versions",
        verbose_name=_("certificate type issued"),
    )
    result_description = models.CharField(_("result"), max_length=200, blank=True)
    consultation_contact = models.CharField(_("consultation contact"), max_length=200, blank=True)
    complaint_contact = models.CharField(_("complaint contact"), max_length=200, blank=True)
    process_bpmn = models.TextField(_("process (BPMN)"), blank=True)
    auto_approval_rules = models.JSONField(_("auto-approval rules"), default=list, blank=True)
    # Generated from the field rows when the version is published; never edited by hand.
    form_schema = models.JSONField(_("form schema"), default=dict, editable=False)
    form_ui = models.JSONField(_("form layout"), default=dict, editable=False)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status="draft"),
                name="catalog_one_draft_per_item",
            ),
            models.CheckConstraint(condition=models.Q(trips__lte=1), name="catalog_trips_0_or_1"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} v{self.number}"

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class FieldRow(BaseModel):
    """One question of a service's form, as the designer enters it."""

    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="field_rows")
    key = models.CharField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    max_length = models.IntegerField(_("maximum length"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=100, default="", blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    condition_field = models.CharField(_("shown only when field"), max_length=64, blank=True)
    condition_value = models.CharField(_("has the value"), max_length=200, blank=True)
    prefill_source = models.CharField(
        _("prefill source"),
        max_length=128,
        blank=True,
        help_text=_("A registered prefill source and field, as source:field."),
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=300,
        blank=True,
        help_text=_("Why the form asks for this personal information; shown to the applicant."),
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="catalog_field_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Material(BaseModel):
    """A document the applicant provides, unless a certificate the government issued fits."""

    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    requirement = models.CharField(
        _("requirement"),
        max_length=16,
        choices=MaterialRequirement.choices,
        default=MaterialRequirement.REQUIRED,
    )
    condition_field = models.CharField(_("needed only when field"), max_length=64, blank=True)
    condition_value = models.CharField(_("has the value"), max_length=200, blank=True)
    form = models.CharField(
        _("form"), max_length=32, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    description = models.TextField(_("description"), blank=True)
    sample = models.CharField(_("sample"), max_length=300, blank=True)
    certificate_type_codes = models.JSONField(
        _("certificate types that satisfy it"), default=list, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name


class Bundle(BaseModel):
    """A life-event bundle (一件事一次办): several services done with one form and one guide."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("topic"), max_length=32, blank=True)
    items = models.ManyToManyField(
        ServiceItem, through="BundleMember", related_name="bundles", verbose_name=_("services")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("life-event bundle")
        verbose_name_plural = _("life-event bundles")

    def __str__(self) -> str:
        return self.name


class BundleMember(BaseModel):
    """A service in a bundle, and how the bundle's combined form maps onto its form."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="members")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    # Maps a key of the bundle's combined form onto this service's field key.
    field_map = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["bundle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="catalog_bundle_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id} · {self.item_id}"


class SearchToken(models.Model):
    """One search token of a service item: a word, a character bigram or pinyin initials.

    A plain indexed table works the same on SQLite and PostgreSQL (DESIGN.md §5).
    """

    id = models.BigAutoField(primary_key=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["token", "item"], name="catalog_token_idx")]
        constraints = [
            models.UniqueConstraint(fields=["item", "token"], name="catalog_token_unique")
        ]

    def __str__(self) -> str:
        return self.token
