from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District or county")
    STREET = "street", _("Street or township")


# From the top down: the parent of a region is always exactly one level up.
REGION_LEVEL_ORDER = [
    RegionLevel.PROVINCE,
    RegionLevel.CITY,
    RegionLevel.DISTRICT,
    RegionLevel.STREET,
]


class StandardDepartmentType(models.TextChoices):
    """The department types every city has; processes name these codes in their lanes."""

    MARKET_REGULATION = "market_regulation", _("Market regulation")
    HUMAN_RESOURCES_SOCIAL_SECURITY = (
        "human_resources_social_security",
        _("Human resources and social security"),
    )
    PUBLIC_SECURITY = "public_security", _("Public security")
    TRAFFIC_POLICE = "traffic_police", _("Traffic police")
    HOUSING_PROVIDENT_FUND = "housing_provident_fund", _("Housing provident fund")
    HEALTH = "health", _("Health")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    TAXATION = "taxation", _("Taxation")


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("Window clerk")
    CASE_OFFICER = "case_officer", _("Case officer")
    APPROVER = "approver", _("Approver")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Emergency alerts go out on four eyes: one person drafts, another approves.
    ALERT_DRAFTER = "alert_drafter", _("Emergency alert drafter")
    ALERT_APPROVER = "alert_approver", _("Emergency alert approver")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
