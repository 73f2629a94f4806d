"""Every change to schedules, slots, bookings and queue tickets; one transaction each."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tongban.appointments import selectors
from tongban.appointments.constants import (
    BOOKING_CODE_ALPHABET,
    BOOKING_CODE_LENGTH,
    CHECK_IN_SALT,
    REMINDER_EVENT,
    REMINDER_FROM,
    REMINDER_UNTIL,
    SLOT_CLOSED_EVENT,
    BookingStatus,
    TicketStatus,
)
from tongban.appointments.exceptions import (
    AlreadyBooked,
    BookingBlocked,
    BookingNotActive,
    CheckInInvalid,
    CheckInUsed,
    CheckInWrongDay,
    CutOffPassed,
    DayClosed,
    NoBookingToday,
    NoTicketWaiting,
    PartnerRequired,
    SlotFull,
    SlotInPast,
)
from tongban.appointments.models import (
    Booking,
    CalendarFeed,
    Schedule,
    Slot,
    Ticket,
    TicketCounter,
)
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.selectors import case_get_for_applicant
from tongban.core.exceptions import FieldError, InvalidInput, NotFound
from tongban.core.identifiers import resident_id_number_validate
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import CHINA, local_date
from tongban.notifications.services import notification_send
from tongban.organization.models import ServiceHall, Window

__all__ = [
    "booking_cancel",
    "booking_check_in_by_id_number",
    "booking_check_in_by_token",
    "booking_create",
    "booking_reschedule",
    "bookings_no_show_record",
    "calendar_feed_get",
    "check_in_token",
    "reminders_send",
    "slot_close",
    "slots_generate",
    "ticket_call_next",
    "ticket_finish",
    "ticket_walk_in_issue",
]


def _audit(kind: str, *, actor_id: uuid.UUID | None, obj: Any, **summary: Any) -> None:
    audit_event_record(
        kind=kind,
        actor_id=actor_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary or None,
    )


# --- schedules and slots -------------------------------------------------------------------


def _periods_of(schedule: Schedule, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The hours a schedule takes appointments on a day: none on a closed or non-working day."""
    exception = next((e for e in schedule.exceptions.all() if e.day == day), None)
    if exception is not None:
        if exception.closed or exception.starts_at is None or exception.ends_at is None:
            return []
        return [(exception.starts_at, exception.ends_at)]
    if not working_calendar_get().is_working_day(day):
        return []
    weekday = day.weekday()
    hours = schedule.weekly_hours.all()
    if weekday >= 5 and not any(h.weekday == weekday for h in hours):
        # A weekend make-up working day (调休) is worked like a normal weekday: Monday's hours.
        weekday = 0
    return [(h.starts_at, h.ends_at) for h in hours if h.weekday == weekday]


def slots_generate(*, today: dt.date | None = None) -> int:
    """Creates the missing slots of every active schedule for its days ahead; safe to repeat.

    Run by the periodic job (Celery beat, or the embedded runner). Existing slots are never
    touched, so bookings and closures survive a change of hours.
    """
    today = today or local_date(timezone.now())
    created = 0
    schedules = Schedule.objects.filter(active=True).prefetch_related("weekly_hours", "exceptions")
    for schedule in schedules:
        length = dt.timedelta(minutes=schedule.slot_minutes)
        new: list[Slot] = []
        for offset in range(1, schedule.days_ahead + 1):
            day = today + dt.timedelta(days=offset)
            for starts, ends in _periods_of(schedule, day):
                moment = dt.datetime.combine(day, starts, tzinfo=CHINA)
                end_of_period = dt.datetime.combine(day, ends, tzinfo=CHINA)
                while moment + length <= end_of_period:
                    new.append(
                        Slot(
                            schedule=schedule,
                            starts_at=moment,
                            ends_at=moment + length,
                            capacity=schedule.capacity,
                        )
                    )
                    moment += length
        with transaction.atomic():
            before = Slot.objects.filter(schedule=schedule).count()
            Slot.objects.bulk_create(new, ignore_conflicts=True)
            created += Slot.objects.filter(schedule=schedule).count() - before
    return created


