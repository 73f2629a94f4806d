"""At the hall: check-in by QR or ID number, queue tickets, calling, served and no-show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from tongban.appointments import selectors, services
from tongban.appointments.constants import (
    CHECK_IN_SALT,
    REMINDER_EVENT,
    SLOT_CLOSED_EVENT,
    BookingStatus,
    TicketStatus,
)
from tongban.appointments.exceptions import (
    CheckInInvalid,
    CheckInUsed,
    CheckInWrongDay,
    NoBookingToday,
    NoTicketWaiting,
)
from tongban.appointments.factories import (
    china_time,
    schedule_create,
    service_published,
    slot_create,
)
from tongban.appointments.models import Booking, Ticket
from tongban.core.exceptions import InvalidInput, NotFound
from tongban.notifications.models import Notification, Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(citizen, slot):
    return services.booking_create(user=citizen, slot_id=slot.pk)


@pytest.fixture
def morning(slot):
    return slot.starts_at - dt.timedelta(minutes=20)


def test_scanning_the_qr_checks_in_and_issues_the_first_ticket(booking, hall, morning):
    ticket = services.booking_check_in_by_token(
        hall=hall, token=services.check_in_token(booking), now=morning
    )

    booking.refresh_from_db()
    assert ticket.number == "A001"
    assert ticket.booking == booking
    assert (booking.status, booking.checked_in_at) == (BookingStatus.CHECKED_IN, morning)


def test_the_qr_may_be_scanned_as_the_url_it_encodes(booking, hall, morning):
    token = services.check_in_token(booking)
    ticket = services.booking_check_in_by_token(
        hall=hall, token=f"https://example.test/check-in/?token={token}", now=morning
    )
    assert ticket.number == "A001"


def test_a_reused_qr_is_refused_and_issues_no_second_ticket(booking, hall, morning):
    token = services.check_in_token(booking)
    services.booking_check_in_by_token(hall=hall, token=token, now=morning)

    with pytest.raises(CheckInUsed) as caught:
        services.booking_check_in_by_token(hall=hall, token=token, now=morning)

    assert caught.value.code == "check_in_used"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        signing.dumps({"b": "00000000-0000-0000-0000-000000000000"}, salt=CHECK_IN_SALT),
        signing.dumps({"b": "x"}, salt="another-salt"),
    ],
    # Signed tokens carry a timestamp: fixed ids keep the collection the same on every
    # parallel worker.
    ids=["empty", "garbage", "unknown-booking", "another-salt"],
)
def test_a_forged_qr_is_refused(booking, hall, morning, token):
    with pytest.raises(CheckInInvalid) as caught:
        services.booking_check_in_by_token(hall=hall, token=token, now=morning)
    assert caught.value.code == "check_in_invalid"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert Ticket.objects.count() == 0


def test_a_tampered_qr_is_refused(booking, hall, morning):
    token = services.check_in_token(booking)
    with pytest.raises(CheckInInvalid):
        services.booking_check_in_by_token(hall=hall, token=token[:-2] + "xx", now=morning)
    assert Ticket.objects.count() == 0


def test_a_qr_of_another_hall_is_refused(booking, morning, city):
    from tongban.organization.factories import ServiceHallFactory, factory_create

    other = factory_create(ServiceHallFactory, code="other-hall", region=city["city"])
    with pytest.raises(CheckInInvalid):
        services.booking_check_in_by_token(
            hall=other, token=services.check_in_token(booking), now=morning
        )
    assert Ticket.objects.count() == 0


def test_a_qr_on_another_day_is_refused(booking, hall, morning):
    with pytest.raises(CheckInWrongDay):
        services.booking_check_in_by_token(
            hall=hall, token=services.check_in_token(booking), now=morning - dt.timedelta(days=1)
        )
    assert Ticket.objects.count() == 0


def test_checking_in_by_id_number_at_the_kiosk(booking, hall, citizen, morning):
    ticket = services.booking_check_in_by_id_number(
        hall=hall, id_number=citizen.resident_id_number.lower(), now=morning
    )
    assert ticket.booking == booking


def test_an_id_number_without_a_booking_today_is_not_found(booking, hall, other_citizen, morning):
    with pytest.raises(NoBookingToday):
        services.booking_check_in_by_id_number(
            hall=hall, id_number=other_citizen.resident_id_number, now=morning
        )
    with pytest.raises(InvalidInput):
        services.booking_check_in_by_id_number(hall=hall, id_number="12345", now=morning)
    assert Ticket.objects.count() == 0


def test_tickets_are_numbered_per_service_group(
    schedule, hall, hall_clerk, traffic_police, morning
):
    inspection = service_published(
        code="HC-JJ-002", name="机动车安全技术检验预约", department_type=traffic_police.type
    )
    other = schedule_create(hall=hall, service=inspection, service_group="B")
    numbers = [
        services.ticket_walk_in_issue(hall=hall, schedule=s, actor=hall_clerk, now=morning).number
        for s in [schedule, schedule, other, schedule]
    ]
    assert numbers == ["A001", "A002", "B001", "A003"]


def test_the_clerk_calls_the_longest_waiting_ticket_to_a_window(
    schedule, hall, hall_clerk, window, morning
):
    first = services.ticket_walk_in_issue(
        hall=hall, schedule=schedule, actor=hall_clerk, now=morning
    )
    services.ticket_walk_in_issue(
        hall=hall, schedule=schedule, actor=hall_clerk, now=morning + dt.timedelta(minutes=1)
    )

    called = services.ticket_call_next(
        hall=hall, window=window, actor=hall_clerk, now=morning + dt.timedelta(minutes=7)
    )

    assert called == first
    called.refresh_from_db()
    assert (called.status, called.window) == (TicketStatus.CALLED, window)
    assert called.waited == dt.timedelta(minutes=7)
    state = selectors.queue_state(hall=hall, day=called.day)
    assert [t.number for t in state.called] == ["A001"]
    assert [(g.group, g.waiting) for g in state.groups] == [("A", 1)]
    assert state.average_wait_minutes == 7


def test_calling_with_nobody_waiting_says_so(hall, hall_clerk, window, schedule):
    with pytest.raises(NoTicketWaiting):
        services.ticket_call_next(hall=hall, window=window, actor=hall_clerk)


def test_served_and_no_show_are_recorded_on_the_booking(
    booking, hall, hall_clerk, window, morning, other_citizen, schedule, booking_day
):
    ticket = services.booking_check_in_by_token(
        hall=hall, token=services.check_in_token(booking), now=morning
    )
    services.ticket_call_next(hall=hall, window=window, actor=hall_clerk, now=morning)
    services.ticket_finish(ticket=ticket, served=True, actor=hall_clerk)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SERVED

    later = slot_create(schedule=schedule, starts_at=china_time(booking_day, 10))
    other = services.booking_create(user=other_citizen, slot_id=later.pk)
    ticket = services.booking_check_in_by_token(
        hall=hall, token=services.check_in_token(other), now=morning
    )
    services.ticket_call_next(hall=hall, window=window, actor=hall_clerk, now=morning)
    services.ticket_finish(ticket=ticket, served=False, actor=hall_clerk)
    other.refresh_from_db()
    assert other.status == BookingStatus.NO_SHOW


def test_bookings_never_checked_in_become_no_shows_after_their_slot(booking, slot):
    assert services.bookings_no_show_record(now=slot.ends_at - dt.timedelta(minutes=1)) == 0
    assert services.bookings_no_show_record(now=slot.ends_at + dt.timedelta(minutes=1)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_the_reminder_goes_out_the_day_before_once(booking, slot, citizen):
    two_days_before = slot.starts_at - dt.timedelta(days=2)
    assert services.reminders_send(now=two_days_before) == 0
    day_before = slot.starts_at - dt.timedelta(days=1)
    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before) == 0

    notification = Notification.objects.get(event_code=REMINDER_EVENT)
    assert Recipient.objects.filter(notification=notification, user=citizen).exists()
    assert booking.code in notification.context


def test_no_reminder_goes_out_at_night(booking, slot):
    night = slot.starts_at - dt.timedelta(days=1) - dt.timedelta(hours=7)  # 02:00 the day before
    assert services.reminders_send(now=night) == 0
    assert services.reminders_send(now=night + dt.timedelta(hours=6)) == 1


def test_closing_a_slot_cancels_its_bookings_and_invites_rebooking(
    booking, slot, hall, hall_clerk, citizen
):
    assert services.slot_close(slot=slot, actor=hall_clerk) == 1

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.SLOT_CLOSED
    assert (slot.closed, slot.booked) == (True, 0)
    notification = Notification.objects.get(event_code=SLOT_CLOSED_EVENT)
    assert Recipient.objects.filter(notification=notification, user=citizen).exists()
    assert "/appointments/book/?service=HC-JJ-001" in notification.link
    # The citizen may book again at once: a closed slot is not a no-show.
    assert Booking.objects.filter(user=citizen, status=BookingStatus.BOOKED).count() == 0


def test_foreign_windows_and_schedules_answer_not_found(
    schedule, hall, hall_clerk, city, traffic_police
):
    from tongban.organization.factories import ServiceHallFactory, WindowFactory, factory_create

    other = factory_create(ServiceHallFactory, code="other-hall", region=city["city"])
    window = factory_create(WindowFactory, hall=other, number="B01", department=traffic_police)
    with pytest.raises(NotFound):
        services.ticket_call_next(hall=hall, window=window, actor=hall_clerk)
    with pytest.raises(NotFound):
        services.ticket_walk_in_issue(hall=other, schedule=schedule, actor=hall_clerk)
