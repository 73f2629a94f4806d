"""Bookings per second under contention, against a bare insert baseline of the same run.

Run by ``python -m benchmarks`` against the benchmark's PostgreSQL database, with
``benchmarks.settings``. Both loops run in one process with the same number of threads, each
on its own connection, one transaction per operation: the baseline inserts one ``BenchRow``
per transaction; the scenario books through ``appointments.services.booking_create``, every
thread racing for the same slot (capacity 3) until it is full and then for the next one —
the no-show check, the conditional update that takes a place under the slot's row lock, the
booking row with its one-active-booking constraint, and the audit record. The ratio says what
never overbooking costs compared with writing one row.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable

import django

SECONDS = 5.0
THREADS = 8
CAPACITY = 3
PEOPLE = 6000


def _run(threads: int, work: Callable[[int, int], bool]) -> int:
    from django.db import connection

    counts = [0] * threads
    barrier = threading.Barrier(threads + 1)
    deadline: list[float] = []

    def loop(index: int) -> None:
        try:
            barrier.wait()
            while time.perf_counter() < deadline[0]:
                if work(index, counts[index]):
                    counts[index] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    deadline.append(time.perf_counter() + SECONDS)
    barrier.wait()
    for worker in workers:
        worker.join()
    return sum(counts)


def main() -> None:
    django.setup()
    from benchmarks.models import BenchRow
    from tongban.accounts.models import User
    from tongban.appointments import services
    from tongban.appointments.exceptions import SlotFull
    from tongban.appointments.factories import schedule_create, service_published
    from tongban.appointments.models import ScheduleException, Slot
    from tongban.core.working_days import local_date
    from tongban.organization.constants import RegionLevel
    from tongban.organization.factories import (
        DepartmentTypeFactory,
        RegionFactory,
        ServiceHallFactory,
        factory_create,
    )

    run = uuid.uuid4().hex[:6]
    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    hall = factory_create(ServiceHallFactory, code=f"bench-hall-{run}", region=city)
    service = service_published(
        code=f"BENCH-{run}",
        name="机动车驾驶人考试预约",
        department_type=factory_create(DepartmentTypeFactory, code="traffic_police"),
    )
    schedule = schedule_create(hall=hall, service=service, windows=1, people_per_slot=CAPACITY)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    # Whatever day the run falls on, the schedule opens on the benchmark's days.
    for day in range(3):
        ScheduleException.objects.get_or_create(
            schedule=schedule,
            day=local_date(start + dt.timedelta(days=day)),
            defaults={"closed": False, "starts_at": dt.time(0, 0), "ends_at": dt.time(23, 59)},
        )
    slots = Slot.objects.bulk_create(
        [
            Slot(
                schedule=schedule,
                starts_at=start + dt.timedelta(seconds=n),
                ends_at=start + dt.timedelta(seconds=n, minutes=30),
                capacity=CAPACITY,
            )
            for n in range(PEOPLE // CAPACITY)
        ]
    )
    people = User.objects.bulk_create(
        [User(username=f"bench-{run}-{n}") for n in range(PEOPLE)], batch_size=1000
    )

    inserts = _run(
        THREADS,
        lambda index, done: bool(BenchRow.objects.create(key=uuid.uuid4().hex, value="inserted")),
    )
    insert_rate = inserts / SECONDS

    current = [0]
    taken = [0]
    lock = threading.Lock()

    def book(index: int, done: int) -> bool:
        with lock:
            if taken[0] >= PEOPLE:
                return False
            person = people[taken[0]]
            taken[0] += 1
        while current[0] < len(slots):
            slot = slots[current[0]]
            try:
                services.booking_create(user=person, slot_id=slot.pk)
                return True
            except SlotFull:
                with lock:
                    if slots[current[0]].pk == slot.pk:
                        current[0] += 1
        return False

    bookings = _run(THREADS, book)
    booking_rate = bookings / SECONDS
    overbooked = Slot.objects.filter(schedule=schedule, booked__gt=CAPACITY).count()
    print(
        f"| appointments: book under contention ({THREADS} threads, slots of {CAPACITY}, "
        f"in-process) | {booking_rate:,.0f}/s | insert one row ({THREADS} threads) "
        f"{insert_rate:,.0f}/s | ratio {booking_rate / insert_rate:.3f} | {bookings} bookings, "
        f"{overbooked} slots overbooked |"
    )


if __name__ == "__main__":
    main()