def slot_close(*, slot: Slot, actor: Any) -> int:
    """Closes a slot: its bookings are cancelled by the hall and their holders told, with a
    link to book again. Returns how many bookings it cancelled."""
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update()
            .select_related("schedule__hall", "schedule__service")
            .get(pk=slot.pk)
        )
        if slot.closed:
            return 0
        bookings = list(
            Booking.objects.select_for_update().filter(slot=slot, status=BookingStatus.BOOKED)
        )
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
            status=BookingStatus.SLOT_CLOSED, finished_at=timezone.now()
        )
        slot.closed = True
        slot.booked = 0
        slot.save(update_fields=["closed", "booked", "updated_at"])
        _audit(AuditEventKind.STATUS_CHANGED, actor_id=actor.pk, obj=slot, closed=True)
        schedule = slot.schedule
        rebook = f"/appointments/book/?service={schedule.service.code}&hall={schedule.hall.code}"
        for booking in bookings:
            notification_send(
                event=SLOT_CLOSED_EVENT,
                recipient=booking.user,
                context={
                    "service": schedule.service.name,
                    "hall": schedule.hall.name,
                    "time": f"{slot.starts_at.astimezone(CHINA):%Y-%m-%d %H:%M}",
                    "code": booking.code,
                },
                link=rebook,
                actor=actor,
                dedupe_key=f"appointments.slot_closed.{booking.pk}",
            )
    return len(bookings)


# --- booking -------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


def _bookable_slot(*, slot_id: uuid.UUID | str, user: Any, now: dt.datetime) -> Slot:
    try:
        slot_uuid = uuid.UUID(str(slot_id))
    except ValueError:
        raise NotFound() from None
    slot = (
        Slot.objects.select_related("schedule__hall", "schedule__service")
        .filter(pk=slot_uuid, schedule__active=True)
        .first()
    )
    if slot is None:
        raise NotFound()
    if slot.starts_at <= now:
        raise SlotInPast()
    if slot.closed or not _periods_of(slot.schedule, local_date(slot.starts_at)):
        raise DayClosed()
    block = selectors.no_show_block(user=user, hall=slot.schedule.hall, now=now)
    if block is not None:
        raise BookingBlocked(
            params={
                "count": block.count,
                "days": block.window_days,
                "until": f"{block.until.astimezone(CHINA):%Y-%m-%d}",
            }
        )
    if slot.free <= 0:
        raise SlotFull()
    return slot


def _partner_clean(
    schedule: Schedule, partner_name: str, partner_id_number: str
) -> tuple[str, str]:
    if schedule.party_size < 2:
        return "", ""
    problems: dict[str, list[FieldError]] = {}
    name = (partner_name or "").strip()
    if not name or len(name) > 50:
        problems["partner_name"] = [FieldError("required", PartnerRequired.default_message)]
    number = ""
    try:
        number = resident_id_number_validate(partner_id_number or "")
    except InvalidInput as error:
        problems["partner_id_number"] = list(error.errors.get("id_number", [])) or [
            FieldError("invalid", error.message)
        ]
    if problems:
        raise PartnerRequired(errors=problems)
    return name, number


