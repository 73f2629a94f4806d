from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrySourceKey(models.TextChoices):
    """The government data sources the platform reads, by plug-in key."""

    POPULATION = "population", _("Population registry")
    ENTERPRISE = "enterprise", _("Enterprise registry")


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
