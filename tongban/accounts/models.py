from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import CodePurpose, GrantKind, RealNameLevel
from tongban.core.fields import EncryptedTextField
from tongban.core.identifiers import validate_credit_code, validate_resident_id_number
from tongban.core.models import BaseModel


class User(AbstractUser):
    """Everyone who signs in: citizens, enterprise agents and staff.

    The custom model exists from the first migration so that identity can grow (real-name
    levels, login by mobile number, passkeys) without the painful switch Django warns about.
    Personal identifiers are encrypted at rest; the blind indexes allow exact lookups.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    real_name = EncryptedTextField(_("real name"), blank=True)
    resident_id_number = EncryptedTextField(
        _("resident ID number"),
        blank=True,
        blind_index="resident_id_number_index",
        validators=[validate_resident_id_number],
    )
    resident_id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    mobile = EncryptedTextField(_("mobile number"), blank=True, blind_index="mobile_index")
    mobile_index = models.CharField(max_length=64, blank=True, editable=False)
    mobile_verified = models.BooleanField(_("mobile number verified"), default=False)
    real_name_level = models.PositiveSmallIntegerField(
        _("real-name level"), choices=RealNameLevel.choices, default=RealNameLevel.L1
    )
    real_name_verified_at = models.DateTimeField(_("real name verified at"), null=True, blank=True)
    deleted_at = models.DateTimeField(
        _("deleted at"),
        null=True,
        blank=True,
        help_text=_("The person deleted the account; what the law requires to keep is anonymised."),
    )
    # Portal preferences follow the person from one browser to the next; the same choices are
    # also kept in cookies for visitors who are not signed in.
    elderly_mode = models.BooleanField(
        _("elderly mode"),
        default=False,
        help_text=_("Larger text, higher contrast, bigger buttons and no motion."),
    )
    region_code = models.CharField(
        _("region"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division code of the region the person chose in the portal."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["resident_id_number_index"], name="accounts_user_rid_index"),
            models.Index(fields=["mobile_index"], name="accounts_user_mobile_index"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        """What the portal calls the person: the verified name, else the masked identifier."""
        from tongban.core.masking import mask_email, mask_phone

        if self.real_name:
            return str(self.real_name)
        if self.mobile:
            return mask_phone(self.mobile)
        return mask_email(self.email) if self.email else self.username


class Enterprise(BaseModel):
    """An enterprise known from the enterprise registry, managed by its legal representative."""

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represented_enterprises",
        verbose_name=_("legal representative"),
    )
    verified_at = models.DateTimeField(_("confirmed with the registry at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class AgentGrant(BaseModel):
    """Authority given to an agent to act for a person (亲属代办) or an enterprise (经办人).

    Exactly one principal: ``principal_person`` or ``principal_enterprise``. The scope is every
    service (``all_services``) or the listed service codes; the grant ends at ``valid_until``
    or when revoked, whichever comes first.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=GrantKind.choices)
    principal_person = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants_given",
        verbose_name=_("person represented"),
    )
    principal_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("enterprise represented"),
    )
    agent = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants_held", verbose_name=_("agent")
    )
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    all_services = models.BooleanField(_("all services"), default=False)
    service_codes = models.JSONField(_("services"), default=list, blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("agent grant")
        verbose_name_plural = _("agent grants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=GrantKind.FAMILY_MEMBER,
                        principal_person__isnull=False,
                        principal_enterprise__isnull=True,
                    )
                    | models.Q(
                        kind=GrantKind.ENTERPRISE_AGENT,
                        principal_person__isnull=True,
                        principal_enterprise__isnull=False,
                    )
                ),
                name="accounts_agentgrant_one_principal",
            ),
        ]
        indexes = [models.Index(fields=["agent", "valid_until"], name="accounts_grant_agent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class OneTimeCode(BaseModel):
    """A code sent to prove a mobile number or e-mail address; stored only as a hash.

    The address itself is kept as a blind index: enough to find the code again, nothing to
    read back.
    """

    purpose = models.CharField(_("purpose"), max_length=16, choices=CodePurpose.choices)
    identifier_index = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            models.Index(
                fields=["purpose", "identifier_index", "-created_at"],
                name="accounts_code_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"


# Single sign-on's own tables live with the rest of the provider (tongban.accounts.oidc).
from tongban.accounts.oidc.models import OidcConsent as OidcConsent  # noqa: E402
from tongban.accounts.oidc.models import OidcSubject as OidcSubject  # noqa: E402
