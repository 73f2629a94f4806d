"""The inbox, preferences, devices and demo outbox pages, and the installable app's files."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.notifications import selectors, services
from tongban.notifications.plugins.webpush import vapid_public_key

P = ParamSpec("P")


def _signed_in(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = view(request, *args, **kwargs)
        # Someone's messages never stay in a shared cache or a browser's back button.
        add_never_cache_headers(response)
        return response

    return wrapper


@_signed_in
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = selectors.inbox_page_for_user(user=request.user, cursor=request.GET.get("cursor"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "first_page": not request.GET.get("cursor")},
    )


@_signed_in
@require_POST
def inbox_entry_read(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    services.inbox_entry_mark_read(user=request.user, entry_id=entry_id)
    return HttpResponseRedirect(reverse("notifications:inbox") + f"#entry-{entry_id}")


@_signed_in
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    services.inbox_mark_all_read(user=request.user)
    messages.success(request, _("All messages are marked as read."))
    return HttpResponseRedirect(reverse("notifications:inbox"))


@_signed_in
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preferences_for_user(user=request.user)
    if request.method == "POST":
        choices = {
            (row.category, cell.channel): cell.field_name in request.POST
            for row in rows
            if not row.essential
            for cell in row.cells
        }
        services.preferences_set(user=request.user, choices=choices)
        messages.success(request, _("Your choices are saved."))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "channels": selectors.preference_channels()},
    )


@_signed_in
@require_GET
def devices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notifications/devices.html",
        {
            "subscriptions": selectors.push_subscriptions_for_user(user=request.user),
            "push_enabled": settings.WEB_PUSH_ENABLED and bool(settings.VAPID_PRIVATE_KEY),
            "vapid_public_key": vapid_public_key(),
        },
    )


@_signed_in
@require_POST
def device_remove(request: HttpRequest, subscription_id: uuid.UUID) -> HttpResponse:
    services.push_subscription_delete(user=request.user, subscription_id=subscription_id)
    messages.success(request, _("The device no longer receives notifications."))
    return HttpResponseRedirect(reverse("notifications:devices"))


@never_cache
@require_GET
def demo_sms_outbox(request: HttpRequest) -> HttpResponse:
    """Demo mode only: the SMS messages the demo gateway would have sent."""
    if not settings.DEMO_MODE:
        raise Http404
    return render(
        request, "notifications/demo_sms_outbox.html", {"outbox": selectors.demo_sms_outbox()}
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that it controls every page of the portal."""
    response = render(
        request,
        "notifications/service-worker.js",
        {"icon": static("web/favicon.svg"), "inbox": reverse("notifications:inbox")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the portal installs as an app on a phone's home screen."""
    document = {
        "name": _("Tongban: government services online"),
        "short_name": _("Tongban"),
        "description": _("One-stop online government services."),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#a8111b",
        "icons": [
            {"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {
                "src": static("web/favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(document, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )
