"""Pages: booking and my bookings, the hall's kiosk and display, and the staff's day."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.appointments import selectors, services
from tongban.appointments.api import public_rate_limit
from tongban.appointments.constants import BookingStatus
from tongban.appointments.ical import bookings_ics
from tongban.core.exceptions import DomainError
from tongban.core.ratelimit import RateLimit, client_address, ratelimit_hit
from tongban.core.working_days import CHINA, local_date

P = ParamSpec("P")


def kiosk_rate_limit() -> RateLimit:
    return RateLimit("appointments_kiosk", limit=settings.APPOINTMENTS_KIOSK_RATE_LIMIT, window=60)


def _signed_in(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def _today_start() -> dt.datetime:
    return dt.datetime.combine(local_date(timezone.now()), dt.time.min, tzinfo=CHINA)


# --- citizens ------------------------------------------------------------------------------


@_signed_in
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    feed = services.calendar_feed_get(user=request.user)
    return render(
        request,
        "appointments/mine.html",
        {
            "bookings": selectors.bookings_for_user(user=request.user),
            "feed_url": request.build_absolute_uri(reverse("appointments:feed", args=[feed.token])),
        },
    )


@_signed_in
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_get(user=request.user, renew=True)
    return HttpResponseRedirect(reverse("appointments:mine"))


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable calendar: the secret address is the only credential, as calendar apps
    cannot sign in; renewing it on "my appointments" revokes the old one."""
    ratelimit_hit(rule=public_rate_limit(), key=client_address(request))
    _user, bookings = selectors.feed_bookings(token=token)
    response = HttpResponse(
        bookings_ics(bookings, name=_("My appointments"), now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    add_never_cache_headers(response)
    return response


@_signed_in
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    service_code = request.GET.get("service", "")[:64]
    hall_code = request.GET.get("hall", "")[:64]
    reschedule_id = request.GET.get("reschedule", "")[:64]
    if not (service_code and hall_code):
        return render(
            request, "appointments/choose.html", {"schedules": selectors.schedules_bookable()}
        )
    schedule = selectors.schedule_get(service_code=service_code, hall_code=hall_code)
    rescheduling = (
        selectors.booking_get_for_user(user=request.user, booking_id=reschedule_id)
        if reschedule_id
        else None
    )
    error: DomainError | None = None
    if request.method == "POST":
        try:
            if rescheduling is not None:
                booking = services.booking_reschedule(
                    booking=rescheduling,
                    actor=request.user,
                    slot_id=request.POST.get("slot_id", ""),
                )
            else:
                booking = services.booking_create(
                    user=request.user,
                    slot_id=request.POST.get("slot_id", ""),
                    partner_name=request.POST.get("partner_name", "")[:50],
                    partner_id_number=request.POST.get("partner_id_number", "")[:30],
                    case_id=request.GET.get("case", "")[:64] or None,
                )
        except DomainError as caught:
            error = caught
        else:
            return HttpResponseRedirect(reverse("appointments:booking", args=[booking.pk]))
    slots = selectors.slots_open(
        service_code=service_code,
        hall_code=hall_code,
        date_from=timezone.now(),
        date_to=_today_start() + dt.timedelta(days=schedule.days_ahead + 1),
    )
    by_day: dict[dt.date, list[object]] = {}
    for slot in slots:
        by_day.setdefault(local_date(slot.starts_at), []).append(slot)
    return render(
        request,
        "appointments/book.html",
        {
            "schedule": schedule,
            "days": sorted(by_day.items()),
            "materials": selectors.materials_for(booking_or_schedule=schedule),
            "rescheduling": rescheduling,
            "error": error,
            "values": request.POST,
        },
        status=error.status if error else 200,
    )


def _qr_data_uri(text: str) -> str:
    return str(segno.make(text, error="m").svg_data_uri(scale=5, border=4))


@_signed_in
@require_GET
def booking(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    item = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    active = item.status == BookingStatus.BOOKED
    token = services.check_in_token(item) if active else ""
    return render(
        request,
        "appointments/booking.html",
        {
            "booking": item,
            "active": active,
            "qr": _qr_data_uri(token) if token else "",
            "materials": selectors.materials_for(booking_or_schedule=item),
            "rebook": item.status in (BookingStatus.CANCELLED, BookingStatus.SLOT_CLOSED),
        },
    )


@_signed_in
@require_GET
def booking_ics(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    item = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    response = HttpResponse(
        bookings_ics([item], name=item.service.name, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="appointment-{item.code}.ics"'
    return response


@_signed_in
@require_POST
def booking_cancel(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    item = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    services.booking_cancel(booking=item, actor=request.user)
    return HttpResponseRedirect(reverse("appointments:booking", args=[item.pk]))


# --- at the hall ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, hall_code: str) -> HttpResponse:
    """The self-service kiosk: scan the booking's QR or type the ID number, get a ticket."""
    hall = selectors.hall_get_public(code=hall_code)
    ticket = None
    error: DomainError | None = None
    if request.method == "POST":
        try:
            ratelimit_hit(rule=kiosk_rate_limit(), key=client_address(request))
            qr = request.POST.get("qr", "").strip()[:500]
            if qr:
                ticket = services.booking_check_in_by_token(hall=hall, token=qr)
            else:
                ticket = services.booking_check_in_by_id_number(
                    hall=hall, id_number=request.POST.get("id_number", "")[:30]
                )
        except DomainError as caught:
            error = caught
    response = render(
        request,
        "appointments/kiosk.html",
        {"hall": hall, "ticket": ticket, "error": error},
        status=error.status if error else 200,
    )
    if error is not None:
        for header, value in error.headers().items():
            response[header] = value
    add_never_cache_headers(response)
    return response


@require_GET
def display(request: HttpRequest, hall_code: str) -> HttpResponse:
    # The screen polls every 3 seconds (20 a minute), well inside the public limit.
    ratelimit_hit(rule=public_rate_limit(), key=client_address(request))
    hall = selectors.hall_get_public(code=hall_code)
    state = selectors.queue_state(hall=hall, day=local_date(timezone.now()))
    template = (
        "appointments/_queue.html"
        if request.headers.get("HX-Request")
        else "appointments/display.html"
    )
    response = render(request, template, {"hall": hall, "state": state})
    add_never_cache_headers(response)
    return response


# --- staff ---------------------------------------------------------------------------------


@_signed_in
@require_GET
def staff_halls(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appointments/staff_halls.html",
        {"halls": selectors.halls_for_staff(user=request.user)},
    )


@_signed_in
@require_GET
def staff_hall(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = selectors.hall_get_for_staff(user=request.user, code=hall_code)
    start = _today_start()
    return render(
        request,
        "appointments/staff_hall.html",
        {
            "hall": hall,
            "bookings": selectors.bookings_for_hall_day(hall=hall, start=start),
            "slots": selectors.slots_for_hall_day(hall=hall, start=start),
            "tickets": selectors.tickets_waiting(hall=hall, day=start.date()),
            "windows": hall.windows.all(),
            "schedules": selectors.schedules_of_hall(hall=hall),
            "message": request.GET.get("message", "")[:200],
        },
    )


def _back(hall_code: str, message: str = "") -> HttpResponseRedirect:
    url = reverse("appointments:staff_hall", args=[hall_code])
    if message:
        from urllib.parse import urlencode

        url += "?" + urlencode({"message": message})
    return HttpResponseRedirect(url)


@_signed_in
@require_POST
def staff_call_next(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = selectors.hall_get_for_staff(user=request.user, code=hall_code)
    window = selectors.window_get(hall=hall, window_id=request.POST.get("window", ""))
    ticket = services.ticket_call_next(hall=hall, window=window, actor=request.user)
    return _back(
        hall.code,
        _("Called %(number)s to window %(window)s.")
        % {"number": ticket.number, "window": window.number},
    )


@_signed_in
@require_POST
def staff_walk_in(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = selectors.hall_get_for_staff(user=request.user, code=hall_code)
    schedule = selectors.schedule_get_for_hall(
        hall=hall, schedule_id=request.POST.get("schedule", "")
    )
    ticket = services.ticket_walk_in_issue(hall=hall, schedule=schedule, actor=request.user)
    return _back(hall.code, _("Walk-in ticket %(number)s issued.") % {"number": ticket.number})


@_signed_in
@require_POST
def staff_ticket_finish(request: HttpRequest, hall_code: str, ticket_id: uuid.UUID) -> HttpResponse:
    hall = selectors.hall_get_for_staff(user=request.user, code=hall_code)
    ticket = selectors.ticket_get_for_hall(hall=hall, ticket_id=ticket_id)
    services.ticket_finish(
        ticket=ticket, served=request.POST.get("outcome") == "served", actor=request.user
    )
    return _back(hall.code)


@_signed_in
@require_POST
def staff_slot_close(request: HttpRequest, hall_code: str, slot_id: uuid.UUID) -> HttpResponse:
    hall = selectors.hall_get_for_staff(user=request.user, code=hall_code)
    slot = selectors.slot_get_for_staff(hall=hall, slot_id=slot_id)
    cancelled = services.slot_close(slot=slot, actor=request.user)
    return _back(
        hall.code,
        _("Slot closed; %(count)s booked citizens were told and invited to book again.")
        % {"count": cancelled},
    )