def _take_place(slot: Slot) -> None:
    # One conditional UPDATE: the row lock makes concurrent bookings of the last place queue
    # up, and the second sees booked == capacity and updates nothing.
    taken = Slot.objects.filter(pk=slot.pk, closed=False, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise SlotFull()


def _release_place(slot_id: uuid.UUID) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def booking_create(
    *,
    user: Any,
    slot_id: uuid.UUID | str,
    partner_name: str = "",
    partner_id_number: str = "",
    case_id: uuid.UUID | str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Books a place in a slot for ``user``: one active booking per person and service, never
    more bookings than places, and not while the hall's no-show rule blocks the person.

    With ``case_id``, the booking is the in-person step of that case, which ``user`` must be
    allowed to see as its applicant or agent (anyone else's case answers "not found")."""
    now = now or timezone.now()
    case = case_get_for_applicant(user=user, case_id=case_id) if case_id else None
    slot = _bookable_slot(slot_id=slot_id, user=user, now=now)
    schedule = slot.schedule
    partner = _partner_clean(schedule, partner_name, partner_id_number)
    if Booking.objects.filter(
        user=user, service=schedule.service, status=BookingStatus.BOOKED
    ).exists():
        raise AlreadyBooked()
    try:
        with transaction.atomic():
            _take_place(slot)
            booking = Booking.objects.create(
                slot=slot,
                service=schedule.service,
                hall=schedule.hall,
                user=user,
                code=_new_code(),
                partner_name=partner[0],
                partner_id_number=partner[1],
                case=case,
            )
            _audit(AuditEventKind.CREATED, actor_id=user.pk, obj=booking)
    except IntegrityError:
        # Two requests of the same person at once: the partial unique constraint let one in.
        raise AlreadyBooked() from None
    return booking


def _check_cutoff(booking: Booking, now: dt.datetime) -> None:
    if booking.status != BookingStatus.BOOKED:
        raise BookingNotActive()
    hours = booking.slot.schedule.cancel_cutoff_hours
    if now > booking.slot.starts_at - dt.timedelta(hours=hours):
        raise CutOffPassed(params={"hours": hours})


def booking_cancel(*, booking: Booking, actor: Any, now: dt.datetime | None = None) -> Booking:
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update().select_related("slot__schedule").get(pk=booking.pk)
        )
        _check_cutoff(booking, now)
        booking.status = BookingStatus.CANCELLED
        booking.finished_at = now
        booking.save(update_fields=["status", "finished_at", "updated_at"])
        _release_place(booking.slot_id)
        _audit(AuditEventKind.STATUS_CHANGED, actor_id=actor.pk, obj=booking, status="cancelled")
    return booking


def booking_reschedule(
    *, booking: Booking, actor: Any, slot_id: uuid.UUID | str, now: dt.datetime | None = None
) -> Booking:
    """Moves a booking to another slot of the same service: the new place is taken and the
    old one given back in one transaction, or neither."""
    now = now or timezone.now()
    with transaction.atomic():
        old = (
            Booking.objects.select_for_update().select_related("slot__schedule").get(pk=booking.pk)
        )
        _check_cutoff(old, now)
        slot = _bookable_slot(slot_id=slot_id, user=old.user, now=now)
        if slot.schedule.service_id != old.service_id:
            raise InvalidInput(
                errors={"slot_id": [FieldError("other_service", SlotFull.default_message)]}
            )
        old.status = BookingStatus.CANCELLED
        old.finished_at = now
        old.save(update_fields=["status", "finished_at", "updated_at"])
        _release_place(old.slot_id)
        _take_place(slot)
        new = Booking.objects.create(
            slot=slot,
            service=old.service,
            hall=slot.schedule.hall,
            user=old.user,
            code=_new_code(),
            partner_name=old.partner_name,
            partner_id_number=old.partner_id_number,
            case_id=old.case_id,
        )
        _audit(AuditEventKind.CREATED, actor_id=actor.pk, obj=new, rescheduled_from=str(old.pk))
    return new


def calendar_feed_get(*, user: Any, renew: bool = False) -> CalendarFeed:
    """The person's calendar feed; ``renew`` gives it a new secret address (the old one dies)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            user=user, defaults={"token": secrets.token_urlsafe(32)}
        )
        if renew and not created:
            feed.token = secrets.token_urlsafe(32)
            feed.save(update_fields=["token", "updated_at"])
    return feed


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Reminds everyone booked for tomorrow (China dates), once each, never at night."""
    now = now or timezone.now()
    if not REMINDER_FROM <= now.astimezone(CHINA).time() < REMINDER_UNTIL:
        return 0
    tomorrow = local_date(now) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=CHINA)
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at=None,
        slot__starts_at__gte=start,
        slot__starts_at__lt=start + dt.timedelta(days=1),
    ).select_related("slot", "service", "hall", "user")
    sent = 0
    for booking in due:
        with transaction.atomic():
            updated = Booking.objects.filter(pk=booking.pk, reminded_at=None).update(
                reminded_at=now
            )
            if not updated:
                continue
            notification_send(
                event=REMINDER_EVENT,
                recipient=booking.user,
                context={
                    "service": booking.service.name,
                    "hall": booking.hall.name,
                    "address": booking.hall.address,
                    "time": f"{booking.slot.starts_at.astimezone(CHINA):%Y-%m-%d %H:%M}",
                    "code": booking.code,
                },
                link=f"/appointments/bookings/{booking.pk}/",
                dedupe_key=f"appointments.reminder.{booking.pk}",
            )
            sent += 1
    return sent


def bookings_no_show_record(*, now: dt.datetime | None = None) -> int:
    """Bookings whose slot ended without a check-in become no-shows (they count for the rule)."""
    now = now or timezone.now()
    return Booking.objects.filter(status=BookingStatus.BOOKED, slot__ends_at__lt=now).update(
        status=BookingStatus.NO_SHOW, finished_at=now
    )


# --- at the hall ---------------------------------------------------------------------------


def check_in_token(booking: Booking) -> str:
    """What the booking's QR code holds: a signed reference, never personal data."""
    return signing.dumps({"b": str(booking.pk)}, salt=CHECK_IN_SALT, compress=False)


