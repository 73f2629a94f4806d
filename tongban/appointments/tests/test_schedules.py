"""Slots are generated from weekly hours on working days, days ahead, by a periodic job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from tongban.appointments import services
from tongban.appointments.models import ScheduleException, Slot
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import CHINA, local_date

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 9, 7)  # a week without holidays


def test_slots_follow_the_weekly_hours_and_the_slot_length(schedule):
    created = services.slots_generate(today=MONDAY - dt.timedelta(days=1))

    monday = Slot.objects.filter(starts_at__date=MONDAY)
    starts = [s.starts_at.astimezone(CHINA).strftime("%H:%M") for s in monday.order_by("starts_at")]
    assert starts == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert {s.capacity for s in monday} == {schedule.capacity}
    assert created == Slot.objects.count()


def test_slots_are_generated_only_for_the_days_ahead_and_on_working_days(schedule):
    schedule.days_ahead = 14
    schedule.save()
    today = MONDAY - dt.timedelta(days=1)
    services.slots_generate(today=today)

    days = {local_date(s.starts_at) for s in Slot.objects.all()}
    calendar = working_calendar_get()
    expected = {
        today + dt.timedelta(days=n)
        for n in range(1, 15)
        if calendar.is_working_day(today + dt.timedelta(days=n))
    }
    assert days == expected


def test_a_weekend_make_up_working_day_gets_slots_and_a_holiday_none(schedule):
    # 2026-09-20 (Sunday) is worked for National Day; 2026-10-01 is a holiday.
    services.slots_generate(today=dt.date(2026, 9, 19))
    calendar = working_calendar_get()
    sunday = dt.date(2026, 9, 20)
    assert Slot.objects.filter(starts_at__date=sunday).exists() == calendar.is_working_day(sunday)


def test_statutory_holidays_get_no_slots(schedule):
    national_day = dt.date(2026, 10, 1)
    services.slots_generate(today=national_day - dt.timedelta(days=1))
    assert not Slot.objects.filter(starts_at__date=national_day).exists()


def test_an_exception_closes_a_day_or_changes_its_hours(schedule):
    tuesday = MONDAY + dt.timedelta(days=1)
    ScheduleException.objects.create(schedule=schedule, day=MONDAY, closed=True)
    ScheduleException.objects.create(
        schedule=schedule, day=tuesday, closed=False, starts_at=dt.time(14), ends_at=dt.time(15)
    )
    services.slots_generate(today=MONDAY - dt.timedelta(days=1))

    assert not Slot.objects.filter(starts_at__date=MONDAY).exists()
    tuesday_slots = [
        s.starts_at.astimezone(CHINA).strftime("%H:%M")
        for s in Slot.objects.filter(starts_at__date=tuesday).order_by("starts_at")
    ]
    assert tuesday_slots == ["14:00", "14:30"]


def test_generating_again_adds_nothing_and_keeps_bookings(schedule, citizen):
    today = MONDAY - dt.timedelta(days=1)
    services.slots_generate(today=today)
    count = Slot.objects.count()
    assert services.slots_generate(today=today) == 0
    assert Slot.objects.count() == count


def test_inactive_schedules_generate_nothing(schedule):
    schedule.active = False
    schedule.save()
    assert services.slots_generate(today=MONDAY) == 0


def test_the_periodic_jobs_are_scheduled_for_beat_and_the_embedded_runner():
    from tongban.appointments.tasks import slots_generate
    from tongban.core.periodic import PeriodicRunner

    app = slots_generate.app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "tongban.appointments.tasks.slots_generate",
        "tongban.appointments.tasks.reminders_send",
        "tongban.appointments.tasks.no_shows_record",
    } <= tasks
    runner = PeriodicRunner(app, settings.CELERY_BEAT_SCHEDULE)
    assert "appointments-slots-generate" in runner.entries


def test_the_generation_task_runs_the_service(schedule):
    from tongban.appointments.tasks import slots_generate

    assert slots_generate.apply().get() == Slot.objects.count() > 0
