"""The appointments part of the REST API under /api/v1."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tongban.appointments import selectors, services
from tongban.appointments.ical import bookings_ics
from tongban.appointments.models import Booking, Slot
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.ratelimit import RateLimit, client_address, ratelimit_hit
from tongban.core.working_days import CHINA

router = Router(tags=["appointments"])

MAX_DAYS = 31


def public_rate_limit() -> RateLimit:
    return RateLimit(
        "appointments_public", limit=settings.APPOINTMENTS_PUBLIC_RATE_LIMIT, window=60
    )


class SlotQuery(Schema):
    service: str = Field("", max_length=64)
    hall: str = Field("", max_length=64)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class SlotOut(Schema):
    id: uuid.UUID
    service: str
    hall: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    free: int


def _slot_out(slot: Slot) -> SlotOut:
    return SlotOut(
        id=slot.pk,
        service=slot.schedule.service.code,
        hall=slot.schedule.hall.code,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        capacity=slot.capacity,
        free=slot.free,
    )


@router.get("/appointments/slots", response=list[SlotOut], auth=None)
def slot_list(request: HttpRequest, query: Query[SlotQuery]) -> list[SlotOut]:
    """Open slots of a service and/or hall between two dates (China dates, at most 31 days)."""
    ratelimit_hit(rule=public_rate_limit(), key=client_address(request))
    today = timezone.now().astimezone(CHINA).date()
    start = query.date_from or today
    end = query.date_to or start + dt.timedelta(days=14)
    if end < start or (end - start).days > MAX_DAYS:
        raise InvalidInput(
            errors={
                "date_to": [
                    FieldError("date_range", InvalidInput.default_message),
                ]
            }
        )
    slots = selectors.slots_open(
        service_code=query.service,
        hall_code=query.hall,
        date_from=dt.datetime.combine(start, dt.time.min, tzinfo=CHINA),
        date_to=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=CHINA),
    )
    return [_slot_out(slot) for slot in slots]


class BookingIn(Schema):
    slot_id: uuid.UUID
    partner_name: str = Field("", max_length=50)
    partner_id_number: str = Field("", max_length=30)
    case_id: uuid.UUID | None = None


class RescheduleIn(Schema):
    slot_id: uuid.UUID


class BookingOut(Schema):
    id: uuid.UUID
    code: str
    status: str
    service: str
    service_name: str
    hall: str
    hall_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    ics_url: str
    check_in_token: str
    case_id: uuid.UUID | None


def _booking_out(booking: Booking) -> BookingOut:
    return BookingOut(
        id=booking.pk,
        code=booking.code,
        status=booking.status,
        service=booking.service.code,
        service_name=booking.service.name,
        hall=booking.hall.code,
        hall_name=booking.hall.name,
        starts_at=booking.slot.starts_at,
        ends_at=booking.slot.ends_at,
        ics_url=f"/api/v1/appointments/{booking.pk}.ics",
        check_in_token=services.check_in_token(booking) if booking.status == "booked" else "",
        case_id=booking.case_id,
    )


@router.post("/appointments", response={201: BookingOut}, auth=django_auth)
def booking_create(request: HttpRequest, payload: BookingIn) -> Status[BookingOut]:
    booking = services.booking_create(
        user=request.user,
        slot_id=payload.slot_id,
        partner_name=payload.partner_name,
        partner_id_number=payload.partner_id_number,
        case_id=payload.case_id,
    )
    return Status(201, _booking_out(booking))


@router.get("/appointments/mine", response=list[BookingOut], auth=django_auth)
def booking_list(request: HttpRequest) -> list[BookingOut]:
    return [_booking_out(b) for b in selectors.bookings_for_user(user=request.user)]


@router.get("/appointments/{uuid:booking_id}", response=BookingOut, auth=django_auth)
def booking_detail(request: HttpRequest, booking_id: uuid.UUID) -> BookingOut:
    return _booking_out(selectors.booking_get_for_user(user=request.user, booking_id=booking_id))


@router.delete("/appointments/{uuid:booking_id}", response={204: None}, auth=django_auth)
def booking_cancel(request: HttpRequest, booking_id: uuid.UUID) -> Status[None]:
    booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    services.booking_cancel(booking=booking, actor=request.user)
    return Status(204, None)


@router.post(
    "/appointments/{uuid:booking_id}/reschedule", response={201: BookingOut}, auth=django_auth
)
def booking_reschedule(
    request: HttpRequest, booking_id: uuid.UUID, payload: RescheduleIn
) -> Status[BookingOut]:
    booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    new = services.booking_reschedule(booking=booking, actor=request.user, slot_id=payload.slot_id)
    return Status(201, _booking_out(new))


@router.get("/appointments/{uuid:booking_id}.ics", auth=django_auth)
def booking_ics(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    response = HttpResponse(
        bookings_ics([booking], name=booking.service.name, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="appointment-{booking.code}.ics"'
    return response
