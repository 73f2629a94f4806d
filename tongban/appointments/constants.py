import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# Defaults of the no-show rule (hall rules override them per hall).
NO_SHOW_LIMIT = 3
NO_SHOW_WINDOW_DAYS = 90
NO_SHOW_BLOCK_DAYS = 30

REMINDER_EVENT = "appointments.reminder"
# Reminders wait for the morning: the job runs all night, people sleep.
REMINDER_FROM = dt.time(8, 0)
REMINDER_UNTIL = dt.time(22, 0)
SLOT_CLOSED_EVENT = "appointments.slot_closed"
CHECK_IN_SALT = "tongban.appointments.check_in"
BOOKING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BOOKING_CODE_LENGTH = 8


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    SLOT_CLOSED = "slot_closed", _("Cancelled by the hall")
    CHECKED_IN = "checked_in", _("Checked in")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")


ACTIVE_BOOKING_STATUSES = (BookingStatus.BOOKED,)


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