def _ticket_issue(
    *, hall: ServiceHall, schedule: Schedule, booking: Booking | None, now: dt.datetime
) -> Ticket:
    day = local_date(now)
    group = schedule.service_group
    counter = (
        TicketCounter.objects.select_for_update()
        .filter(hall=hall, day=day, service_group=group)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                TicketCounter.objects.create(hall=hall, day=day, service_group=group)
        except IntegrityError:
            pass
        counter = TicketCounter.objects.select_for_update().get(
            hall=hall, day=day, service_group=group
        )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return Ticket.objects.create(
        hall=hall,
        schedule=schedule,
        day=day,
        number=f"{group}{counter.last_number:03d}",
        booking=booking,
        issued_at=now,
    )


def _check_in(*, booking_id: Any, hall: ServiceHall, now: dt.datetime) -> Ticket:
    booking = (
        Booking.objects.select_for_update()
        .select_related("slot__schedule")
        .filter(pk=booking_id, hall=hall)
        .first()
    )
    if booking is None:
        raise CheckInInvalid()
    if booking.status != BookingStatus.BOOKED:
        raise CheckInUsed() if booking.checked_in_at else BookingNotActive()
    if local_date(booking.slot.starts_at) != local_date(now):
        raise CheckInWrongDay()
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = now
    booking.save(update_fields=["status", "checked_in_at", "updated_at"])
    return _ticket_issue(hall=hall, schedule=booking.slot.schedule, booking=booking, now=now)


def booking_check_in_by_token(
    *, hall: ServiceHall, token: str, now: dt.datetime | None = None
) -> Ticket:
    """Checks in the booking whose QR was scanned; the token works once (the booking leaves
    ``booked``), so a copied screenshot cannot draw a second ticket."""
    now = now or timezone.now()
    token = (token or "").strip()
    if "token=" in token:
        token = token.rsplit("token=", 1)[1]
    try:
        data = signing.loads(token, salt=CHECK_IN_SALT)
        booking_id = uuid.UUID(str(data["b"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise CheckInInvalid() from None
    with transaction.atomic():
        return _check_in(booking_id=booking_id, hall=hall, now=now)


def booking_check_in_by_id_number(
    *, hall: ServiceHall, id_number: str, now: dt.datetime | None = None
) -> Ticket:
    """Checks in today's booking of the person with this resident ID number at this hall."""
    now = now or timezone.now()
    number = resident_id_number_validate(id_number or "")
    today = local_date(now)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=CHINA)
    booking_id = selectors.booking_for_id_number_today(
        hall=hall, id_number=number, start=start, end=start + dt.timedelta(days=1)
    )
    if booking_id is None:
        raise NoBookingToday()
    with transaction.atomic():
        return _check_in(booking_id=booking_id, hall=hall, now=now)


def ticket_walk_in_issue(
    *, hall: ServiceHall, schedule: Schedule, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    if schedule.hall_id != hall.pk:
        raise NotFound()
    with transaction.atomic():
        ticket = _ticket_issue(
            hall=hall, schedule=schedule, booking=None, now=now or timezone.now()
        )
        _audit(AuditEventKind.CREATED, actor_id=actor.pk, obj=ticket, walk_in=True)
    return ticket


def ticket_call_next(
    *, hall: ServiceHall, window: Window, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    """Calls the longest-waiting ticket of the hall today to ``window``."""
    now = now or timezone.now()
    if window.hall_id != hall.pk:
        raise NotFound()
    with transaction.atomic():
        waiting = Ticket.objects.filter(
            hall=hall, day=local_date(now), status=TicketStatus.WAITING
        ).order_by("issued_at", "number")
        # Two clerks pressing "next" at once get two different tickets, not the same one.
        skip = transaction.get_connection().features.has_select_for_update_skip_locked
        ticket = waiting.select_for_update(skip_locked=skip).first()
        if ticket is None:
            raise NoTicketWaiting()
        ticket.status = TicketStatus.CALLED
        ticket.window = window
        ticket.called_at = now
        ticket.save(update_fields=["status", "window", "called_at", "updated_at"])
        _audit(AuditEventKind.STATUS_CHANGED, actor_id=actor.pk, obj=ticket, status="called")
    return ticket


def ticket_finish(
    *, ticket: Ticket, served: bool, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    """Records the end of a called ticket: served, or the person did not come to the window."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.status != TicketStatus.CALLED:
            raise BookingNotActive()
        ticket.status = TicketStatus.SERVED if served else TicketStatus.NO_SHOW
        ticket.finished_at = now
        ticket.save(update_fields=["status", "finished_at", "updated_at"])
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id).update(
                status=BookingStatus.SERVED if served else BookingStatus.NO_SHOW, finished_at=now
            )
        _audit(AuditEventKind.STATUS_CHANGED, actor_id=actor.pk, obj=ticket, status=ticket.status)
    return ticket


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
