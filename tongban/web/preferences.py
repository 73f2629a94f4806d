"""The portal preferences of the person behind a request: elderly mode and region.

A signed-in person's preferences are stored on their account and follow them to any browser;
a visitor's live in cookies of this browser. Changing one while signed in updates both, so
signing out keeps the page the way the person left it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tongban.accounts.models import User
from tongban.accounts.services import user_preferences_update
from tongban.web.regions import RegionOption, region_find

ELDERLY_COOKIE = "tongban_elderly"
REGION_COOKIE = "tongban_region"
COOKIE_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class Preferences:
    elderly_mode: bool
    region: RegionOption | None


def _account(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


def preferences_of(request: HttpRequest) -> Preferences:
    account = _account(request)
    if account is not None:
        elderly_mode = account.elderly_mode
        region_code = account.region_code
    else:
        elderly_mode = request.COOKIES.get(ELDERLY_COOKIE) == "1"
        region_code = request.COOKIES.get(REGION_COOKIE, "")
    region = region_find(region_code) if region_code else None
    return Preferences(elderly_mode=elderly_mode, region=region)


def _remember(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def elderly_mode_remember(request: HttpRequest, response: HttpResponse, *, on: bool) -> None:
    _remember(response, ELDERLY_COOKIE, "1" if on else "0")
    account = _account(request)
    if account is not None:
        user_preferences_update(user=account, elderly_mode=on)


def region_remember(request: HttpRequest, response: HttpResponse, *, region_code: str) -> None:
    _remember(response, REGION_COOKIE, region_code)
    account = _account(request)
    if account is not None:
        user_preferences_update(user=account, region_code=region_code)
