"""The demo plug-ins' own copy of the registries: synthetic, fictional, deterministic.

Real deployments read the government's registries through their plug-ins and keep no copy;
these tables exist only so that development, the demo city and the tests need no network.
Personal identifiers are encrypted at rest; the blind index finds a resident by ID number.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.fields import EncryptedTextField
from tongban.core.models import BaseModel
from tongban.registries.constants import EnterpriseKind, EnterpriseStatus, HouseholdRelation, Sex


class DemoHousehold(BaseModel):
    """A registered household (户): its number, address and region."""

    number = models.CharField(_("household number"), max_length=12, unique=True)
    region_code = models.CharField(_("region code"), max_length=9)
    address = EncryptedTextField(_("address"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("demo household")
        verbose_name_plural = _("demo households")

    def __str__(self) -> str:
        return self.number


class DemoResident(BaseModel):
    household = models.ForeignKey(
        DemoHousehold,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("household"),
    )
    id_number = EncryptedTextField(_("resident ID number"), blind_index="id_number_index")
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    name = EncryptedTextField(_("name"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20)
    birth_date = models.DateField(_("birth date"))
    relation_to_head = models.CharField(
        _("relation to the head of household"), max_length=16, choices=HouseholdRelation.choices
    )
    deceased_on = models.DateField(_("deceased on"), null=True, blank=True)

    class Meta:
        ordering = ["household", "birth_date"]
        verbose_name = _("demo resident")
        verbose_name_plural = _("demo residents")

    def __str__(self) -> str:
        # Never the name or number: this string may reach logs and the admin's history.
        return f"resident {self.pk}"


class DemoResidentIdCard(BaseModel):
    """The resident ID card (居民身份证) the population registry issued to a resident."""

    resident = models.OneToOneField(
        DemoResident, on_delete=models.CASCADE, related_name="id_card", verbose_name=_("resident")
    )
    issuing_authority = models.CharField(_("issuing authority"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: valid for life (长期).")
    )

    class Meta:
        verbose_name = _("demo resident ID card")
        verbose_name_plural = _("demo resident ID cards")

    def __str__(self) -> str:
        return f"ID card {self.pk}"


class DemoEnterprise(BaseModel):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=EnterpriseKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=EnterpriseStatus.choices)
    legal_representative = models.ForeignKey(
        DemoResident,
        on_delete=models.PROTECT,
        related_name="represented_enterprises",
        verbose_name=_("legal representative"),
    )
    region_code = models.CharField(_("region code"), max_length=9)
    registered_address = models.CharField(_("registered address"), max_length=300)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"), max_digits=12, decimal_places=2
    )
    established_on = models.DateField(_("established on"))
    business_scope = models.TextField(_("business scope"))

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("demo enterprise")
        verbose_name_plural = _("demo enterprises")

    def __str__(self) -> str:
        return self.name


class DemoInsuranceActivity(BaseModel):
    """A dated trace a person left in the social-insurance systems (a medical visit paid by
    the medical insurance, a pharmacy purchase, a contribution): the demo social-security
    registry's answer to "has this person been active lately"."""

    resident = models.ForeignKey(
        DemoResident,
        on_delete=models.CASCADE,
        related_name="insurance_activities",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("kind"), max_length=32)
    occurred_on = models.DateField(_("occurred on"))

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("demo social-insurance activity")
        verbose_name_plural = _("demo social-insurance activities")
        indexes = [
            models.Index(fields=["resident", "-occurred_on"], name="registries_activity_recent")
        ]

    def __str__(self) -> str:
        return f"activity {self.pk}"


class DemoPensionAward(BaseModel):
    """A basic pension the social-insurance agency pays a resident (养老金待遇), from the day
    it was awarded: the demo registry's answer to "who receives a pension"."""

    resident = models.OneToOneField(
        DemoResident,
        on_delete=models.CASCADE,
        related_name="pension_award",
        verbose_name=_("resident"),
    )
    started_on = models.DateField(_("paid since"))

    class Meta:
        verbose_name = _("demo pension award")
        verbose_name_plural = _("demo pension awards")

    def __str__(self) -> str:
        return f"pension award {self.pk}"
