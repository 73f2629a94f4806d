"""The REST API: slots, booking, cancelling, rescheduling, my bookings, the .ics file."""

from __future__ import annotations

import pytest
from django.test import Client
from icalendar import Calendar

from tongban.appointments import services
from tongban.appointments.constants import BookingStatus
from tongban.appointments.factories import china_time, slot_create
from tongban.appointments.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(citizen) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


def test_slots_are_listed_with_their_free_places(client, slot, booking_day):
    response = client.get(
        "/api/v1/appointments/slots",
        {
            "service": "HC-JJ-001",
            "hall": "hc-traffic-police-hall",
            "date_from": booking_day.isoformat(),
            "date_to": booking_day.isoformat(),
        },
    )
    assert response.status_code == 200
    [item] = response.json()
    assert (item["id"], item["free"], item["capacity"]) == (str(slot.pk), 2, 2)


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-01"},
        {"date_from": "2026-01-10", "date_to": "2026-01-01"},
        {"date_from": "2026-01-01", "date_to": "2026-06-01"},
    ],
)
def test_bad_slot_filters_are_refused_with_a_code(client, query):
    response = client.get("/api/v1/appointments/slots", query)
    assert response.status_code in (400, 422)
    assert "code" in response.json() or "detail" in response.json()


def test_the_slot_search_is_rate_limited(client, slot, settings):
    settings.APPOINTMENTS_PUBLIC_RATE_LIMIT = 2
    codes = [client.get("/api/v1/appointments/slots").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_booking_cancelling_and_my_bookings(api, slot):
    response = api.post(
        "/api/v1/appointments", {"slot_id": str(slot.pk)}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "booked"
    assert body["check_in_token"]

    mine = api.get("/api/v1/appointments/mine").json()
    assert [b["id"] for b in mine] == [body["id"]]

    assert api.delete(f"/api/v1/appointments/{body['id']}").status_code == 204
    assert Booking.objects.get(pk=body["id"]).status == BookingStatus.CANCELLED


def test_a_full_slot_answers_409_with_its_code(api, slot, other_citizen, enterprise_agent):
    for user in (other_citizen, enterprise_agent):
        services.booking_create(user=user, slot_id=slot.pk)
    response = api.post(
        "/api/v1/appointments", {"slot_id": str(slot.pk)}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    assert Booking.objects.count() == 2


def test_bad_bodies_are_refused(api):
    for body in [{}, {"slot_id": "x"}, {"slot_id": 5}]:
        response = api.post("/api/v1/appointments", body, content_type="application/json")
        assert response.status_code in (400, 422)
    assert Booking.objects.count() == 0


def test_rescheduling_through_the_api(api, citizen, schedule, slot, booking_day):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    later = slot_create(schedule=schedule, starts_at=china_time(booking_day, 11))
    response = api.post(
        f"/api/v1/appointments/{booking.pk}/reschedule",
        {"slot_id": str(later.pk)},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["starts_at"].startswith(booking_day.isoformat())


def test_someone_elses_booking_answers_404(api, other_citizen, slot):
    booking = services.booking_create(user=other_citizen, slot_id=slot.pk)
    assert api.get(f"/api/v1/appointments/{booking.pk}").status_code == 404
    assert api.delete(f"/api/v1/appointments/{booking.pk}").status_code == 404
    assert api.get(f"/api/v1/appointments/{booking.pk}.ics").status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_signing_in_is_required(client, slot):
    response = client.post(
        "/api/v1/appointments", {"slot_id": str(slot.pk)}, content_type="application/json"
    )
    assert response.status_code == 401
    assert client.get("/api/v1/appointments/mine").status_code == 401


def test_the_ics_is_rfc_5545(api, citizen, slot):
    booking = services.booking_create(user=citizen, slot_id=slot.pk)
    response = api.get(f"/api/v1/appointments/{booking.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert str(event["UID"]) == f"{booking.pk}@appointments.tongban"
    assert event.decoded("DTSTART") == slot.starts_at
    assert event.decoded("DTEND") == slot.ends_at
    assert booking.code in str(event["DESCRIPTION"])
    assert "机动车驾驶人考试预约" in str(event["SUMMARY"])
    assert response.content.count(b"\r\n") > 5
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
