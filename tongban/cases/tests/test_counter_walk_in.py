"""A walk-in citizen who never registered is served at the counter (线上线下融合): the clerk's
identity check finds no account, the clerk opens one (L3, no password, a text to the mobile
number) and the case proceeds exactly as for an existing account. The option appears only when
no account exists; bad input shows a translated error and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import CaseChannel, CaseEventKind, IdentityCheckMethod
from tongban.cases.exceptions import CounterApplicantUnknown
from tongban.cases.models import Case, CounterIntake
from tongban.catalog.models import ServiceItem
from tongban.notifications.models import DemoSms
from tongban.registries.factories import DemoResidentFactory, DemoResidentIdCardFactory

pytestmark = pytest.mark.django_db

MOBILE = "13612345678"


@pytest.fixture
def walk_in():
    resident = DemoResidentFactory.create(name="欧阳娜娜")
    DemoResidentIdCardFactory.create(resident=resident)
    return resident


def start(item: ServiceItem, clerk: User, id_number: str, **kwargs: Any) -> Case:
    return services.case_counter_intake_start(
        item_code=item.code,
        clerk=clerk,
        identity=services.IdentityCheck(
            method=IdentityCheckMethod.ID_CARD_READER, id_number=id_number, confirmed=True
        ),
        **kwargs,
    )


def form(item: ServiceItem, id_number: str, **extra: str) -> dict[str, str]:
    return {
        "service": item.code,
        "id_number": id_number,
        "identity_method": IdentityCheckMethod.ID_CARD_READER,
        "identity_confirmed": "on",
        **extra,
    }


def written() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Case.objects.count(),
        CounterIntake.objects.count(),
        DemoSms.objects.count(),
    )


def test_a_walk_in_without_an_account_gets_one_and_the_case_proceeds(
    sole_proprietor, clerk, walk_in
):
    case = start(
        sole_proprietor,
        clerk,
        walk_in.id_number,
        new_account=services.NewAccount(real_name="欧阳娜娜", mobile=MOBILE),
    )

    applicant = case.applicant_person
    assert applicant is not None
    assert (applicant.resident_id_number, applicant.mobile) == (walk_in.id_number, MOBILE)
    assert applicant.real_name_level == RealNameLevel.L3
    assert applicant.has_usable_password() is False
    assert (case.channel, case.trips_in_person) == (CaseChannel.COUNTER, 1)
    assert case.applicant_name == "欧阳娜娜"
    event = case.events.get(kind=CaseEventKind.COUNTER_INTAKE)
    assert event.details["account_created"] is True
    assert DemoSms.objects.get().template_code == "SMS_TONGBAN_COUNTER_ACCOUNT"


def test_without_the_option_an_unknown_number_still_starts_nothing(sole_proprietor, clerk, walk_in):
    before = written()
    with pytest.raises(CounterApplicantUnknown):
        start(sole_proprietor, clerk, walk_in.id_number)
    assert written() == before


def test_a_number_with_an_account_uses_it_and_opens_no_second(sole_proprietor, clerk, applicant):
    before_users = User.objects.count()

    case = start(
        sole_proprietor,
        clerk,
        applicant.resident_id_number,
        new_account=services.NewAccount(real_name=str(applicant.real_name), mobile=MOBILE),
    )

    assert case.applicant_person_id == applicant.pk
    assert User.objects.count() == before_users
    assert not DemoSms.objects.exists()


def test_the_option_appears_only_when_no_account_holds_the_number(
    sole_proprietor, clerk, applicant, walk_in
):
    client = Client()
    client.force_login(clerk)

    assert 'name="mobile"' not in client.get(reverse("cases:counter_start")).content.decode()
    unknown = client.post(reverse("cases:counter_start"), form(sole_proprietor, walk_in.id_number))
    assert unknown.status_code == 400
    assert 'name="mobile"' in unknown.content.decode()
    known = client.post(
        reverse("cases:counter_start"), form(sole_proprietor, applicant.resident_id_number)
    )
    assert known.status_code == 302


def test_the_clerk_opens_the_account_on_the_page_and_sees_only_masked_data(
    sole_proprietor, clerk, walk_in
):
    client = Client()
    client.force_login(clerk)

    started = client.post(
        reverse("cases:counter_start"),
        form(
            sole_proprietor,
            walk_in.id_number,
            create_account="on",
            real_name="欧阳娜娜",
            mobile=MOBILE,
        ),
    )

    case = Case.objects.get()
    assert started["Location"] == reverse("cases:counter_case", args=[case.pk])
    page = client.get(started["Location"]).content.decode()
    assert walk_in.id_number not in page
    assert MOBILE not in page
    assert case.applicant_person is not None
    assert case.applicant_person.real_name_level == RealNameLevel.L3


@pytest.mark.parametrize(
    ("extra", "shown"),
    [
        ({"real_name": "欧阳一"}, ("do not match the population registry", "与人口库信息不一致")),
        ({"mobile": "12345"}, ("11-digit mainland mobile number", "11 位大陆手机号码")),
        (
            {"mobile": "taken"},
            ("Another account already uses this mobile number", "已被其他账号使用"),
        ),
    ],
    ids=["name mismatch", "bad mobile", "mobile of another account"],
)
def test_bad_account_input_shows_a_translated_error_and_writes_nothing(
    sole_proprietor, clerk, walk_in, other_citizen, extra, shown
):
    if extra.get("mobile") == "taken":
        extra = {"mobile": str(other_citizen.mobile)}
    client = Client()
    client.force_login(clerk)
    before = written()

    response = client.post(
        reverse("cases:counter_start"),
        form(
            sole_proprietor,
            walk_in.id_number,
            **{"create_account": "on", "real_name": "欧阳娜娜", "mobile": MOBILE, **extra},
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert any(text in html for text in shown)
    assert 'name="mobile"' in html
    # Only in the input the clerk typed it into, to correct it; never shown as text.
    assert html.count(walk_in.id_number) == 1
    assert f'value="{walk_in.id_number}"' in html
    assert written() == before


def test_a_deceased_person_gets_no_account_and_no_case(sole_proprietor, clerk):
    import datetime as dt

    deceased = DemoResidentFactory.create(name="王芳", deceased_on=dt.date(2024, 1, 2))
    before = written()

    from tongban.accounts.exceptions import ResidentDeceased

    with pytest.raises(ResidentDeceased):
        start(
            sole_proprietor,
            clerk,
            deceased.id_number,
            new_account=services.NewAccount(real_name="王芳", mobile=MOBILE),
        )
    assert written() == before
