"""Reads of schedules, slots, bookings and queues, scoped to who asks."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from tongban.appointments.constants import (
    NO_SHOW_BLOCK_DAYS,
    NO_SHOW_LIMIT,
    NO_SHOW_WINDOW_DAYS,
    BookingStatus,
    TicketStatus,
)
from tongban.appointments.models import Booking, CalendarFeed, HallRules, Schedule, Slot, Ticket
from tongban.catalog.models import Material
from tongban.catalog.selectors import version_materials
from tongban.core.exceptions import NotFound
from tongban.core.fields import blind_index_of
from tongban.organization.models import ServiceHall, Window
from tongban.organization.selectors import staff_positions_of


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


@dataclass(frozen=True)
class NoShowRule:
    limit: int
    window_days: int
    block_days: int


@dataclass(frozen=True)
class NoShowBlock:
    until: dt.datetime
    count: int
    window_days: int


def no_show_rule(*, hall: ServiceHall) -> NoShowRule:
    rules = HallRules.objects.filter(hall=hall).first()
    if rules is None:
        return NoShowRule(NO_SHOW_LIMIT, NO_SHOW_WINDOW_DAYS, NO_SHOW_BLOCK_DAYS)
    return NoShowRule(rules.no_show_limit, rules.no_show_window_days, rules.block_days)


def block_until(no_shows: list[dt.datetime], *, rule: NoShowRule) -> dt.datetime | None:
    """The end of the latest block: ``limit`` no-shows within ``window_days`` block booking
    for ``block_days`` from the last of them."""
    times = sorted(no_shows)
    latest: dt.datetime | None = None
    window = dt.timedelta(days=rule.window_days)
    for index in range(rule.limit - 1, len(times)):
        if times[index] - times[index - rule.limit + 1] <= window:
            latest = times[index] + dt.timedelta(days=rule.block_days)
    return latest


def no_show_block(*, user: Any, hall: ServiceHall, now: dt.datetime) -> NoShowBlock | None:
    rule = no_show_rule(hall=hall)
    horizon = now - dt.timedelta(days=rule.window_days + rule.block_days)
    no_shows = list(
        Booking.objects.filter(
            user=user, hall=hall, status=BookingStatus.NO_SHOW, slot__starts_at__gte=horizon
        ).values_list("slot__starts_at", flat=True)
    )
    until = block_until(no_shows, rule=rule)
    if until is None or until <= now:
        return None
    return NoShowBlock(until=until, count=rule.limit, window_days=rule.window_days)


def schedules_bookable() -> QuerySet[Schedule]:
    return (
        Schedule.objects.filter(active=True, service__published_version__isnull=False)
        .select_related("hall", "service")
        .order_by("service__code", "hall__code")
    )


def schedules_of_hall(*, hall: ServiceHall) -> QuerySet[Schedule]:
    return Schedule.objects.filter(hall=hall, active=True).select_related("service")


def schedule_get(*, service_code: str, hall_code: str) -> Schedule:
    schedule = schedules_bookable().filter(service__code=service_code, hall__code=hall_code).first()
    if schedule is None:
        raise NotFound()
    return schedule


def slots_open(
    *,
    service_code: str = "",
    hall_code: str = "",
    date_from: dt.datetime,
    date_to: dt.datetime,
    limit: int = 500,
) -> QuerySet[Slot]:
    """Slots of active schedules in a period, soonest first (full ones too, marked so)."""
    slots = Slot.objects.filter(
        schedule__active=True,
        closed=False,
        starts_at__gte=date_from,
        starts_at__lt=date_to,
    ).select_related("schedule__hall", "schedule__service")
    if service_code:
        slots = slots.filter(schedule__service__code=service_code)
    if hall_code:
        slots = slots.filter(schedule__hall__code=hall_code)
    return slots.order_by("starts_at", "schedule__hall__code")[:limit]


def materials_for(*, booking_or_schedule: Booking | Schedule) -> list[Material]:
    """The checklist of the service's published version: what to bring to the hall."""
    service = booking_or_schedule.service
    version = service.published_version
    return version_materials(version) if version is not None else []


def _booking_queryset() -> QuerySet[Booking]:
    return Booking.objects.select_related("slot__schedule", "service", "hall")


def bookings_for_user(*, user: Any) -> QuerySet[Booking]:
    return _booking_queryset().filter(user=user).order_by("-slot__starts_at")[:200]


def booking_get_for_user(*, user: Any, booking_id: Any) -> Booking:
    """The person's own booking; anyone else's answers "not found"."""
    booking = _booking_queryset().filter(pk=_uuid(booking_id), user=user).first()
    if booking is None:
        raise NotFound()
    return booking


def feed_bookings(*, token: str) -> tuple[Any, QuerySet[Booking]]:
    feed = (
        CalendarFeed.objects.select_related("user").filter(token=token).first() if token else None
    )
    if feed is None:
        raise NotFound()
    since = feed.user.date_joined
    bookings = (
        _booking_queryset()
        .filter(user=feed.user, slot__starts_at__gte=since)
        .exclude(status=BookingStatus.CANCELLED)
        .order_by("slot__starts_at")[:500]
    )
    return feed.user, bookings


