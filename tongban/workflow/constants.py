from django.db import models
from django.utils.translation import gettext_lazy as _


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.CLAIMED)


class TaskOutcome(models.TextChoices):
    """What an officer decides; a user task may allow only some (``tongban:outcomes``)."""

    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPPLEMENTATION = "supplementation", _("Supplementation requested")


# A task is "due soon" on the working day before its due date (and on the due date itself).
DUE_SOON_WORKING_DAYS = 1
# Process data from outside (start data, completion data) stays small: it is copied into every
# task of the serialized instance.
MAX_DATA_BYTES = 32 * 1024
# Where a process puts its outcome when no end event names one.
DEFAULT_PROCESS_OUTCOME = "completed"
