"""A booking may be the in-person step of a case the person may see; no one else's case."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tongban.appointments import services
from tongban.appointments.models import Booking
from tongban.cases.exceptions import CaseNotFound
from tongban.cases.models import Case

pytestmark = pytest.mark.django_db


def _case_of(user, service) -> Case:
    return Case.objects.create(
        service_item=service,
        service_version=service.published_version,
        applicant_kind="person",
        applicant_person=user,
        applicant_name="林𠇔",
        filed_by=user,
    )


def test_a_booking_for_ones_own_case_is_linked_to_it(
    citizen, slot, driving_test, schedule, booking_day
):
    case = _case_of(citizen, driving_test)
    booking = services.booking_create(user=citizen, slot_id=slot.pk, case_id=case.pk)
    assert booking.case == case

    from tongban.appointments.factories import china_time, slot_create

    later = slot_create(schedule=schedule, starts_at=china_time(booking_day, 11))
    moved = services.booking_reschedule(booking=booking, actor=citizen, slot_id=later.pk)
    assert moved.case == case


def test_someone_elses_case_answers_not_found_and_books_nothing(
    citizen, other_citizen, slot, driving_test
):
    case = _case_of(other_citizen, driving_test)
    case_ids: list[uuid.UUID | str] = [case.pk, "nonsense"]
    for case_id in case_ids:
        with pytest.raises(CaseNotFound):
            services.booking_create(user=citizen, slot_id=slot.pk, case_id=case_id)
    slot.refresh_from_db()
    assert (slot.booked, Booking.objects.count()) == (0, 0)


def test_the_api_links_the_case(citizen, other_citizen, slot, driving_test):
    client = Client()
    client.force_login(citizen)
    foreign = _case_of(other_citizen, driving_test)
    response = client.post(
        "/api/v1/appointments",
        {"slot_id": str(slot.pk), "case_id": str(foreign.pk)},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"
    own = _case_of(citizen, driving_test)
    response = client.post(
        "/api/v1/appointments",
        {"slot_id": str(slot.pk), "case_id": str(own.pk)},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["case_id"] == str(own.pk)
