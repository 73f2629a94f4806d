from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrySourceKey(models.TextChoices):
    """The government data sources the platform reads, by plug-in key."""

    POPULATION = "population", _("Population registry")
    ENTERPRISE = "enterprise", _("Enterprise registry")
    SOCIAL_SECURITY = "social_security", _("Social-insurance registry")


class InsuranceActivityKind(models.TextChoices):
    """Traces in the social-insurance systems that show a person is alive and about."""

    MEDICAL_VISIT = "medical_visit", _("Medical visit paid by the medical insurance")
    PHARMACY = "pharmacy", _("Pharmacy purchase paid by the medical insurance")
    CONTRIBUTION = "contribution", _("Social-insurance contribution")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class HouseholdRelation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")


class EnterpriseKind(models.TextChoices):
    LIMITED_COMPANY = "limited_company", _("Limited liability company")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Individual business (sole proprietor)")
    PARTNERSHIP = "partnership", _("Partnership")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DEREGISTERED = "deregistered", _("Deregistered")


# The shortest purpose we accept: "check" says nothing to the person whose data was read.
PURPOSE_MIN_LENGTH = 4
PURPOSE_MAX_LENGTH = 500
