"""The working-day calendar against the State Council's official 2025 and 2026 schedules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.exceptions import InvalidInput
from tongban.core.models import CalendarDay, CalendarYear
from tongban.core.selectors import working_calendar_get
from tongban.core.services import calendar_changed, calendar_sync, holiday_schedule_enter
from tongban.core.working_days import (
    ScheduledDay,
    WorkingCalendar,
    add_working_days,
    add_working_days_from,
    chinese_calendar_schedule,
    local_date,
    working_days_between,
)

D = dt.date
UTC = dt.UTC


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    """The official schedule as seeded into the table, without touching the database."""
    schedule = chinese_calendar_schedule()
    return WorkingCalendar.from_schedule(
        [day for days in schedule.values() for day in days], official_years=schedule
    )


# --- statutory holidays and make-up working days ----------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 (国办发明电〔2024〕12号)
        (D(2025, 1, 1), False),  # New Year's Day
        (D(2025, 1, 26), True),  # Sunday, make-up day before the Spring Festival
        (D(2025, 1, 28), False),  # Spring Festival Eve (a holiday since 2025)
        (D(2025, 2, 4), False),  # last day of the Spring Festival holiday
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),  # Saturday, make-up day
        (D(2025, 4, 4), False),  # Qingming
        (D(2025, 4, 27), True),  # Sunday, make-up day for Labour Day
        (D(2025, 5, 5), False),  # Labour Day holiday, Monday
        (D(2025, 5, 31), False),  # Dragon Boat Festival, Saturday
        (D(2025, 6, 2), False),  # Dragon Boat Festival holiday, Monday
        (D(2025, 9, 28), True),  # Sunday, make-up day for National Day
        (D(2025, 10, 6), False),  # Mid-Autumn Festival inside National Day week
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, make-up day
        # 2026 (国办发明电〔2025〕7号)
        (D(2026, 1, 2), False),
        (D(2026, 1, 4), True),  # Sunday, make-up day
        (D(2026, 2, 14), True),  # Saturday, make-up day
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, make-up day
        (D(2026, 5, 5), False),
        (D(2026, 5, 9), True),  # Saturday, make-up day
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, make-up day
        # Plain days
        (D(2025, 3, 3), True),  # Monday
        (D(2025, 3, 8), False),  # Saturday
    ],
)
def test_it_follows_the_official_schedule(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_a_period_over_national_day_2025_skips_the_whole_week(calendar):
    # Accepted on 30 September; 3 working days: 9, 10 (Fri) and 11 October (make-up Saturday).
    assert add_working_days(calendar, D(2025, 9, 30), 3).day == D(2025, 10, 11)


def test_the_spring_festival_2026_period_counts_the_make_up_saturday(calendar):
    # From Friday 13 February: Saturday 14 is a make-up working day, then 15–23 are off.
    assert add_working_days(calendar, D(2026, 2, 13), 1).day == D(2026, 2, 14)
    assert add_working_days(calendar, D(2026, 2, 13), 2).day == D(2026, 2, 24)


def test_the_day_a_period_starts_is_not_counted(calendar):
    # Civil Code Art. 201: a period of 1 working day starting on Monday ends on Tuesday.
    assert add_working_days(calendar, D(2025, 3, 3), 1).day == D(2025, 3, 4)
    assert add_working_days(calendar, D(2025, 3, 7), 1).day == D(2025, 3, 10)


def test_a_period_of_zero_days_ends_the_day_it_starts(calendar):
    assert add_working_days(calendar, D(2025, 10, 1), 0).day == D(2025, 10, 1)


def test_it_rejects_a_negative_period(calendar):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(calendar, D(2025, 3, 3), -1)


def test_working_days_between_counts_after_the_start_up_to_the_end(calendar):
    assert working_days_between(calendar, D(2025, 9, 30), D(2025, 10, 11)).days == 3
    assert working_days_between(calendar, D(2025, 10, 11), D(2025, 9, 30)).days == -3
    assert working_days_between(calendar, D(2025, 3, 3), D(2025, 3, 3)).days == 0


# --- years without an official schedule ---------------------------------------------------


def test_a_year_without_a_schedule_counts_weekends_and_fixed_date_holidays(calendar):
    assert 2099 not in calendar.official_years
    assert calendar.is_working_day(D(2099, 1, 1)) is False  # New Year's Day
    assert calendar.is_working_day(D(2099, 5, 1)) is False
    assert calendar.is_working_day(D(2099, 5, 2)) is False
    assert calendar.is_working_day(D(2099, 10, 2)) is False
    assert calendar.is_working_day(D(2099, 10, 5)) is True  # Monday, not a fixed holiday
    assert calendar.is_working_day(D(2099, 1, 3)) is False  # Saturday


def test_a_result_that_reaches_an_unscheduled_year_is_provisional(calendar):
    last_official = max(calendar.official_years)
    inside = add_working_days(calendar, D(last_official, 3, 2), 5)
    crossing = add_working_days(calendar, D(last_official, 12, 28), 5)
    assert inside.provisional is False
    assert crossing.provisional is True
    assert crossing.day.year == last_official + 1
    assert working_days_between(calendar, D(last_official, 12, 28), crossing.day).provisional


def test_a_provisional_result_never_fails(calendar):
    result = add_working_days(calendar, D(2090, 12, 30), 250)
    assert result.provisional is True
    assert result.day > D(2091, 12, 1)


@pytest.mark.django_db(transaction=True)
def test_entering_the_schedule_later_recomputes_provisional_dates():
    received: list[int] = []
    calendar_changed.connect(received.append)
    try:
        before = add_working_days(working_calendar_get(), D(2099, 9, 30), 3)
        assert before == add_working_days(working_calendar_get(), D(2099, 9, 30), 3)
        assert before.provisional is True
        assert before.day == D(2099, 10, 7)  # 5, 6, 7: skips 1–3 October and the weekend
        holiday_schedule_enter(
            year=2099,
            days=[ScheduledDay(D(2099, 10, day), True, "National Day") for day in range(1, 9)]
            + [ScheduledDay(D(2099, 10, 10), False, "National Day")],
            notice="国办发明电〔2098〕1号",
        )
        after = add_working_days(working_calendar_get(), D(2099, 9, 30), 3)
    finally:
        calendar_changed.disconnect(received.append)
    assert received == [2099]
    assert after.provisional is False
    assert after.day == D(2099, 10, 12)  # 9 (Fri), 10 (make-up Saturday), 12 (Mon)
    assert CalendarYear.objects.get(year=2099).official is True


@pytest.mark.django_db
def test_it_refuses_a_schedule_with_a_day_of_another_year():
    with pytest.raises(InvalidInput) as caught:
        holiday_schedule_enter(
            year=2098, days=[ScheduledDay(D(2099, 1, 1), True, "New Year's Day")]
        )
    assert caught.value.errors["days"][0].code == "day_outside_year"
    assert not CalendarYear.objects.filter(year=2098).exists()


@pytest.mark.django_db
def test_it_refuses_a_schedule_that_lists_a_day_twice():
    day = ScheduledDay(D(2098, 1, 1), True, "New Year's Day")
    with pytest.raises(InvalidInput) as caught:
        holiday_schedule_enter(year=2098, days=[day, day])
    assert caught.value.errors["days"][0].code == "day_listed_twice"
    assert not CalendarYear.objects.filter(year=2098).exists()


@pytest.mark.django_db
def test_the_migration_seeds_every_year_the_package_knows():
    schedule = chinese_calendar_schedule()
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    assert set(schedule) <= official
    assert {2025, 2026} <= official
    assert CalendarDay.objects.filter(day=D(2026, 2, 28), kind="make_up_working_day").exists()
    assert CalendarDay.objects.get(day=D(2026, 2, 17)).name == "春节"


@pytest.mark.django_db
def test_calendar_sync_leaves_entered_years_alone():
    CalendarDay.objects.filter(day=D(2026, 10, 7)).delete()  # an administrator's correction
    assert calendar_sync() == []
    assert not CalendarDay.objects.filter(day=D(2026, 10, 7)).exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_day_filed_under_another_year():
    from django.core.exceptions import ValidationError

    year = CalendarYear.objects.get(year=2026)
    day = CalendarDay(calendar_year=year, day=D(2027, 1, 1), kind="holiday", name="New Year")
    with pytest.raises(ValidationError) as caught:
        day.full_clean()
    assert "day" in caught.value.message_dict


# --- the midnight boundary in Asia/Shanghai ------------------------------------------------


def test_a_submission_one_minute_before_midnight_in_china_counts_from_that_day(calendar):
    # 23:59 on Tuesday 30 September 2025 in Beijing is 15:59 UTC.
    moment = dt.datetime(2025, 9, 30, 15, 59, tzinfo=UTC)
    assert local_date(moment) == D(2025, 9, 30)
    assert add_working_days_from(calendar, moment, 1).day == D(2025, 10, 9)


def test_a_submission_just_after_midnight_in_china_belongs_to_the_next_day(calendar):
    # 00:00:30 on 1 October in Beijing is still 30 September in UTC.
    moment = dt.datetime(2025, 9, 30, 16, 0, 30, tzinfo=UTC)
    assert local_date(moment) == D(2025, 10, 1)
    assert add_working_days_from(calendar, moment, 1).day == D(2025, 10, 9)
    # Friday 10 October 23:59:59 vs Saturday 11 October (a make-up working day) 00:00:01.
    friday = dt.datetime(2025, 10, 10, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    saturday = friday + dt.timedelta(seconds=2)
    assert add_working_days_from(calendar, friday, 1).day == D(2025, 10, 11)
    assert add_working_days_from(calendar, saturday, 1).day == D(2025, 10, 13)


def test_it_refuses_a_naive_datetime(calendar):
    with pytest.raises(ValueError, match="naive"):
        local_date(dt.datetime(2025, 10, 1, 0, 0))


# --- properties ---------------------------------------------------------------------------

days_in_range = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))


@given(start=days_in_range, days=st.integers(min_value=1, max_value=400))
def test_the_end_of_a_period_is_a_working_day_after_the_start(calendar, start, days):
    result = add_working_days(calendar, start, days)
    assert result.day > start
    assert calendar.is_working_day(result.day)


@given(start=days_in_range, days=st.integers(min_value=0, max_value=400))
def test_counting_back_gives_the_same_number_of_days(calendar, start, days):
    result = add_working_days(calendar, start, days)
    assert working_days_between(calendar, start, result.day).days == days


@given(start=days_in_range, first=st.integers(0, 120), second=st.integers(0, 120))
def test_periods_add_up(calendar, start, first, second):
    middle = add_working_days(calendar, start, first).day
    assert (
        add_working_days(calendar, middle, second).day
        == add_working_days(calendar, start, first + second).day
    )


@given(start=days_in_range, days=st.integers(0, 200))
def test_a_longer_period_never_ends_earlier(calendar, start, days):
    assert (
        add_working_days(calendar, start, days).day
        <= add_working_days(calendar, start, days + 1).day
    )


@given(start=days_in_range, end=days_in_range)
def test_no_week_has_more_than_seven_working_days(calendar, start, end):
    span = abs((end - start).days)
    assert abs(working_days_between(calendar, start, end).days) <= span
