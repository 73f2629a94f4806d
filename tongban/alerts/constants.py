"""CAP 1.2 code lists and the alert's own life cycle."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
# The one sender name the platform publishes under (CAP: "unambiguous", no spaces).
CAP_SENDER_SUFFIX = "alerts.tongban.gov.cn"


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    SYSTEM = "System", _("System")
    TEST = "Test", _("Test")
    DRAFT = "Draft", _("Draft")


class MessageType(models.TextChoices):
    ALERT = "Alert", _("Alert")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancellation")


class Scope(models.TextChoices):
    PUBLIC = "Public", _("Public")
    RESTRICTED = "Restricted", _("Restricted")
    PRIVATE = "Private", _("Private")


class CapCategory(models.TextChoices):
    GEO = "Geo", _("Geophysical (earthquake, landslide)")
    MET = "Met", _("Meteorological (rainstorm, typhoon, flood)")
    SAFETY = "Safety", _("General safety")
    SECURITY = "Security", _("Public security")
    RESCUE = "Rescue", _("Rescue and recovery")
    FIRE = "Fire", _("Fire")
    HEALTH = "Health", _("Public health")
    ENV = "Env", _("Pollution and environment")
    TRANSPORT = "Transport", _("Transport")
    INFRA = "Infra", _("Utilities and infrastructure")
    CBRNE = "CBRNE", _("Chemical, biological, radiological or nuclear")
    OTHER = "Other", _("Other")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", _("Unknown")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", _("Unknown")


class AlertState(models.TextChoices):
    """Where an alert is in the four-eyes life cycle (not a CAP field)."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved, not yet sent")
    SENT = "sent", _("Sent")
    # Replaced by a sent update or cancellation that references it.
    SUPERSEDED = "superseded", _("Superseded")


EDITABLE_STATES = frozenset({AlertState.DRAFT})
# The public pages list alerts for this long after they expire or are cancelled.
PUBLIC_HISTORY = dt.timedelta(days=30)
# The banner's list of active alerts is cached this long; sending or cancelling clears it.
BANNER_CACHE_KEY = "alerts:active:v1"
BANNER_CACHE_SECONDS = 60
# Users are handed to notifications in batches: one transaction and one task each.
TARGET_BATCH_SIZE = 1000
FEED_SIZE = 50
