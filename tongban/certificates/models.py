"""Certificate types, issuers and their keys, certificates, and presentations (亮证)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.certificates.constants import (
    CertificateStatus,
    HolderKind,
    PdfLayout,
    Validity,
)
from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import validate_credit_code
from tongban.core.models import BaseModel
from tongban.organization.models import Department, DepartmentType


class CertificateType(BaseModel):
    """A kind of certificate: what it says (fields), how long it holds, who issues it, its look."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    type_code = models.CharField(
        _("national type code"),
        max_length=16,
        help_text=_("The type code inside every identifier of this type, e.g. 11100000."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    issuing_department_type = models.ForeignKey(
        DepartmentType,
        on_delete=models.PROTECT,
        related_name="certificate_types",
        verbose_name=_("issuing department type"),
    )
    holder_kind = models.CharField(_("holder kind"), max_length=16, choices=HolderKind.choices)
    layout = models.CharField(_("PDF layout"), max_length=16, choices=PdfLayout.choices)
    validity_years = models.PositiveSmallIntegerField(
        _("validity in years"), default=0, help_text=_("0 means long-term (长期).")
    )
    fields = models.JSONField(
        _("fields"),
        default=list,
        help_text=_(
            "Rows of {key, label_zh, label_en, kind (text, date, number), required, personal}."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")

    def __str__(self) -> str:
        return self.name

    def valid_until_from(self, valid_from: dt.date) -> dt.date | None:
        if not self.validity_years:
            return None
        try:
            return valid_from.replace(year=valid_from.year + self.validity_years)
        except ValueError:  # 29 February
            return valid_from.replace(year=valid_from.year + self.validity_years, day=28)


class Issuer(BaseModel):
    """A department as an issuer: its credit code goes into every identifier it issues."""

    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    next_serial = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["department__code"]
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")

    def __str__(self) -> str:
        return self.department.name


class IssuerKey(BaseModel):
    """A signing key of an issuer. The newest active key signs; retired keys stay published
    until everything they signed has expired, so old certificates keep verifying."""

    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="keys", verbose_name=_("issuer")
    )
    kid = models.CharField(_("key id"), max_length=100, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=16)
    public_jwk = models.JSONField(_("public key (JWK)"))
    private_jwk = EncryptedTextField(_("private key (JWK, encrypted)"))
    active = models.BooleanField(_("signs new certificates"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "-created_at"]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"],
                condition=models.Q(active=True),
                name="certificates_issuerkey_one_active_per_issuer",
            )
        ]

    def __str__(self) -> str:
        return self.kid


class Certificate(BaseModel):
    """An issued certificate. The signed credential is the certificate; the columns beside it
    are what lists, status lists and lookups need. Personal data stays encrypted."""

    number = models.CharField(_("identifier"), max_length=120, unique=True)
    type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("type"),
    )
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("issuer")
    )
    issuer_key = models.ForeignKey(
        IssuerKey, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("key")
    )
    holder_kind = models.CharField(_("holder kind"), max_length=16, choices=HolderKind.choices)
    holder_identifier = EncryptedTextField(
        _("holder's ID number or credit code"), blind_index="holder_index"
    )
    holder_index = models.CharField(max_length=64, editable=False, db_index=True)
    holder_name = EncryptedTextField(_("holder's name"))
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("holder's account"),
    )
    credential = EncryptedTextField(_("signed credential"))
    qr_token = models.TextField(_("printed QR token"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_list_number = models.PositiveIntegerField(editable=False)
    status_list_index = models.PositiveIntegerField(editable=False)
    source_reference = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("The case that decided it, if any.")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "status_list_number", "status_list_index"],
                name="certificates_certificate_status_entry_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CertificateStatus.values),
                name="certificates_certificate_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["holder_user", "-created_at"], name="certificates_holder_user"),
            models.Index(
                fields=["issuer", "status_list_number", "status"], name="certificates_status"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def validity_on(self, moment: dt.datetime | None = None) -> Validity:
        today = timezone.localdate(moment) if moment else timezone.localdate()
        if self.status == CertificateStatus.REVOKED:
            return Validity.REVOKED
        if self.valid_until is not None and today > self.valid_until:
            return Validity.EXPIRED
        if today < self.valid_from:
            return Validity.NOT_YET_VALID
        if self.status == CertificateStatus.SUSPENDED:
            return Validity.SUSPENDED
        return Validity.VALID


class Presentation(BaseModel):
    """A time-limited QR the holder shows (亮证) to a counter clerk or a landlord."""

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.CASCADE,
        related_name="presentations",
        verbose_name=_("certificate"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    token = models.TextField(_("token"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")


class PresentationCheck(BaseModel):
    """One verification of a presentation: the holder sees who checked it and when."""

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="checks")
    verifier_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verifier_label = models.CharField(_("verified by"), max_length=200)
    network = models.CharField(_("network"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("presentation check")
        verbose_name_plural = _("presentation checks")
