"""Bookings as iCalendar (RFC 5545): one file per booking, and a feed of a person's bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from tongban.appointments.constants import BookingStatus
from tongban.appointments.models import Booking

PRODUCT_ID = "-//Tongban//Appointments//ZH"


def _event(booking: Booking, *, now: dt.datetime) -> Event:
    event = Event()
    # Stable across downloads and feed refreshes, so calendar apps update instead of duplicating.
    event.add("uid", f"{booking.pk}@appointments.tongban")
    event.add("dtstamp", now)
    event.add("dtstart", booking.slot.starts_at.astimezone(dt.UTC))
    event.add("dtend", booking.slot.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{booking.service.name} · {booking.hall.name}")
    event.add("location", f"{booking.hall.name}, {booking.hall.address}")
    event.add(
        "description",
        _("Booking code %(code)s. Bring the materials listed with your booking.")
        % {"code": booking.code},
    )
    event.add("url", f"{settings.SITE_URL}/appointments/bookings/{booking.pk}/")
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.SLOT_CLOSED):
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event["summary"])
        alarm.add("trigger", dt.timedelta(hours=-2))
        event.add_component(alarm)
    return event


def bookings_ics(bookings: Iterable[Booking], *, name: str, now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        calendar.add_component(_event(booking, now=now))
    return bytes(calendar.to_ical())
