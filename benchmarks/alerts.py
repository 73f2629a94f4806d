"""Fan-out of one emergency alert to 100,000 people, against a bare bulk insert of as many rows.

Run by ``python -m benchmarks`` with ``benchmarks.settings``. 100,000 synthetic accounts chose
the alert's district as their region. The baseline bulk-inserts 100,000 inbox rows
(``Recipient``) for a message in one loop of 500-row ``bulk_create`` calls, nothing else. The
scenario sends an approved alert and runs its fan-out as a worker would: the targeting query
(chosen region, then the population registry), one transaction per batch of 1,000 people
writing their read marks and their deliveries (push, skipped without a device, and the SMS
fallback) and queueing the sends. The sends themselves are queued, not performed: they are
the SMS gateway's time, not the platform's. The ratio says what the fan-out costs per person
over writing one row per person.
"""

from __future__ import annotations

import time
import uuid

import django

PEOPLE = 100_000


def main() -> None:
    django.setup()
    from django.db import transaction

    from tongban.accounts.models import User
    from tongban.alerts import services
    from tongban.alerts.factories import approved_alert
    from tongban.notifications import tasks as notification_tasks
    from tongban.notifications.models import Delivery, Notification, Recipient
    from tongban.organization.constants import RegionLevel, StaffRole, StandardDepartmentType
    from tongban.organization.factories import (
        DepartmentFactory,
        DepartmentTypeFactory,
        RegionFactory,
        StaffPositionFactory,
        district_of,
        factory_create,
    )
    from tongban.organization.models import Department

    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    district = district_of(city, 2, "临江区")
    department_type = factory_create(
        DepartmentTypeFactory, code=StandardDepartmentType.CIVIL_AFFAIRS
    )
    department = Department.objects.filter(
        type=department_type, region=city, parent=None
    ).first() or (
        factory_create(
            DepartmentFactory,
            code=f"B-YJ-{uuid.uuid4().hex[:6]}",
            type=department_type,
            region=city,
        )
    )
    suffix = uuid.uuid4().hex[:6]
    staff = []
    for role in (StaffRole.ALERT_DRAFTER, StaffRole.ALERT_APPROVER):
        user = User.objects.create(username=f"bench-{role}-{suffix}", password="!")  # noqa: S106 (unusable: synthetic people never sign in)
        factory_create(StaffPositionFactory, user=user, department=department, role=role)
        staff.append(user)
    drafter, approver = staff
    User.objects.bulk_create(
        (
            User(
                username=f"bench-{suffix}-{n}",
                password="!",  # noqa: S106 (unusable: synthetic people never sign in)
                region_code=f"{district.code}001",
            )
            for n in range(PEOPLE)
        ),
        batch_size=2000,
    )
    people = list(
        User.objects.filter(username__startswith=f"bench-{suffix}-").values_list("pk", flat=True)
    )

    baseline_message = Notification.objects.create(
        event_code="bench.baseline", category="announcement", broadcast=True
    )
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, len(people), 500):
            Recipient.objects.bulk_create(
                Recipient(notification=baseline_message, user_id=user_id)
                for user_id in people[start : start + 500]
            )
    baseline = time.perf_counter() - started

    queued: list[int] = []
    notification_tasks.deliveries_send.delay = lambda ids: queued.append(len(ids))  # type: ignore[method-assign,assignment,return-value]
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    # Sending runs the fan-out on commit (the task runs eagerly here, as on a worker).
    started = time.perf_counter()
    services.alert_send(alert=alert, actor=approver)
    fan_out = time.perf_counter() - started
    alert.refresh_from_db()
    assert alert.notification is not None
    recipients = Recipient.objects.filter(notification=alert.notification).count()
    deliveries = Delivery.objects.filter(notification=alert.notification).count()
    if recipients != PEOPLE:
        raise SystemExit(f"fan-out reached {recipients} people, not {PEOPLE}")
    print(
        f"| alerts: fan-out of one alert to {PEOPLE:,} people (in-process) | {fan_out:.2f} s | "
        f"bare bulk insert of {PEOPLE:,} rows {baseline:.2f} s | "
        f"ratio {fan_out / baseline:.1f} | {recipients:,} read marks, {deliveries:,} deliveries, "
        f"{sum(queued):,} sends queued in {len(queued):,} tasks |"
    )


if __name__ == "__main__":
    main()