def booking_for_id_number_today(
    *, hall: ServiceHall, id_number: str, start: dt.datetime, end: dt.datetime
) -> uuid.UUID | None:
    """Found by the blind index: the number itself is never compared or stored in plain text."""
    from django.contrib.auth import get_user_model

    index = blind_index_of(get_user_model(), "resident_id_number", id_number)
    return (
        Booking.objects.filter(
            hall=hall,
            user__resident_id_number_index=index,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        )
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.SLOT_CLOSED])
        .order_by("slot__starts_at")
        .values_list("pk", flat=True)
        .first()
    )


def hall_get_public(*, code: str) -> ServiceHall:
    hall = ServiceHall.objects.filter(code=code, appointment_schedules__active=True).first()
    if hall is None:
        raise NotFound()
    return hall


def halls_for_staff(*, user: Any) -> QuerySet[ServiceHall]:
    if not getattr(user, "is_authenticated", False):
        return ServiceHall.objects.none()
    if user.is_superuser:
        return ServiceHall.objects.all()
    hall_ids = (
        staff_positions_of(user_id=user.pk).exclude(hall=None).values_list("hall_id", flat=True)
    )
    return ServiceHall.objects.filter(pk__in=list(hall_ids))


def hall_get_for_staff(*, user: Any, code: str) -> ServiceHall:
    """A hall where ``user`` works (or any, for administrators); others answer "not found"."""
    hall = halls_for_staff(user=user).filter(code=code).first()
    if hall is None:
        raise NotFound()
    return hall


def bookings_for_hall_day(*, hall: ServiceHall, start: dt.datetime) -> QuerySet[Booking]:
    return (
        _booking_queryset()
        .select_related("user", "ticket")
        .filter(
            hall=hall, slot__starts_at__gte=start, slot__starts_at__lt=start + dt.timedelta(days=1)
        )
        .order_by("slot__starts_at", "code")
    )


def slots_for_hall_day(*, hall: ServiceHall, start: dt.datetime) -> QuerySet[Slot]:
    return (
        Slot.objects.select_related("schedule__service")
        .filter(
            schedule__hall=hall, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        )
        .order_by("starts_at", "schedule__service_group")
    )


def slot_get_for_staff(*, hall: ServiceHall, slot_id: Any) -> Slot:
    slot = Slot.objects.filter(pk=_uuid(slot_id), schedule__hall=hall).first()
    if slot is None:
        raise NotFound()
    return slot


def window_get(*, hall: ServiceHall, window_id: Any) -> Window:
    window = Window.objects.filter(pk=_uuid(window_id), hall=hall).first()
    if window is None:
        raise NotFound()
    return window


def schedule_get_for_hall(*, hall: ServiceHall, schedule_id: Any) -> Schedule:
    schedule = Schedule.objects.filter(pk=_uuid(schedule_id), hall=hall).first()
    if schedule is None:
        raise NotFound()
    return schedule


def ticket_get_for_hall(*, hall: ServiceHall, ticket_id: Any) -> Ticket:
    ticket = Ticket.objects.filter(pk=_uuid(ticket_id), hall=hall).first()
    if ticket is None:
        raise NotFound()
    return ticket


@dataclass(frozen=True)
class GroupWaiting:
    group: str
    service: str
    waiting: int


@dataclass(frozen=True)
class QueueState:
    called: list[Ticket]
    groups: list[GroupWaiting]
    average_wait_minutes: int | None


def queue_state(*, hall: ServiceHall, day: dt.date) -> QueueState:
    """What the hall's display shows: the latest called tickets and who is still waiting."""
    tickets = Ticket.objects.filter(hall=hall, day=day)
    called = list(
        tickets.filter(status__in=[TicketStatus.CALLED, TicketStatus.SERVED])
        .exclude(called_at=None)
        .select_related("window")
        .order_by("-called_at")[:8]
    )
    counts = dict(
        tickets.filter(status=TicketStatus.WAITING)
        .values_list("schedule__service_group")
        .annotate(n=Count("pk"))
        .values_list("schedule__service_group", "n")
    )
    groups = [
        GroupWaiting(
            group=s.service_group, service=s.service.name, waiting=counts.get(s.service_group, 0)
        )
        for s in Schedule.objects.filter(hall=hall, active=True)
        .select_related("service")
        .order_by("service_group")
    ]
    average = tickets.exclude(called_at=None).aggregate(wait=Avg(F("called_at") - F("issued_at")))[
        "wait"
    ]
    minutes = None
    if average is not None:
        seconds = (
            average.total_seconds() if isinstance(average, dt.timedelta) else float(average) / 1e6
        )
        minutes = round(seconds / 60)
    return QueueState(called=called, groups=groups, average_wait_minutes=minutes)


def tickets_waiting(*, hall: ServiceHall, day: dt.date) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(hall=hall, day=day)
        .filter(Q(status=TicketStatus.WAITING) | Q(status=TicketStatus.CALLED))
        .select_related("schedule__service", "window", "booking")
        .order_by("issued_at")
    )
