"""Reads of the core tables."""

from __future__ import annotations

import threading

from django.core.cache import cache

from tongban.core.constants import CalendarDayKind
from tongban.core.models import CalendarDay, CalendarYear
from tongban.core.working_days import ScheduledDay, WorkingCalendar

CALENDAR_VERSION_KEY = "core:calendar:version"

_memo_lock = threading.Lock()
_memo: tuple[str | None, WorkingCalendar] | None = None


def _calendar_load() -> WorkingCalendar:
    days = [
        ScheduledDay(day=day, is_holiday=kind == CalendarDayKind.HOLIDAY, name=name)
        for day, kind, name in CalendarDay.objects.values_list("day", "kind", "name")
    ]
    official = CalendarYear.objects.filter(official=True).values_list("year", flat=True)
    return WorkingCalendar.from_schedule(days, official_years=official)


def working_calendar_get() -> WorkingCalendar:
    """The working-day calendar, loaded once per process and again after any change.

    The version stamp lives in the shared cache, so an edit made on one web node reaches the
    others on their next call.
    """
    global _memo
    version = cache.get(CALENDAR_VERSION_KEY)
    with _memo_lock:
        if _memo is not None and _memo[0] == version and version is not None:
            return _memo[1]
    calendar = _calendar_load()
    if version is None:
        version = calendar_version_bump()
    with _memo_lock:
        _memo = (version, calendar)
    return calendar


def calendar_version_bump() -> str:
    import uuid

    version = uuid.uuid4().hex
    cache.set(CALENDAR_VERSION_KEY, version, timeout=None)
    return version
