"""An account opened at a counter for a walk-in citizen who never registered: L3 at once (the
card was checked in person), no usable password, a text telling the person how to set one;
one person, one account; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.exceptions import (
    MobileInvalid,
    MobileTaken,
    RealNameNotVerified,
    ResidentDeceased,
)
from tongban.accounts.factories import UserFactory
from tongban.accounts.models import User
from tongban.accounts.services import account_create_in_person
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


def open_for(clerk, resident, **overrides):
    values = {"real_name": resident.name, "id_number": resident.id_number, "mobile": MOBILE}
    values.update(overrides)
    return account_create_in_person(clerk=clerk, ip_address="203.0.113.9", **values)


def nothing_written(before_users: int) -> bool:
    return (
        User.objects.count() == before_users
        and not DemoSms.objects.exists()
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
    assert user.mobile_verified is False
    assert user.has_usable_password() is False
    sms = DemoSms.objects.get()
    assert sms.template_code == "SMS_TONGBAN_COUNTER_ACCOUNT"
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

    opened = open_for(clerk, walk_in, mobile="13700000001")

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
        open_for(clerk, walk_in, **overrides)

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
        open_for(clerk, deceased)

    assert raised.value.code == "resident_deceased"
    assert nothing_written(before)


def test_a_mobile_number_of_another_account_is_refused(clerk, walk_in):
    UserFactory.create(mobile=MOBILE)
    before = User.objects.count()

    with pytest.raises(MobileTaken) as raised:
        open_for(clerk, walk_in)

    assert raised.value.code == "mobile_taken"
    assert raised.value.errors["mobile"][0].code == "mobile_taken"
    assert nothing_written(before)


def test_the_registry_read_is_logged_even_when_the_name_does_not_match(clerk, walk_in):
    with pytest.raises(RealNameNotVerified):
        open_for(clerk, walk_in, real_name="陈一")

    assert AuditEvent.objects.filter(
        actor_id=clerk.pk, object_type__startswith="registries.population"
    ).exists()


def test_only_a_clerk_opens_accounts(supervisor, walk_in):
    before = User.objects.count()

    with pytest.raises(PermissionDenied):
        open_for(supervisor, walk_in)

    assert nothing_written(before)
