"""Appointments fixtures: the traffic police hall with a driving-test schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tongban.appointments.factories import (
    china_time,
    schedule_create,
    service_published,
    slot_create,
)
from tongban.appointments.models import Schedule, Slot
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import local_date
from tongban.organization.factories import (
    DepartmentFactory,
    DepartmentTypeFactory,
    ServiceHallFactory,
    WindowFactory,
    factory_create,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def working_day_after(days: int) -> dt.date:
    """The first working day at least ``days`` days from today that has weekday hours."""
    calendar = working_calendar_get()
    day = local_date(timezone.now()) + dt.timedelta(days=days)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def city(persona_departments: dict[str, Any]) -> dict[str, Any]:
    return persona_departments


@pytest.fixture
def traffic_police(city: dict[str, Any]) -> Any:
    return factory_create(
        DepartmentFactory,
        code="HC-JJ",
        name="海川市公安局交通警察支队",
        type=factory_create(DepartmentTypeFactory, code="traffic_police"),
        region=city["city"],
    )


@pytest.fixture
def hall(city: dict[str, Any]) -> Any:
    return factory_create(
        ServiceHallFactory,
        code="hc-traffic-police-hall",
        name="海川市车管所服务大厅",
        region=city["city"],
        address="海川市临江区江堤路1号",
    )


@pytest.fixture
def window(hall: Any, traffic_police: Any) -> Any:
    return factory_create(
        WindowFactory, hall=hall, number="A01", name="考试", department=traffic_police
    )


@pytest.fixture
def driving_test(traffic_police: Any) -> Any:
    return service_published(
        code="HC-JJ-001",
        name="机动车驾驶人考试预约",
        department_type=traffic_police.type,
        materials=["居民身份证", "体检证明"],
    )


@pytest.fixture
def schedule(hall: Any, driving_test: Any) -> Schedule:
    return schedule_create(
        hall=hall, service=driving_test, windows=2, people_per_slot=1, slot_minutes=30
    )


@pytest.fixture
def booking_day() -> dt.date:
    return working_day_after(3)


@pytest.fixture
def slot(schedule: Schedule, booking_day: dt.date) -> Slot:
    return slot_create(schedule=schedule, starts_at=china_time(booking_day, 9))


@pytest.fixture
def hall_clerk(hall: Any, traffic_police: Any) -> Any:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory

    user = factory_create(UserFactory, username="hall-clerk", staff=True, real_name="赵敏")
    factory_create(
        StaffPositionFactory, user=user, department=traffic_police, role="clerk", hall=hall
    )
    return user
