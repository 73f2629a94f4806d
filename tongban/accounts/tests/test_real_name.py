"""Real-name levels: L2 from the population registry, L3 from a clerk at a counter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tongban.accounts.constants import PURPOSE_IDENTITY_VERIFICATION, RealNameLevel
from tongban.accounts.exceptions import (
    RealNameLevelTooLow,
    RealNameNotVerified,
    ResidentDeceased,
    ResidentIdNumberTaken,
)
from tongban.accounts.factories import UserFactory
from tongban.accounts.services import real_name_verify, real_name_verify_in_person
from tongban.audit.selectors import personal_data_reads_about
from tongban.core.exceptions import InvalidResidentIdNumber, PermissionDenied
from tongban.registries.factories import DemoResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return UserFactory.create(username="newcomer", real_name="", resident_id_number="")


@pytest.fixture
def resident():
    return DemoResidentFactory.create(name="林𠇔")


def unchanged(user):
    user.refresh_from_db()
    return (user.real_name_level, user.real_name, user.resident_id_number)


def test_a_matching_name_and_number_raise_the_account_to_l2(newcomer, resident):
    real_name_verify(user=newcomer, real_name="林 𠇔", id_number=resident.id_number.lower())

    newcomer.refresh_from_db()
    assert newcomer.real_name_level == RealNameLevel.L2
    assert (newcomer.real_name, newcomer.resident_id_number) == ("林𠇔", resident.id_number)
    [read] = personal_data_reads_about(identifier=resident.id_number)
    assert (read.actor_id, read.purpose) == (newcomer.pk, PURPOSE_IDENTITY_VERIFICATION)


def test_a_rare_character_name_is_shown_as_typed_and_the_number_masked(
    client: Client, newcomer, resident
):
    client.force_login(newcomer)

    response = client.post(
        "/accounts/real-name/", {"real_name": "林𠇔", "id_number": resident.id_number}
    )
    html = client.get(response["Location"]).content.decode()

    assert "林𠇔" in html
    assert resident.id_number not in html
    assert resident.id_number[:3] + "*" * 11 + resident.id_number[-4:] in html


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110101198503010010", "id_number_checksum"),
        ("110101198502300011", "id_number_birth_date"),
    ],
)
def test_a_malformed_number_is_refused_with_its_reason(client: Client, newcomer, number, code):
    from stdnum.cn import ric

    valid_digit = ric.calc_check_digit(number)
    if code == "id_number_birth_date":
        number = number[:17] + valid_digit
    else:
        number = number[:17] + ("1" if valid_digit != "1" else "2")
    with pytest.raises(InvalidResidentIdNumber) as caught:
        real_name_verify(user=newcomer, real_name="林𠇔", id_number=number)

    assert caught.value.errors["id_number"][0].code == code
    assert unchanged(newcomer) == (1, "", "")


def test_a_name_that_does_not_match_changes_nothing(newcomer, resident):
    with pytest.raises(RealNameNotVerified):
        real_name_verify(user=newcomer, real_name="林一", id_number=resident.id_number)

    assert unchanged(newcomer) == (1, "", "")
    assert personal_data_reads_about(identifier=resident.id_number).count() == 1


def test_an_unknown_person_changes_nothing_and_reveals_no_more_than_a_mismatch(newcomer):
    from tongban.registries.factories import resident_id_number_next

    with pytest.raises(RealNameNotVerified):
        real_name_verify(user=newcomer, real_name="林𠇔", id_number=resident_id_number_next())

    assert unchanged(newcomer) == (1, "", "")


def test_a_deceased_person_cannot_be_claimed(newcomer):
    deceased = DemoResidentFactory.create(name="王芳", deceased_on=dt.date(2024, 1, 2))

    with pytest.raises(ResidentDeceased):
        real_name_verify(user=newcomer, real_name="王芳", id_number=deceased.id_number)

    assert unchanged(newcomer) == (1, "", "")


def test_a_number_verified_on_another_account_is_refused(newcomer, resident):
    UserFactory.create(username="first", resident_id_number=resident.id_number, real_name="林𠇔")

    with pytest.raises(ResidentIdNumberTaken):
        real_name_verify(user=newcomer, real_name="林𠇔", id_number=resident.id_number)

    assert unchanged(newcomer) == (1, "", "")


def test_the_page_shows_a_translated_error_and_changes_nothing(client: Client, newcomer, resident):
    client.force_login(newcomer)

    response = client.post(
        "/accounts/real-name/",
        {"real_name": "陈堃", "id_number": resident.id_number},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "do not match the population registry" in response.content.decode()
    assert unchanged(newcomer) == (1, "", "")


def test_a_clerk_raises_a_verified_account_to_l3(newcomer, resident, clerk):
    real_name_verify(user=newcomer, real_name="林𠇔", id_number=resident.id_number)

    real_name_verify_in_person(user=newcomer, clerk=clerk)

    assert unchanged(newcomer)[0] == RealNameLevel.L3


def test_only_a_clerk_may_verify_in_person(newcomer, resident, supervisor):
    real_name_verify(user=newcomer, real_name="林𠇔", id_number=resident.id_number)

    with pytest.raises(PermissionDenied):
        real_name_verify_in_person(user=newcomer, clerk=supervisor)

    assert unchanged(newcomer)[0] == RealNameLevel.L2


def test_l3_needs_l2_first(newcomer, clerk):
    with pytest.raises(RealNameLevelTooLow):
        real_name_verify_in_person(user=newcomer, clerk=clerk)

    assert unchanged(newcomer)[0] == RealNameLevel.L1
