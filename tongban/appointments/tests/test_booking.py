"""Booking rules: places, one booking per service, cut-off, no-show blocks, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.appointments import selectors, services
from tongban.appointments.constants import BookingStatus
from tongban.appointments.exceptions import (
    AlreadyBooked,
    BookingBlocked,
    BookingNotActive,
    CutOffPassed,
    DayClosed,
    PartnerRequired,
    SlotFull,
    SlotInPast,
)
from tongban.appointments.factories import (
    china_time,
    hall_rules_set,
    schedule_create,
    service_published,
    slot_create,
)
from tongban.appointments.models import Booking, ScheduleException, Slot
from tongban.appointments.selectors import NoShowRule, block_until
from tongban.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def _unchanged(slot: Slot, booked: int, bookings: int) -> None:
    slot.refresh_from_db()
    assert slot.booked == booked
    assert Booking.objects.count() == bookings


def test_a_booking_takes_a_place_and_gets_a_code(citizen, slot):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)

    slot.refresh_from_db()
    assert slot.booked == 1
    assert booking.status == BookingStatus.BOOKED
    assert len(booking.code) == 8
    assert (booking.hall, booking.service) == (slot.schedule.hall, slot.schedule.service)


def test_capacity_is_windows_times_people_per_slot(schedule, slot):
    assert schedule.capacity == 2
    assert slot.capacity == 2


def test_a_full_slot_is_refused_and_nothing_changes(citizen, other_citizen, enterprise_agent, slot):
    services.booking_create(user=citizen, slot_id=slot.pk)
    services.booking_create(user=other_citizen, slot_id=slot.pk)

    with pytest.raises(SlotFull) as caught:
        services.booking_create(user=enterprise_agent, slot_id=slot.pk)

    assert caught.value.code == "slot_full"
    _unchanged(slot, booked=2, bookings=2)


def test_a_slot_in_the_past_is_refused(citizen, slot):
    later = slot.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(SlotInPast) as caught:
        services.booking_create(user=citizen, slot_id=slot.pk, now=later)
    assert caught.value.code == "slot_in_past"
    _unchanged(slot, booked=0, bookings=0)


def test_a_closed_day_is_refused(citizen, slot, booking_day):
    ScheduleException.objects.create(schedule=slot.schedule, day=booking_day, note="设备检修")
    with pytest.raises(DayClosed) as caught:
        services.booking_create(user=citizen, slot_id=slot.pk)
    assert caught.value.code == "day_closed"
    _unchanged(slot, booked=0, bookings=0)


def test_a_closed_slot_is_refused(citizen, slot):
    Slot.objects.filter(pk=slot.pk).update(closed=True)
    with pytest.raises(DayClosed):
        services.booking_create(user=citizen, slot_id=slot.pk)
    assert Booking.objects.count() == 0


def test_a_second_booking_for_the_same_service_is_refused(citizen, schedule, slot, booking_day):
    services.booking_create(user=citizen, slot_id=slot.pk)
    other = slot_create(schedule=schedule, starts_at=china_time(booking_day, 10))

    with pytest.raises(AlreadyBooked) as caught:
        services.booking_create(user=citizen, slot_id=other.pk)

    assert caught.value.code == "already_booked"
    _unchanged(other, booked=0, bookings=1)


def test_an_unknown_or_malformed_slot_is_not_found(citizen, slot):
    for slot_id in ["nonsense", "00000000-0000-0000-0000-000000000000"]:
        with pytest.raises(NotFound):
            services.booking_create(user=citizen, slot_id=slot_id)
    assert Booking.objects.count() == 0


def test_cancelling_gives_the_place_back_and_allows_booking_again(citizen, slot):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    services.booking_cancel(booking=booking, actor=citizen)

    slot.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.booked, booking.status) == (0, BookingStatus.CANCELLED)
    services.booking_create(user=citizen, slot_id=slot.pk)


def test_cancelling_after_the_cutoff_is_refused_and_nothing_changes(citizen, slot):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    late = slot.starts_at - dt.timedelta(hours=23)

    with pytest.raises(CutOffPassed) as caught:
        services.booking_cancel(booking=booking, actor=citizen, now=late)

    assert caught.value.code == "cutoff_passed"
    assert "24" in caught.value.translated_message()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    _unchanged(slot, booked=1, bookings=1)


def test_cancelling_twice_is_refused(citizen, slot):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    services.booking_cancel(booking=booking, actor=citizen)
    with pytest.raises(BookingNotActive):
        services.booking_cancel(booking=booking, actor=citizen)
    _unchanged(slot, booked=0, bookings=1)


def test_rescheduling_moves_the_place(citizen, schedule, slot, booking_day):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    later = slot_create(schedule=schedule, starts_at=china_time(booking_day, 11))

    moved = services.booking_reschedule(booking=booking, actor=citizen, slot_id=later.pk)

    slot.refresh_from_db()
    later.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.booked, later.booked) == (0, 1)
    assert booking.status == BookingStatus.CANCELLED
    assert moved.status == BookingStatus.BOOKED
    assert moved.slot == later


def test_rescheduling_to_a_full_slot_changes_nothing(
    citizen, other_citizen, enterprise_agent, schedule, slot, booking_day
):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    full = slot_create(schedule=schedule, starts_at=china_time(booking_day, 11), capacity=1)
    services.booking_create(user=other_citizen, slot_id=full.pk)

    with pytest.raises(SlotFull):
        services.booking_reschedule(booking=booking, actor=citizen, slot_id=full.pk)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    _unchanged(slot, booked=1, bookings=2)
    _unchanged(full, booked=1, bookings=2)


def test_rescheduling_after_the_cutoff_is_refused(citizen, schedule, slot, booking_day):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    later = slot_create(schedule=schedule, starts_at=china_time(booking_day, 11))
    with pytest.raises(CutOffPassed):
        services.booking_reschedule(
            booking=booking,
            actor=citizen,
            slot_id=later.pk,
            now=slot.starts_at - dt.timedelta(hours=1),
        )
    _unchanged(later, booked=0, bookings=1)


def _no_shows(user, schedule, days_ago: list[int], now: dt.datetime) -> None:
    for index, ago in enumerate(days_ago):
        past = slot_create(schedule=schedule, starts_at=now - dt.timedelta(days=ago, minutes=index))
        Booking.objects.create(
            slot=past,
            service=schedule.service,
            hall=schedule.hall,
            user=user,
            code=f"NOSHOW{index:02d}",
            status=BookingStatus.NO_SHOW,
        )


def test_three_no_shows_in_ninety_days_block_booking_for_thirty_days(citizen, schedule, slot):
    now = slot.starts_at - dt.timedelta(days=3)
    _no_shows(citizen, schedule, [80, 40, 10], now)

    with pytest.raises(BookingBlocked) as caught:
        services.booking_create(user=citizen, slot_id=slot.pk, now=now)

    assert caught.value.code == "booking_blocked"
    assert caught.value.status == 403
    message = caught.value.translated_message()
    assert "3" in message
    assert "90" in message
    _unchanged(slot, booked=0, bookings=3)


def test_the_block_ends_thirty_days_after_the_third_no_show(citizen, schedule, slot):
    now = slot.starts_at - dt.timedelta(days=3)
    _no_shows(citizen, schedule, [100, 70, 31], now)

    services.booking_create(user=citizen, slot_id=slot.pk, now=now)


def test_no_shows_spread_over_more_than_ninety_days_do_not_block(citizen, schedule, slot):
    now = slot.starts_at - dt.timedelta(days=3)
    _no_shows(citizen, schedule, [120, 25, 10], now)

    services.booking_create(user=citizen, slot_id=slot.pk, now=now)


def test_the_no_show_rule_is_configurable_per_hall(citizen, schedule, slot, hall):
    hall_rules_set(hall=hall, no_show_limit=1, no_show_window_days=30, block_days=60)
    now = slot.starts_at - dt.timedelta(days=3)
    _no_shows(citizen, schedule, [50], now)

    with pytest.raises(BookingBlocked) as caught:
        services.booking_create(user=citizen, slot_id=slot.pk, now=now)
    assert "30" in caught.value.translated_message()


def test_block_until_is_a_pure_rule():
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rule = NoShowRule(limit=3, window_days=90, block_days=30)
    days = [start, start + dt.timedelta(days=45), start + dt.timedelta(days=90)]
    assert block_until(days, rule=rule) == start + dt.timedelta(days=120)
    assert block_until(days[:2], rule=rule) is None
    assert block_until([start, start + dt.timedelta(days=91), *days[1:2]], rule=rule) is None


def test_marriage_registration_needs_the_other_persons_details(citizen, hall, city, booking_day):
    civil = city["civil_affairs"]
    marriage = service_published(code="HC-MZ-001", name="结婚登记预约", department_type=civil.type)
    schedule = schedule_create(hall=hall, service=marriage, party_size=2, service_group="M")
    slot = slot_create(schedule=schedule, starts_at=china_time(booking_day, 9))

    for name, number in [("", ""), ("陈堃", "110101199003071234"), ("陈堃", "nonsense")]:
        with pytest.raises(PartnerRequired) as caught:
            services.booking_create(
                user=citizen, slot_id=slot.pk, partner_name=name, partner_id_number=number
            )
        assert caught.value.code == "partner_required"
    _unchanged(slot, booked=0, bookings=0)

    from tongban.accounts.factories import synthetic_resident_id_number

    number = synthetic_resident_id_number(4242)
    booking = services.booking_create(
        user=citizen, slot_id=slot.pk, partner_name="陈堃", partner_id_number=number
    )
    booking.refresh_from_db()
    assert (booking.partner_name, booking.partner_id_number) == ("陈堃", number)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partner_name, partner_id_number FROM appointments_booking WHERE id = %s",
            [booking.pk.hex if connection.vendor == "sqlite" else booking.pk],
        )
        stored = cursor.fetchone()
    assert "陈堃" not in stored[0]
    assert number not in stored[1]


def test_materials_come_from_the_catalog(schedule):
    assert [m.name for m in selectors.materials_for(booking_or_schedule=schedule)] == [
        "居民身份证",
        "体检证明",
    ]
