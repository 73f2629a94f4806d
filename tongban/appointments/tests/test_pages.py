"""The pages: booking, my bookings and the feed, the kiosk, the display, the staff's day."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tongban.appointments import services
from tongban.appointments.constants import BookingStatus, TicketStatus
from tongban.appointments.factories import china_time, slot_create
from tongban.appointments.models import Booking, CalendarFeed, Slot, Ticket
from tongban.core.working_days import local_date

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today_slot(schedule):
    """A slot later today, so check-in at the hall works now."""
    return slot_create(schedule=schedule, starts_at=china_time(local_date(timezone.now()), 0, 1))


def _book_today(user, slot) -> Booking:
    return Booking.objects.create(
        slot=slot,
        service=slot.schedule.service,
        hall=slot.schedule.hall,
        user=user,
        code=f"T{user.username[:7].upper()}",
    )


def test_the_booking_page_lists_free_times_and_materials(citizen, slot):
    response = _client(citizen).get(
        "/appointments/book/?service=HC-JJ-001&hall=hc-traffic-police-hall"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert f'value="{slot.pk}"' in content
    assert "体检证明" in content


def test_booking_on_the_page_leads_to_the_confirmation(citizen, slot):
    client = _client(citizen)
    response = client.post(
        "/appointments/book/?service=HC-JJ-001&hall=hc-traffic-police-hall",
        {"slot_id": str(slot.pk)},
    )
    booking = Booking.objects.get(user=citizen)
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/bookings/{booking.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert booking.code in page
    assert "data:image/svg+xml" in page
    assert "居民身份证" in page


def test_a_refused_booking_shows_the_reason_and_changes_nothing(citizen, slot):
    Slot.objects.filter(pk=slot.pk).update(booked=2)
    response = _client(citizen).post(
        "/appointments/book/?service=HC-JJ-001&hall=hc-traffic-police-hall",
        {"slot_id": str(slot.pk)},
    )
    assert response.status_code == 409
    assert 'data-code="slot_full"' in response.content.decode()
    assert Booking.objects.count() == 0


def test_someone_elses_booking_page_answers_404(citizen, other_citizen, slot):
    booking = services.booking_create(user=other_citizen, slot_id=slot.pk)
    client = _client(citizen)
    assert client.get(f"/appointments/bookings/{booking.pk}/").status_code == 404
    assert client.get(f"/appointments/bookings/{booking.pk}/ics/").status_code == 404
    assert client.post(f"/appointments/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_the_calendar_feed_needs_only_its_secret_address(citizen, slot, client):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    assert _client(citizen).get("/appointments/").status_code == 200
    feed = CalendarFeed.objects.get(user=citizen)

    response = client.get(f"/appointments/feed/{feed.token}.ics")
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert booking.code in str(event["DESCRIPTION"])
    assert client.get("/appointments/feed/not-the-token.ics").status_code == 404

    _client(citizen).post("/appointments/feed/renew/")
    assert client.get(f"/appointments/feed/{feed.token}.ics").status_code == 404


def test_the_kiosk_checks_in_by_id_number_and_shows_the_ticket(citizen, today_slot, client, caplog):
    booking = _book_today(citizen, today_slot)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/appointments/halls/hc-traffic-police-hall/kiosk/",
            {"id_number": citizen.resident_id_number},
        )
    assert response.status_code == 200
    assert "A001" in response.content.decode()
    assert citizen.resident_id_number not in response.content.decode()
    assert citizen.resident_id_number not in caplog.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN


def test_the_kiosk_refuses_a_forged_qr_with_its_code(citizen, today_slot, client):
    _book_today(citizen, today_slot)
    response = client.post("/appointments/halls/hc-traffic-police-hall/kiosk/", {"qr": "forged"})
    assert response.status_code == 400
    assert 'data-code="check_in_invalid"' in response.content.decode()
    assert Ticket.objects.count() == 0


def test_the_kiosk_is_rate_limited(client, schedule, settings):
    settings.APPOINTMENTS_KIOSK_RATE_LIMIT = 2
    codes = [
        client.post(
            "/appointments/halls/hc-traffic-police-hall/kiosk/", {"id_number": "110101199003070000"}
        ).status_code
        for _ in range(3)
    ]
    assert codes[2] == 429


def test_an_unknown_hall_has_no_kiosk_or_display(client):
    assert client.get("/appointments/halls/nowhere/kiosk/").status_code == 404
    assert client.get("/appointments/halls/nowhere/display/").status_code == 404


def test_the_display_polls_for_the_called_tickets(client, schedule, hall, hall_clerk, window):
    ticket = services.ticket_walk_in_issue(hall=hall, schedule=schedule, actor=hall_clerk)
    services.ticket_call_next(hall=hall, window=window, actor=hall_clerk)
    page = client.get("/appointments/halls/hc-traffic-police-hall/display/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    fragment = client.get(
        "/appointments/halls/hc-traffic-police-hall/display/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert f'data-ticket="{ticket.number}"' in fragment


def test_the_staff_page_shows_todays_bookings_masked(hall_clerk, citizen, today_slot):
    _book_today(citizen, today_slot)
    page = _client(hall_clerk).get("/appointments/staff/hc-traffic-police-hall/").content.decode()
    assert "林*" in page
    assert "林𠇔" not in page


def test_a_citizen_or_a_clerk_of_another_hall_sees_no_staff_page(citizen, clerk, schedule):
    for user in (citizen, clerk):
        assert _client(user).get("/appointments/staff/hc-traffic-police-hall/").status_code == 404


def test_the_clerk_issues_calls_and_records_tickets(hall_clerk, schedule, window):
    client = _client(hall_clerk)
    base = "/appointments/staff/hc-traffic-police-hall"
    assert client.post(f"{base}/walk-in/", {"schedule": str(schedule.pk)}).status_code == 302
    assert client.post(f"{base}/call/", {"window": str(window.pk)}).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.CALLED
    client.post(f"{base}/tickets/{ticket.pk}/finish/", {"outcome": "served"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED
    assert client.post(f"{base}/call/", {"window": "nonsense"}).status_code == 404


def test_closing_a_slot_from_the_staff_page(hall_clerk, citizen, today_slot):
    booking = _book_today(citizen, today_slot)
    Slot.objects.filter(pk=today_slot.pk).update(booked=1)
    response = _client(hall_clerk).post(
        f"/appointments/staff/hc-traffic-police-hall/slots/{today_slot.pk}/close/"
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SLOT_CLOSED


def test_pages_need_signing_in(client, slot):
    for path in [
        "/appointments/",
        "/appointments/book/",
        "/appointments/staff/hc-traffic-police-hall/",
    ]:
        assert client.get(path).status_code == 302
