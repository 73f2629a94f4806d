"""Session rules: idle timeouts (staff 30 minutes, citizens 2 hours) and staff's second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tongban.accounts.constants import SESSION_LAST_ACTIVITY
from tongban.accounts.selectors import is_staff_session

# Requests that do not count as activity: the warning's own status poll would otherwise keep
# every open tab signed in forever.
_PASSIVE_PATHS = ("/static/", "/favicon.ico", "/healthz", "/metrics")
_ACTIVITY_GRANULARITY = 60


def idle_limit_seconds(request: HttpRequest) -> int:
    minutes = (
        settings.SESSION_IDLE_MINUTES_STAFF
        if is_staff_session(request)
        else settings.SESSION_IDLE_MINUTES_CITIZEN
    )
    return int(minutes) * 60


class SessionIdleTimeoutMiddleware:
    """Ends a signed-in session after the idle limit; any page or action counts as activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(_PASSIVE_PATHS):
            now = time.time()
            last = request.session.get(SESSION_LAST_ACTIVITY)
            if last is None:
                # Set at sign-in (``session_activity_start``); a session without it was not
                # opened by the sign-in pages (the test client's ``force_login``).
                return self.get_response(request)
            idle = now - float(last)
            # Staff have the shorter limit: only past it does it matter who this is.
            if idle > settings.SESSION_IDLE_MINUTES_STAFF * 60 and idle > idle_limit_seconds(
                request
            ):
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                login = (
                    reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
                )
                return HttpResponseRedirect(login)
            # Written at most once a minute: a session write on every request costs a query.
            if idle > _ACTIVITY_GRANULARITY:
                request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)


def session_activity_start(request: HttpRequest) -> None:
    """Starts the idle clock of a session that just signed in."""
    request.session[SESSION_LAST_ACTIVITY] = time.time()


class StaffSecondFactorMiddleware:
    """Staff must use TOTP or a passkey: until they have one, they can only set it up.

    Applies to sessions made by the sign-in pages (they carry allauth's authentication
    records); every staff sign-in goes through them, the admin's included
    (``secure_admin_login`` in ``tongban.config.urls``). Sessions the test client opens with
    ``force_login`` have no records and are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(("/accounts/", "/static/", "/i18n/"))
            and get_authentication_records(request, request.user)
            and is_staff_session(request)
            and not is_mfa_enabled(
                request.user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            )
        ):
            messages.warning(
                request,
                _("Staff accounts need an authenticator app or a passkey. Please set one up."),
            )
            return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)
