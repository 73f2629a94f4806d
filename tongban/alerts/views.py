"""Public alert pages and feed; the staff's pages to draft, approve, send, update and cancel."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.alerts import selectors, services
from tongban.alerts.cap import cap_document
from tongban.alerts.constants import AlertState, MessageType
from tongban.alerts.exceptions import AlertInvalid
from tongban.alerts.feed import atom_feed
from tongban.alerts.forms import AlertForm
from tongban.notifications.selectors import delivery_counts
from tongban.organization.constants import StaffRole

P = ParamSpec("P")


# --- public ------------------------------------------------------------------------------------


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/list.html", {"alerts": selectors.alerts_public()})


@require_GET
def alert_detail(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_public(alert_id=alert_id)
    return render(request, "alerts/detail.html", {"alert": alert})


@require_GET
def alert_cap(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_public(alert_id=alert_id)
    response = HttpResponse(cap_document(alert), content_type="application/cap+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    document = atom_feed(alerts=selectors.alerts_public(), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/atom+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=60)
    return response


# --- staff -------------------------------------------------------------------------------------


def _alert_staff(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Signed in with an alert role somewhere; anyone else finds nothing here."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.alert_departments_of(user=request.user):
            raise Http404()
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


@_alert_staff
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    alerts = selectors.alerts_for_staff(user=request.user)[:100]
    can_draft = bool(
        selectors.alert_departments_of(user=request.user, role=StaffRole.ALERT_DRAFTER)
    )
    return render(request, "alerts/staff_list.html", {"alerts": alerts, "can_draft": can_draft})


def _form_errors(form: AlertForm, error: AlertInvalid) -> None:
    for field, items in error.errors.items():
        target = field if field in form.fields else None
        for item in items:
            form.add_error(target, str(item.message))


@_alert_staff
@require_http_methods(["GET", "POST"])
def staff_draft(request: HttpRequest) -> HttpResponse:
    """A new alert, or (``?references=<id>&type=Update|Cancel``) a follow-up of a sent one."""
    departments = selectors.alert_departments_of(user=request.user, role=StaffRole.ALERT_DRAFTER)
    if not departments:
        raise Http404()
    references_id = request.GET.get("references") or request.POST.get("references") or None
    msg_type = request.GET.get("type") or request.POST.get("type") or MessageType.ALERT
    original = None
    if references_id:
        original = selectors.alert_get_for_staff(user=request.user, alert_id=references_id)
    department = original.department if original is not None else departments[0]
    if request.method == "POST":
        form = AlertForm(request.POST, department=department)
        if form.is_valid():
            try:
                alert = services.alert_draft(
                    actor=request.user,
                    data=form.to_input(),
                    department=department,
                    references_id=references_id,
                    msg_type=msg_type,
                )
            except AlertInvalid as error:
                _form_errors(form, error)
            else:
                return HttpResponseRedirect(reverse("alerts:staff_detail", args=[alert.id]))
    else:
        initial = AlertForm.initial_from(original) if original is not None else {}
        form = AlertForm(initial=initial, department=department)
    return render(
        request,
        "alerts/staff_form.html",
        {"form": form, "original": original, "msg_type": msg_type, "alert": None},
    )


@_alert_staff
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_for_staff(user=request.user, alert_id=alert_id)
    if request.method == "POST":
        form = AlertForm(request.POST, department=alert.department)
        if form.is_valid():
            try:
                services.alert_edit(alert=alert, actor=request.user, data=form.to_input())
            except AlertInvalid as error:
                _form_errors(form, error)
            else:
                return HttpResponseRedirect(reverse("alerts:staff_detail", args=[alert.id]))
    else:
        form = AlertForm(initial=AlertForm.initial_from(alert), department=alert.department)
    return render(
        request,
        "alerts/staff_form.html",
        {"form": form, "original": alert.references, "msg_type": alert.msg_type, "alert": alert},
    )


@_alert_staff
@require_GET
def staff_detail(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_for_staff(user=request.user, alert_id=alert_id)
    user = request.user
    context = {
        "alert": alert,
        "counts": delivery_counts(notification_id=alert.notification_id)
        if alert.notification_id
        else None,
        "can_edit": alert.state == AlertState.DRAFT
        and selectors.holds_alert_role(
            user=user, department=alert.department, role=StaffRole.ALERT_DRAFTER
        ),
        "can_approve": alert.state == AlertState.DRAFT
        and alert.drafted_by_id != user.pk
        and selectors.holds_alert_role(
            user=user, department=alert.department, role=StaffRole.ALERT_APPROVER
        ),
        "is_drafter": alert.drafted_by_id == user.pk,
        "can_send": alert.state == AlertState.APPROVED,
        "can_follow_up": alert.state == AlertState.SENT
        and alert.msg_type != MessageType.CANCEL
        and selectors.holds_alert_role(
            user=user, department=alert.department, role=StaffRole.ALERT_DRAFTER
        ),
    }
    return render(request, "alerts/staff_detail.html", context)


@_alert_staff
@require_GET
def staff_counts(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    """The delivery counts fragment the alert page polls (htmx) while the fan-out runs."""
    alert = selectors.alert_get_for_staff(user=request.user, alert_id=alert_id)
    counts = (
        delivery_counts(notification_id=alert.notification_id) if alert.notification_id else None
    )
    return render(request, "alerts/_counts.html", {"alert": alert, "counts": counts})


@_alert_staff
@require_POST
def staff_approve(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_for_staff(user=request.user, alert_id=alert_id)
    services.alert_approve(alert=alert, actor=request.user)
    return HttpResponseRedirect(reverse("alerts:staff_detail", args=[alert.id]))


@_alert_staff
@require_POST
def staff_send(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = selectors.alert_get_for_staff(user=request.user, alert_id=alert_id)
    services.alert_send(alert=alert, actor=request.user)
    return HttpResponseRedirect(reverse("alerts:staff_detail", args=[alert.id]))
