"""Choices of the service catalog (政务服务事项, 办事指南)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    """The kinds of government service items of the national standard (事项类型)."""

    LICENSING = "licensing", _("Administrative licence (行政许可)")
    BENEFIT = "benefit", _("Administrative benefit (行政给付)")
    CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
    REGISTRATION = "registration", _("Administrative registration (行政登记)")
    FILING = "filing", _("Filing (备案)")
    PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")
    OTHER = "other", _("Other administrative power (其他行政权力)")


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Person")
    ENTERPRISE = "enterprise", _("Enterprise")


class Topic(models.TextChoices):
    """Life events (people) and enterprise stages, for browsing the catalog."""

    BIRTH = "birth", _("Birth")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    MARRIAGE = "marriage", _("Marriage")
    HOUSING = "housing", _("Housing")
    TRANSPORT = "transport", _("Driving and vehicles")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    RETIREMENT = "retirement", _("Retirement")
    ENTERPRISE_START = "enterprise_start", _("Starting a business")
    ENTERPRISE_OPERATE = "enterprise_operate", _("Running a business")
    ENTERPRISE_CHANGE = "enterprise_change", _("Changing a business")
    ENTERPRISE_CLOSE = "enterprise_close", _("Closing a business")


class Channel(models.TextChoices):
    FULLY_ONLINE = "fully_online", _("Fully online")
    ONLINE_ONE_TRIP = "online_one_trip", _("Online, with one trip")
    COUNTER_ONLY = "counter_only", _("At the counter only")


class Delivery(models.TextChoices):
    E_LICENCE = "e_licence", _("Electronic licence")
    POST = "post", _("By post")
    PICKUP = "pickup", _("Pick up at the counter")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class FieldType(models.TextChoices):
    TEXT = "text", _("Short text")
    TEXTAREA = "textarea", _("Long text")
    INTEGER = "integer", _("Whole number")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    EMAIL = "email", _("E-mail address")
    CHOICE = "choice", _("One of several options")
    MULTIPLE_CHOICE = "multiple_choice", _("Several options")
    BOOLEAN = "boolean", _("Yes or no")
    RESIDENT_ID_NUMBER = "resident_id_number", _("Resident ID number")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    MOBILE = "mobile", _("Mainland mobile number")
    POSTAL_CODE = "postal_code", _("Postal code")


# Field types that hold personal information: a designer must say why the form asks for them.
PERSONAL_FIELD_TYPES = frozenset(
    {FieldType.RESIDENT_ID_NUMBER, FieldType.MOBILE, FieldType.EMAIL, FieldType.POSTAL_CODE}
)


class MaterialRequirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Only in some cases")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")


# Search input limits: a query longer than this is refused, not truncated silently.
SEARCH_QUERY_MAX_LENGTH = 50
SEARCH_RESULTS_LIMIT = 50
# Searches per client address and minute before growing delays set in (DESIGN.md §8).
SEARCH_RATE_LIMIT = 120
