"""The newest alert in force for the visitor's region, as a banner on every portal page.

Cheap: the active alerts come from the cache (one query a minute per process, cleared when an
alert is sent) and are matched to the region in memory.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tongban.alerts.selectors import active_alert_for_region


def banner(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        region_code = getattr(user, "region_code", "")
    else:
        region_code = request.COOKIES.get("tongban_region", "")
    return {"emergency_alert": active_alert_for_region(region_code=region_code)}
