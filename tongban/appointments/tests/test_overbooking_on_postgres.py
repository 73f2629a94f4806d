"""Never overbooked: 50 people racing for 30 places at the same instant get exactly 30."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection

from tongban.accounts.factories import UserFactory
from tongban.appointments import services
from tongban.appointments.constants import BookingStatus
from tongban.appointments.exceptions import SlotFull
from tongban.appointments.factories import china_time, slot_create
from tongban.appointments.models import Booking, Slot
from tongban.organization.factories import factory_create

# Each race opens about 50 connections: the races run one after another on one worker, so
# two of them never exceed the server's connection limit together.
pytestmark = pytest.mark.xdist_group("postgres-races")


PEOPLE = 50
SLOTS = 10
CAPACITY = 3
REPETITIONS = 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_people_racing_for_ten_slots_of_three_get_exactly_thirty(schedule, booking_day):
    for repetition in range(REPETITIONS):
        slots = [
            slot_create(
                schedule=schedule,
                starts_at=china_time(booking_day, 8 + n // 2, 30 * (n % 2)).replace(
                    second=repetition
                ),
                capacity=CAPACITY,
            )
            for n in range(SLOTS)
        ]
        people = [
            factory_create(UserFactory, username=f"racer-{repetition}-{n}") for n in range(PEOPLE)
        ]
        barrier = threading.Barrier(PEOPLE)
        errors: list[BaseException] = []
        booked: list[str] = []

        def book(user, barrier=barrier, errors=errors, booked=booked, slots=slots):
            order = list(slots)
            random.shuffle(order)
            try:
                barrier.wait()
                for slot in order:
                    try:
                        booking = services.booking_create(user=user, slot_id=slot.pk)
                    except SlotFull:
                        continue
                    booked.append(booking.code)
                    return
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=book, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert len(booked) == SLOTS * CAPACITY
        ids = [slot.pk for slot in slots]
        assert (
            Booking.objects.filter(slot_id__in=ids, status=BookingStatus.BOOKED).count()
            == SLOTS * CAPACITY
        )
        for slot in Slot.objects.filter(pk__in=ids):
            assert slot.booked == CAPACITY
            assert slot.bookings.count() == CAPACITY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_booking_twice_at_once_gets_one_booking(schedule, booking_day, citizen):
    slots = [
        slot_create(schedule=schedule, starts_at=china_time(booking_day, 9 + n)) for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(slot):
        try:
            barrier.wait()
            services.booking_create(user=citizen, slot_id=slot.pk)
            outcomes.append("booked")
        except Exception as error:
            outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(slot,)) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_booked", "booked"]
    assert (
        sum(Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)) == 1
    )
