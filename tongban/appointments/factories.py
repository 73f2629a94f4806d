"""Builders for schedules and slots, shared by the tests, the benchmark and the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tongban.appointments.models import HallRules, Schedule, Slot, WeeklyHours
from tongban.catalog.constants import VersionStatus
from tongban.catalog.models import Material, ServiceItem, ServiceVersion
from tongban.core.working_days import CHINA
from tongban.organization.models import DepartmentType, ServiceHall

WEEKDAYS = range(5)


def service_published(
    *,
    code: str,
    name: str,
    department_type: DepartmentType,
    materials: list[str] = (),  # type: ignore[assignment]
) -> ServiceItem:
    """A service with a published version listing ``materials`` (a shortcut of the catalog's
    designer flow, which tests of the catalog cover)."""
    item, _ = ServiceItem.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": "public_service",
            "department_type": department_type,
            "applicant_types": ["person"],
        },
    )
    if item.published_version_id:
        return item
    version = ServiceVersion.objects.create(
        item=item,
        number=1,
        status=VersionStatus.PUBLISHED,
        published_at=timezone.now(),
        channel="online_one_trip",
        trips=1,
        promised_days=1,
        legal_days=1,
    )
    for position, material in enumerate(materials):
        Material.objects.create(version=version, name=material, position=position)
    item.published_version = version
    item.save(update_fields=["published_version"])
    return item


def schedule_create(
    *,
    hall: ServiceHall,
    service: ServiceItem,
    hours: tuple[dt.time, dt.time] = (dt.time(9), dt.time(12)),
    weekdays: Any = WEEKDAYS,
    **fields: Any,
) -> Schedule:
    schedule = Schedule.objects.create(hall=hall, service=service, **fields)
    for weekday in weekdays:
        WeeklyHours.objects.create(
            schedule=schedule, weekday=weekday, starts_at=hours[0], ends_at=hours[1]
        )
    return schedule


def slot_create(*, schedule: Schedule, starts_at: dt.datetime, capacity: int | None = None) -> Slot:
    return Slot.objects.create(
        schedule=schedule,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=schedule.slot_minutes),
        capacity=schedule.capacity if capacity is None else capacity,
    )


def hall_rules_set(*, hall: ServiceHall, **fields: Any) -> HallRules:
    rules, _ = HallRules.objects.update_or_create(hall=hall, defaults=fields)
    return rules


def china_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHINA)


# --- the demo city's appointments (DESIGN.md §7) --------------------------------------------

DEMO_SCHEDULES = [
    # (hall code, service code, queue group, slot minutes, windows, people per slot, party)
    ("hc-traffic-police-hall", "HC-JJ-001", "A", 30, 2, 3, 1),
    ("hc-traffic-police-hall", "HC-JJ-002", "B", 20, 1, 4, 1),
    ("hc-marriage-registry", "HC-MZ-001", "A", 30, 2, 2, 2),
]
DEMO_HOURS = [(dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 0))]


def demo_schedules_build() -> int:
    """Schedules for driving tests and vehicle inspections at the traffic police hall and for
    marriage registrations (both people) at the marriage registry, with their slots; safe to
    run again. Returns how many slots it added."""
    from tongban.appointments.services import slots_generate

    for hall_code, service_code, group, minutes, windows, people, party in DEMO_SCHEDULES:
        hall = ServiceHall.objects.filter(code=hall_code).first()
        service = ServiceItem.objects.filter(code=service_code).first()
        if hall is None or service is None:
            continue
        schedule, created = Schedule.objects.get_or_create(
            hall=hall,
            service=service,
            defaults={
                "service_group": group,
                "slot_minutes": minutes,
                "windows": windows,
                "people_per_slot": people,
                "party_size": party,
                "days_ahead": 14,
            },
        )
        if created:
            for weekday in WEEKDAYS:
                for starts, ends in DEMO_HOURS:
                    WeeklyHours.objects.create(
                        schedule=schedule, weekday=weekday, starts_at=starts, ends_at=ends
                    )
    return slots_generate()
