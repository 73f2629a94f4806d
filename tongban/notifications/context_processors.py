"""The unread count in the portal's navigation, counted only when a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tongban.notifications.selectors import unread_count_for_user


def inbox(request: HttpRequest) -> dict[str, Any]:
    def badge() -> str:
        count, capped = unread_count_for_user(user=getattr(request, "user", None))
        return f"{count}+" if capped else (str(count) if count else "")

    return {"inbox_unread": SimpleLazyObject(badge)}
