"""The errors of appointments, each with a stable code and a message for people."""

from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class SlotInPast(InvalidInput):
    code = "slot_in_past"
    default_message = _("This time has already passed. Choose a later one.")


class SlotFull(Conflict):
    code = "slot_full"
    default_message = _("This time is fully booked. Choose another one.")


class DayClosed(Conflict):
    code = "day_closed"
    default_message = _("The hall does not take appointments on this day. Choose another day.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = _(
        "You already have an appointment for this service. Cancel or reschedule it instead."
    )


class BookingBlocked(PermissionDenied):
    code = "booking_blocked"
    default_message = _(
        "You missed %(count)s appointments at this hall in the last %(days)s days, so you "
        "cannot book here until %(until)s."
    )


class CutOffPassed(Conflict):
    code = "cutoff_passed"
    default_message = _(
        "Appointments can be cancelled or rescheduled only until %(hours)s hours before they "
        "start. Please contact the hall."
    )


class BookingNotActive(Conflict):
    code = "booking_not_active"
    default_message = _("This appointment is no longer active.")


class PartnerRequired(InvalidInput):
    code = "partner_required"
    default_message = _("This service is attended by two people: give the other person's details.")


class CheckInInvalid(InvalidInput):
    code = "check_in_invalid"
    default_message = _("This code is not a valid appointment code of this hall.")


class CheckInUsed(Conflict):
    code = "check_in_used"
    default_message = _("This appointment has already been checked in.")


class CheckInWrongDay(Conflict):
    code = "check_in_wrong_day"
    default_message = _("This appointment is not for today.")


class NoBookingToday(NotFound):
    code = "no_booking_today"
    default_message = _("We found no appointment for today at this hall for this ID number.")


class NoTicketWaiting(NotFound):
    code = "no_ticket_waiting"
    default_message = _("Nobody is waiting.")
