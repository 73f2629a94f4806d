"""Kinds of audit events, and the limits the law puts on keeping them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Cybersecurity Law Art. 21(3): network logs are kept for no less than six months. 184 days
# covers the longest six calendar months (July to December), so no setting can undercut it.
RETENTION_MINIMUM_DAYS = 184

# The previous hash of the first sealed event.
GENESIS_HASH = "0" * 64


class AuditEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    STATUS_CHANGED = "status_changed", _("Status changed")
    # Who read whose personal data, which fields, for what purpose: shown to the person it is
    # about ("who accessed my data", Personal Information Protection Law Art. 45).
    PERSONAL_DATA_READ = "personal_data_read", _("Personal data read")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    SIGNED_IN = "signed_in", _("Signed in")
    SIGNED_OUT = "signed_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    CONFIGURATION_CHANGED = "configuration_changed", _("Configuration changed")


class ChainBreakReason(models.TextChoices):
    SEQUENCE_GAP = "sequence_gap", _("An event is missing from the chain")
    PREVIOUS_HASH_MISMATCH = "previous_hash_mismatch", _("The link to the previous event is wrong")
    CONTENT_ALTERED = "content_altered", _("The event was altered after it was sealed")
