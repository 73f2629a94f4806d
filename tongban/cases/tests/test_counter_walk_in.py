"""A walk-in citizen who never registered is served at the counter (线上线下融合): the clerk's
identity check finds no account, the clerk sends a code to the applicant's mobile number, the
applicant reads it out, the clerk opens the account (L3, number proven, no password, a text to
the number) and the case proceeds exactly as for an existing account. The option appears only
when no account exists; bad input or a wrong or missing code shows a translated error and
writes nothing; a welcome text that could not be sent is shown to the clerk."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
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


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Codes to one number are rate limited; every test starts with none sent.
    cache.clear()
    yield
    cache.clear()


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


COUNTER_TEXT = "SMS_TONGBAN_COUNTER_ACCOUNT"


def code_for(clerk: User, mobile: str = MOBILE) -> str:
    """The clerk sends a code; the applicant reads it from their phone (the demo outbox)."""
    services.counter_account_code_send(clerk=clerk, mobile=mobile)
    return latest_code()


def latest_code() -> str:
    message = DemoSms.objects.filter(template_code="SMS_TONGBAN_CODE").order_by("-created_at")
    return str(message.first().parameters["code"])  # type: ignore[union-attr]


def written() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Case.objects.count(),
        CounterIntake.objects.count(),
        DemoSms.objects.filter(template_code=COUNTER_TEXT).count(),
    )


def test_a_walk_in_without_an_account_gets_one_and_the_case_proceeds(
    sole_proprietor, clerk, walk_in
):
    case = start(
        sole_proprietor,
        clerk,
        walk_in.id_number,
        new_account=services.NewAccount(
            real_name="欧阳娜娜", mobile=MOBILE, code=code_for(clerk, MOBILE)
        ),
    )

    applicant = case.applicant_person
    assert applicant is not None
    assert (applicant.resident_id_number, applicant.mobile) == (walk_in.id_number, MOBILE)
    assert applicant.real_name_level == RealNameLevel.L3
    assert applicant.mobile_verified is True
    assert applicant.has_usable_password() is False
    assert (case.channel, case.trips_in_person) == (CaseChannel.COUNTER, 1)
    assert case.applicant_name == "欧阳娜娜"
    event = case.events.get(kind=CaseEventKind.COUNTER_INTAKE)
    assert (event.details["account_created"], event.details["account_message_sent"]) == (
        True,
        True,
    )
    assert DemoSms.objects.filter(template_code=COUNTER_TEXT).count() == 1
    assert services.counter_account_text_missed(case=case) is False


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
        new_account=services.NewAccount(real_name=str(applicant.real_name), mobile=MOBILE, code=""),
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
    account = {"create_account": "on", "real_name": "欧阳娜娜", "mobile": MOBILE}

    sent = client.post(
        reverse("cases:counter_start"),
        form(sole_proprietor, walk_in.id_number, action="send_code", **account),
    )
    assert sent.status_code == 200
    html = sent.content.decode()
    assert 'name="code"' in html
    assert "136****5678" in html
    assert MOBILE not in html.replace(f'value="{MOBILE}"', "")
    assert written() == (1, 0, 0, 0)  # the clerk only

    assert 'name="code_sent"' in html
    started = client.post(
        reverse("cases:counter_start"),
        form(sole_proprietor, walk_in.id_number, code=latest_code(), code_sent="1", **account),
    )

    case = Case.objects.get()
    assert started["Location"] == reverse("cases:counter_case", args=[case.pk])
    page = client.get(started["Location"]).content.decode()
    assert walk_in.id_number not in page
    # The proven number prefills the application's contact answer, as for any account whose
    # number is verified: only in that input, to correct it; never shown as text.
    assert page.count(MOBILE) == page.count(f'value="{MOBILE}"') <= 1
    assert case.applicant_person is not None
    assert case.applicant_person.real_name_level == RealNameLevel.L3
    assert case.applicant_person.mobile_verified is True
    assert "could not be sent" not in page


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
            **{
                "create_account": "on",
                "real_name": "欧阳娜娜",
                "mobile": MOBILE,
                "code": "123456",
                **extra,
            },
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
            new_account=services.NewAccount(real_name="王芳", mobile=MOBILE, code="123456"),
        )
    assert written() == before


@pytest.mark.parametrize(
    ("code", "shown", "stable"),
    [
        ("", ("Send a code to the applicant", "请向申请人手机号码发送验证码"), "code_required"),
        ("wrong", ("This code is not valid", "验证码无效"), "code_invalid"),
    ],
    ids=["no code", "wrong code"],
)
def test_without_the_right_code_the_page_refuses_and_writes_nothing(
    sole_proprietor, clerk, walk_in, code, shown, stable
):
    right = code_for(clerk)
    if code == "wrong":
        code = "000000" if right != "000000" else "111111"
    client = Client()
    client.force_login(clerk)
    before = written()

    response = client.post(
        reverse("cases:counter_start"),
        form(
            sole_proprietor,
            walk_in.id_number,
            create_account="on",
            real_name="欧阳娜娜",
            mobile=MOBILE,
            code=code,
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert any(text in html for text in shown)
    assert 'name="code"' in html
    assert 'value="send_code"' in html
    assert written() == before
    with pytest.raises(services_errors(stable)):
        start(
            sole_proprietor,
            clerk,
            walk_in.id_number,
            new_account=services.NewAccount(real_name="欧阳娜娜", mobile=MOBILE, code=code),
        )
    assert written() == before


def services_errors(stable: str) -> type[Exception]:
    from tongban.accounts.exceptions import CodeInvalid, CodeRequired

    return {"code_required": CodeRequired, "code_invalid": CodeInvalid}[stable]


def test_sending_a_code_to_a_number_of_another_account_is_refused_on_the_page(
    sole_proprietor, clerk, walk_in, other_citizen
):
    client = Client()
    client.force_login(clerk)

    response = client.post(
        reverse("cases:counter_start"),
        form(
            sole_proprietor,
            walk_in.id_number,
            action="send_code",
            create_account="on",
            real_name="欧阳娜娜",
            mobile=str(other_citizen.mobile),
        ),
    )

    assert response.status_code == 400
    assert "已被其他账号使用" in response.content.decode() or "Another account" in (
        response.content.decode()
    )
    assert not DemoSms.objects.exists()


def test_the_clerk_is_told_when_the_welcome_text_could_not_be_sent(
    sole_proprietor, clerk, walk_in, settings
):
    code = code_for(clerk)
    # The SMS channel goes down after the code went out: the welcome text is refused.
    settings.SMS_GATEWAY = "unavailable"
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
            code=code,
        ),
    )

    case = Case.objects.get()
    assert started.status_code == 302
    assert (
        case.events.get(kind=CaseEventKind.COUNTER_INTAKE).details["account_message_sent"] is False
    )
    assert services.counter_account_text_missed(case=case) is True
    page = client.get(started["Location"]).content.decode()
    assert any(text in page for text in ("could not be sent to the applicant", "未能发送给申请人"))
