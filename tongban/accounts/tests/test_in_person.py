"""An account opened at a counter for a walk-in citizen who never registered: L3 at once (the
card was checked in person), the mobile number proven by a code the person reads out at the
counter, no usable password, a text telling the person how to set one; one person, one account;
bad input, a wrong or missing code changes nothing."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client

from tongban.accounts.constants import CodePurpose, RealNameLevel
from tongban.accounts.exceptions import (
    CodeInvalid,
    CodeRequired,
    MobileInvalid,
    MobileTaken,
    RealNameNotVerified,
    ResidentDeceased,
)
from tongban.accounts.factories import UserFactory
from tongban.accounts.identifiers import identifier_parse
from tongban.accounts.models import OneTimeCode, User
from tongban.accounts.services import account_code_send_in_person, account_create_in_person
from tongban.accounts.tests.conftest import sms_code
from tongban.audit.models import AuditEvent
from tongban.core.exceptions import InvalidInput, InvalidResidentIdNumber, PermissionDenied
from tongban.notifications.models import DemoSms
from tongban.registries.factories import DemoResidentFactory

pytestmark = pytest.mark.django_db

MOBILE = "13712345678"
PASSWORD = "lantern-harbour-42"


@pytest.fixture
def walk_in():
    return DemoResidentFactory.create(name="陈堃")


COUNTER_TEXT = "SMS_TONGBAN_COUNTER_ACCOUNT"


def code_sent_to(clerk, mobile: str = MOBILE) -> str:
    """The clerk sends a code; the person reads it from their phone (the demo outbox)."""
    account_code_send_in_person(clerk=clerk, mobile=mobile)
    return sms_code()


def open_for(clerk, resident, *, code: str | None = None, **overrides):
    values = {"real_name": resident.name, "id_number": resident.id_number, "mobile": MOBILE}
    values.update(overrides)
    if code is None:
        code = code_sent_to(clerk, values["mobile"])
    return account_create_in_person(clerk=clerk, ip_address="203.0.113.9", code=code, **values)


def nothing_written(before_users: int) -> bool:
    return (
        User.objects.count() == before_users
        and not DemoSms.objects.filter(template_code=COUNTER_TEXT).exists()
        and not AuditEvent.objects.filter(object_type="accounts.user", kind="created").exists()
    )


def test_a_clerk_opens_an_l3_account_without_a_password_and_the_person_gets_a_text(
    clerk, walk_in, caplog
):
    caplog.set_level(logging.DEBUG)

    opened = open_for(clerk, walk_in, mobile="+86 137 1234 5678")

    user = opened.user
    user.refresh_from_db()
    assert (opened.created, opened.message_sent) == (True, True)
    assert (user.real_name, user.resident_id_number, user.mobile) == (
        "陈堃",
        walk_in.id_number,
        MOBILE,
    )
    assert user.real_name_level == RealNameLevel.L3
    # The person read out the code sent to the number: it is proven theirs.
    assert user.mobile_verified is True
    assert user.has_usable_password() is False
    assert [sms.mobile for sms in DemoSms.objects.filter(template_code="SMS_TONGBAN_CODE")] == [
        MOBILE
    ]
    sms = DemoSms.objects.get(template_code=COUNTER_TEXT)
    assert sms.mobile == MOBILE
    assert sms.parameters["link"].endswith("/accounts/signup/")
    created = AuditEvent.objects.get(object_type="accounts.user", kind="created")
    assert (created.actor_id, created.subject_id) == (clerk.pk, user.pk)
    assert created.summary["verified"] == "in_person"
    logged = caplog.text
    assert walk_in.id_number not in logged
    assert MOBILE not in logged
    assert "陈堃" not in logged


def test_the_person_sets_a_password_by_signing_up_with_the_number(clerk, walk_in):
    user = open_for(clerk, walk_in).user
    before = User.objects.count()
    client = Client()

    client.post("/accounts/signup/", {"identifier": MOBILE})
    finished = client.post("/accounts/signup/code/", {"code": sms_code(), "password": PASSWORD})

    assert finished.status_code == 302
    assert User.objects.count() == before
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.mobile_verified is True
    assert user.real_name_level == RealNameLevel.L3


def test_an_id_number_with_an_account_returns_that_account_and_creates_none(clerk, walk_in):
    holder = UserFactory.create(
        real_name="陈堃", resident_id_number=walk_in.id_number, real_name_level=RealNameLevel.L2
    )
    before = User.objects.count()

    # The number is not used: the account found is returned without asking for a code.
    opened = open_for(clerk, walk_in, mobile="13700000001", code="")

    assert (opened.user.pk, opened.created, opened.message_sent) == (holder.pk, False, False)
    assert User.objects.count() == before
    assert not DemoSms.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "error", "code", "field"),
    [
        ({"id_number": "checksum"}, InvalidResidentIdNumber, "id_number_checksum", "id_number"),
        ({"real_name": "陈一"}, RealNameNotVerified, "real_name_not_verified", None),
        ({"real_name": "  "}, InvalidInput, "real_name_invalid", "real_name"),
        ({"mobile": "12345"}, MobileInvalid, "mobile_invalid", "mobile"),
        ({"mobile": "chen@example.cn"}, MobileInvalid, "mobile_invalid", "mobile"),
    ],
    ids=["bad checksum", "name mismatch", "no name", "short mobile", "e-mail not mobile"],
)
def test_bad_input_is_refused_with_a_stable_code_and_nothing_is_written(
    clerk, walk_in, overrides, error, code, field
):
    if overrides.get("id_number") == "checksum":
        last = walk_in.id_number[-1]
        overrides["id_number"] = walk_in.id_number[:17] + ("1" if last != "1" else "2")
    before = User.objects.count()

    with pytest.raises(error) as raised:
        open_for(clerk, walk_in, code="123456", **overrides)

    if field is None:
        assert raised.value.code == code
        assert raised.value.translated_message()
    else:
        assert raised.value.errors[field][0].code == code
        assert str(raised.value.errors[field][0].message)
    assert nothing_written(before)


def test_a_deceased_person_gets_no_account(clerk):
    deceased = DemoResidentFactory.create(name="王芳", deceased_on=dt.date(2024, 1, 2))
    before = User.objects.count()

    with pytest.raises(ResidentDeceased) as raised:
        open_for(clerk, deceased, code="123456")

    assert raised.value.code == "resident_deceased"
    assert nothing_written(before)


def test_a_mobile_number_of_another_account_is_refused(clerk, walk_in):
    UserFactory.create(mobile=MOBILE)
    before = User.objects.count()

    with pytest.raises(MobileTaken) as raised:
        open_for(clerk, walk_in, code="123456")

    assert raised.value.code == "mobile_taken"
    assert raised.value.errors["mobile"][0].code == "mobile_taken"
    assert nothing_written(before)


def test_the_registry_read_is_logged_even_when_the_name_does_not_match(clerk, walk_in):
    with pytest.raises(RealNameNotVerified):
        open_for(clerk, walk_in, real_name="陈一", code="123456")

    assert AuditEvent.objects.filter(
        actor_id=clerk.pk, object_type__startswith="registries.population"
    ).exists()


def test_only_a_clerk_opens_accounts(supervisor, walk_in):
    before = User.objects.count()

    with pytest.raises(PermissionDenied):
        open_for(supervisor, walk_in, code="123456")

    assert nothing_written(before)


# --- the mobile number proven at the counter ----------------------------------------------


def test_without_a_code_no_account_is_opened(clerk, walk_in):
    before = User.objects.count()

    with pytest.raises(CodeRequired) as raised:
        open_for(clerk, walk_in, code=" ")

    assert raised.value.errors["code"][0].code == "code_required"
    assert str(raised.value.errors["code"][0].message)
    assert nothing_written(before)


def test_a_wrong_code_is_refused_and_the_right_one_still_works(clerk, walk_in):
    right = code_sent_to(clerk)
    wrong = "000000" if right != "000000" else "111111"
    before = User.objects.count()

    with pytest.raises(CodeInvalid) as raised:
        open_for(clerk, walk_in, code=wrong)

    assert raised.value.code == "code_invalid"
    assert raised.value.errors["code"][0].code == "code_invalid"
    assert nothing_written(before)
    assert open_for(clerk, walk_in, code=right).created


def test_a_mistyped_number_cannot_be_used_with_the_code_sent_to_another(clerk, walk_in):
    # The code went to the number the person holds; the clerk then typed another one.
    code = code_sent_to(clerk, MOBILE)
    before = User.objects.count()

    with pytest.raises(CodeInvalid):
        open_for(clerk, walk_in, mobile="13700000009", code=code)

    assert nothing_written(before)


def test_an_expired_code_is_refused(clerk, walk_in):
    code = code_sent_to(clerk)
    OneTimeCode.objects.filter(purpose=CodePurpose.COUNTER_ACCOUNT).update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    before = User.objects.count()

    with pytest.raises(CodeInvalid):
        open_for(clerk, walk_in, code=code)

    assert nothing_written(before)


def test_a_sign_up_code_does_not_open_a_counter_account(clerk, walk_in):
    Client().post("/accounts/signup/", {"identifier": MOBILE})
    before = User.objects.count()

    with pytest.raises(CodeInvalid):
        open_for(clerk, walk_in, code=sms_code())

    assert nothing_written(before)


@pytest.mark.parametrize(
    ("mobile", "error", "code"),
    [("12345", MobileInvalid, "mobile_invalid"), ("taken", MobileTaken, "mobile_taken")],
    ids=["short mobile", "mobile of another account"],
)
def test_no_code_goes_to_a_number_the_account_cannot_use(clerk, mobile, error, code):
    if mobile == "taken":
        UserFactory.create(mobile=MOBILE)
        mobile = MOBILE

    with pytest.raises(error) as raised:
        account_code_send_in_person(clerk=clerk, mobile=mobile)

    assert raised.value.errors["mobile"][0].code == code
    assert not DemoSms.objects.exists()


def test_only_a_clerk_sends_counter_codes(supervisor):
    with pytest.raises(PermissionDenied):
        account_code_send_in_person(clerk=supervisor, mobile=MOBILE)

    assert not DemoSms.objects.exists()


def test_resending_is_slowed_down_after_a_few_texts(clerk):
    from tongban.core.ratelimit import TooManyAttempts

    for _ in range(3):
        account_code_send_in_person(clerk=clerk, mobile=MOBILE)
    with pytest.raises(TooManyAttempts):
        account_code_send_in_person(clerk=clerk, mobile=MOBILE)

    assert DemoSms.objects.count() == 3


def test_a_refused_welcome_text_keeps_the_account_and_says_so(clerk, walk_in, monkeypatch):
    from tongban.accounts.services import in_person
    from tongban.notifications.exceptions import MessageNotSent

    code = code_sent_to(clerk)

    def refuse(**_: object) -> None:
        raise MessageNotSent()

    monkeypatch.setattr(in_person, "address_message_send", refuse)
    opened = open_for(clerk, walk_in, code=code)

    assert (opened.created, opened.message_sent) == (True, False)
    assert not DemoSms.objects.filter(template_code=COUNTER_TEXT).exists()


def test_an_account_whose_number_was_never_proven_is_not_handed_over_by_sign_up(walk_in):
    # Opened before numbers were proven at the counter: the holder of the number may not be
    # the person, so a sign-up code alone does not give them the account.
    from tongban.accounts.exceptions import AccountExists
    from tongban.accounts.services import signup_complete

    unproven = UserFactory.create(
        mobile=MOBILE,
        mobile_verified=False,
        real_name="陈堃",
        resident_id_number=walk_in.id_number,
        real_name_level=RealNameLevel.L3,
    )
    unproven.set_unusable_password()
    unproven.save()
    identifier = identifier_parse(MOBILE)
    assert identifier is not None
    Client().post("/accounts/signup/", {"identifier": MOBILE})

    with pytest.raises(AccountExists):
        signup_complete(identifier=identifier, code=sms_code(), password=PASSWORD)

    unproven.refresh_from_db()
    assert unproven.has_usable_password() is False
