"""What every page of the portal shell needs: the preferences and the switches' choices."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tongban.web.preferences import preferences_of
from tongban.web.regions import region_options


def design_system_enabled() -> bool:
    """The design-system page is a tool for developers: shown in development and demo only."""
    return bool(settings.DEBUG or settings.DEMO_MODE)


def portal(request: HttpRequest) -> dict[str, Any]:
    preferences = preferences_of(request)
    return {
        "elderly_mode": preferences.elderly_mode,
        "current_region": preferences.region,
        "region_options": region_options,
        "design_system_enabled": design_system_enabled(),
    }
