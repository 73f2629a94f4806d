"""``require_assurance``: a view needs a real-name level and a sign-in strength.

    @require_assurance(level=RealNameLevel.L2, strength=AuthenticationStrength.TWO_FACTOR)
    def pension_apply(request): ...

Someone not signed in goes to the sign-in page, an account below the level to real-name
verification, a session below the strength to the step-up page; each comes back to the page
they asked for (a ``next`` that is checked to stay on this site).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from tongban.accounts.constants import AuthenticationStrength, RealNameLevel
from tongban.accounts.selectors import assurance_check

P = ParamSpec("P")


def safe_next(request: HttpRequest, target: str | None, default: str = "/") -> str:
    """``target`` when it stays on this site, else ``default``."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def assurance_redirect(
    request: HttpRequest,
    *,
    level: RealNameLevel = RealNameLevel.L1,
    strength: AuthenticationStrength = AuthenticationStrength.PASSWORD,
) -> HttpResponseRedirect | None:
    """Where to send the person first, or ``None`` when they may go on."""
    shortfall = assurance_check(request, level=level, strength=strength)
    if shortfall is None:
        return None
    back = request.get_full_path()
    if not shortfall.signed_in:
        return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": back}))
    if shortfall.level is not None:
        query = urlencode({"next": back, "level": str(int(shortfall.level))})
        return HttpResponseRedirect(reverse("accounts:real_name") + "?" + query)
    assert shortfall.strength is not None
    query = urlencode({"next": back, "strength": str(int(shortfall.strength))})
    return HttpResponseRedirect(reverse("accounts:step_up") + "?" + query)


def require_assurance(
    *,
    level: RealNameLevel = RealNameLevel.L1,
    strength: AuthenticationStrength = AuthenticationStrength.PASSWORD,
) -> Callable[
    [Callable[Concatenate[HttpRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    def decorate(
        view: Callable[Concatenate[HttpRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            redirect = assurance_redirect(request, level=level, strength=strength)
            if redirect is not None:
                return redirect
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
