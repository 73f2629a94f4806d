"""Sign-up asks for one proven identifier and a password, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from tongban.accounts.models import OneTimeCode, User
from tongban.accounts.tests.conftest import email_code, sms_code
from tongban.audit.models import AuditEvent
from tongban.notifications.models import DemoSms

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"
PASSWORD = "lantern-harbour-42"


def start(client: Client, identifier: str = MOBILE, **extra: str):
    return client.post("/accounts/signup/", {"identifier": identifier, **extra})


def finish(client: Client, code: str, password: str = PASSWORD):
    return client.post("/accounts/signup/code/", {"code": code, "password": password})


def test_a_mobile_number_and_a_password_open_an_account(client: Client):
    response = start(client, "+86 139 1234 5678")
    assert response.status_code == 302
    assert DemoSms.objects.get().template_code == "SMS_TONGBAN_CODE"

    response = finish(client, sms_code())

    assert response.status_code == 302
    user = User.objects.get()
    assert (user.mobile, user.mobile_verified, user.real_name_level) == (MOBILE, True, 1)
    assert user.real_name == ""
    assert user.resident_id_number == ""
    assert user.email == ""
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(kind="created", actor_id=user.pk).exists()
    home = client.get("/accounts/me/").content.decode()
    assert "139****5678" in home
    assert MOBILE not in home


def test_an_email_address_works_as_well(client: Client):
    start(client, "Lin@Example.CN")

    finish(client, email_code())

    user = User.objects.get()
    assert user.email == "Lin@example.cn"
    assert EmailAddress.objects.get(user=user).verified


def test_every_optional_field_says_why_it_is_asked(client: Client):
    html = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "My area (optional)" in html
    assert "Only used to send you emergency alerts and news for your area." in html


@pytest.mark.parametrize("identifier", ["12345", "1381234567", "not-an-email@", ""])
def test_a_malformed_identifier_is_refused_and_nothing_is_sent(client: Client, identifier):
    response = start(client, identifier)

    assert response.status_code == 200
    assert DemoSms.objects.count() == 0
    assert OneTimeCode.objects.count() == 0


def test_a_wrong_code_creates_nothing(client: Client):
    start(client)
    wrong = "000000" if sms_code() != "000000" else "111111"

    response = finish(client, wrong)

    assert response.status_code == 200
    assert "not valid" in response.content.decode() or "无效" in response.content.decode()
    assert User.objects.count() == 0


def test_an_expired_code_creates_nothing(client: Client):
    start(client)
    OneTimeCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    finish(client, sms_code())

    assert User.objects.count() == 0


def test_a_used_code_cannot_open_a_second_account(client: Client):
    start(client)
    code = sms_code()
    finish(client, code)
    other = Client()
    other.post("/accounts/signup/", {"identifier": MOBILE})
    DemoSms.objects.all().delete()
    OneTimeCode.objects.filter(used_at=None).delete()  # only the spent code is left

    response = finish(other, code)

    assert response.status_code == 200
    assert User.objects.count() == 1


def test_guessing_spends_the_code_after_five_wrong_tries(client: Client):
    start(client)
    code = sms_code()
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != code][:5]
    for guess in wrong[:5]:
        cache_clear_between_guesses()
        finish(client, guess)

    cache_clear_between_guesses()
    response = finish(client, code)

    assert response.status_code == 200
    assert User.objects.count() == 0


def cache_clear_between_guesses() -> None:
    # The per-address delays are tested on their own; here only the code's own limit counts.
    from django.core.cache import cache

    cache.clear()


def test_quick_guesses_are_slowed_down_with_growing_delays(client: Client):
    start(client)
    responses = [finish(client, "000001").status_code for _ in range(7)]

    assert 429 in responses
    assert User.objects.count() == 0


def test_many_sign_ups_from_one_address_are_slowed_down(client: Client):
    statuses = [start(client, f"1391234{n:04d}").status_code for n in range(6)]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert DemoSms.objects.count() == 5


def test_the_first_step_does_not_reveal_an_existing_account(client: Client, citizen):
    response = start(client, citizen.mobile)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/code/"


def test_completing_a_sign_up_for_an_existing_account_creates_nothing(client: Client, citizen):
    start(client, citizen.mobile)

    response = finish(client, sms_code())

    assert response.status_code == 200
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_and_the_code_still_works(client: Client):
    start(client)
    code = sms_code()

    response = finish(client, code, password="12345678")

    assert response.status_code == 200
    assert User.objects.count() == 0
    finish(client, code)
    assert User.objects.count() == 1


def test_the_code_is_never_stored_in_plain_text(client: Client):
    start(client, "lin@example.cn")
    code = email_code()

    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash
    assert "lin" not in stored.identifier_index
    assert len(mail.outbox) == 1
