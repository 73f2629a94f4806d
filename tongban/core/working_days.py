"""Working days in the People's Republic of China, as pure functions over a holiday table.

Legal periods counted in working days (e.g. "3 working days" in the market entity registration
regulation, the 5 days to accept in Administrative Licensing Law Art. 32) skip statutory
holidays and count the make-up working days (调休) the State Council's schedule moves onto
weekends. Civil Code Art. 201: the day a period starts is not counted; counting starts on the
next day.

The State Council publishes each year's schedule late in the previous year. For a year without
an official schedule, the weekends and the fixed-date holidays are counted and every result
that touched such a year is marked ``provisional``: callers show it as such and recompute when
the schedule is entered (``core.services.calendar_changed``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

# Gregorian fixed-date holidays under the rules for national holidays as revised in 2024
# (全国年节及纪念日放假办法, in force 2025-01-01): New Year's Day 1 day, Labour Day 2 days,
# National Day 3 days. The lunar holidays move every year, so a provisional year lacks them.
FIXED_DATE_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}


# The official names of the holidays, as the State Council's notices print them; the
# chinese-calendar package names them in English.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class ScheduledDay:
    """One line of a year's official schedule: a holiday or a make-up working day."""

    day: dt.date
    is_holiday: bool
    name: str


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[dt.date]
    make_up_working_days: frozenset[dt.date]
    official_years: frozenset[int]

    @classmethod
    def from_schedule(
        cls, days: Iterable[ScheduledDay], *, official_years: Iterable[int]
    ) -> WorkingCalendar:
        days = list(days)
        return cls(
            holidays=frozenset(d.day for d in days if d.is_holiday),
            make_up_working_days=frozenset(d.day for d in days if not d.is_holiday),
            official_years=frozenset(official_years),
        )

    def is_provisional(self, day: dt.date) -> bool:
        return day.year not in self.official_years

    def is_working_day(self, day: dt.date) -> bool:
        if self.is_provisional(day):
            return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS
        if day in self.make_up_working_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkingDayDate:
    """A date computed in working days; ``provisional`` when it relied on an unofficial year."""

    day: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkingDayCount:
    days: int
    provisional: bool


def _days_after(start: dt.date) -> Iterator[dt.date]:
    day = start
    while True:
        day += dt.timedelta(days=1)
        yield day


def add_working_days(calendar: WorkingCalendar, start: dt.date, days: int) -> WorkingDayDate:
    """The day on which a period of ``days`` working days that starts on ``start`` ends.

    ``start`` itself is never counted (Civil Code Art. 201), so a period of 1 working day that
    starts on a Friday ends on the next working day. A period of 0 days ends on ``start``.
    """
    if days < 0:
        raise ValueError("a period cannot have a negative number of working days")
    if days == 0:
        return WorkingDayDate(day=start, provisional=False)
    provisional = False
    counted = 0
    for day in _days_after(start):
        provisional = provisional or calendar.is_provisional(day)
        if calendar.is_working_day(day):
            counted += 1
            if counted == days:
                return WorkingDayDate(day=day, provisional=provisional)
    raise AssertionError("unreachable")  # pragma: no cover


def working_days_between(
    calendar: WorkingCalendar, start: dt.date, end: dt.date
) -> WorkingDayCount:
    """How many working days have passed from ``start`` to ``end``: those after ``start``, up
    to and including ``end``. Negative when ``end`` is before ``start``, so that
    ``add_working_days(start, n)`` and ``working_days_between(start, result)`` agree.
    """
    if end < start:
        earlier = working_days_between(calendar, end, start)
        return WorkingDayCount(days=-earlier.days, provisional=earlier.provisional)
    count = 0
    provisional = False
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        provisional = provisional or calendar.is_provisional(day)
        if calendar.is_working_day(day):
            count += 1
    return WorkingDayCount(days=count, provisional=provisional)


def local_date(moment: dt.datetime) -> dt.date:
    """The date in China Standard Time of an aware moment: 2025-09-30T16:30Z is 1 October."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no date in China; pass an aware one")
    return moment.astimezone(CHINA).date()


def add_working_days_from(
    calendar: WorkingCalendar, moment: dt.datetime, days: int
) -> WorkingDayDate:
    """``add_working_days`` for something that happened at ``moment`` (e.g. a submission)."""
    return add_working_days(calendar, local_date(moment), days)


def chinese_calendar_schedule() -> dict[int, list[ScheduledDay]]:
    """Every year's official schedule as known to the installed ``chinese-calendar`` package."""
    from chinese_calendar import constants

    schedule: dict[int, list[ScheduledDay]] = {}
    for day, holiday in constants.holidays.items():
        schedule.setdefault(day.year, []).append(
            ScheduledDay(day=day, is_holiday=True, name=HOLIDAY_NAMES.get(holiday, holiday))
        )
    for day, holiday in constants.workdays.items():
        schedule.setdefault(day.year, []).append(
            ScheduledDay(day=day, is_holiday=False, name=HOLIDAY_NAMES.get(holiday, holiday))
        )
    for days in schedule.values():
        days.sort(key=lambda d: d.day)
    return schedule
