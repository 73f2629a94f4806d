"""What the portal shell shows about the signed-in person: whom they act for, and when the
session ends if they stay idle (for the accessible warning)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tongban.accounts.middleware import idle_limit_seconds
from tongban.accounts.selectors import acting_party_get


def identity(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "acting_party": acting_party_get(request),
        "session_idle_seconds": idle_limit_seconds(request),
        "session_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
