"""Signing in: password and a code, or a passkey alone; staff need TOTP or a passkey;
idle sessions end; growing delays; nothing tells whether an account exists."""

from __future__ import annotations

import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from tongban.accounts.constants import SESSION_LAST_ACTIVITY
from tongban.accounts.factories import TEST_PASSWORD
from tongban.accounts.tests.conftest import email_code, sms_code
from tongban.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def sign_in(client: Client, login: str, password: str = TEST_PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password}, **extra)


def test_a_password_is_followed_by_a_code_sent_by_sms(client: Client, citizen):
    citizen.mobile_verified = True
    citizen.email = ""
    citizen.save()

    response = sign_in(client, citizen.mobile)

    assert response["Location"] == "/accounts/login/code/confirm/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/login/code/confirm/", {"code": sms_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)
    me = client.get("/api/v1/me").json()
    assert me["authentication_strength"] == "two_factor"
    assert AuditEvent.objects.filter(kind="signed_in", actor_id=citizen.pk).exists()


def test_a_wrong_password_and_an_unknown_account_read_the_same(client: Client, citizen):
    wrong = sign_in(client, citizen.mobile, "not the password", HTTP_ACCEPT_LANGUAGE="en")
    unknown = sign_in(client, "13700000000", "not the password", HTTP_ACCEPT_LANGUAGE="en")

    def errors(response) -> list[str]:
        return [str(e) for e in response.context["form"].non_field_errors()]

    assert errors(wrong) == errors(unknown)
    assert errors(wrong)


def test_failed_logins_grow_delays_instead_of_locking_the_account(client: Client, citizen):
    statuses = [sign_in(client, citizen.mobile, "wrong").status_code for _ in range(7)]

    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    assert "_auth_user_id" not in client.session


def test_staff_with_totp_are_asked_for_it_instead_of_a_code(client: Client, clerk):
    secret = pyotp.random_base32()
    TOTP.activate(clerk, secret)

    response = sign_in(client, clerk.email)

    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_staff_without_a_second_factor_can_only_set_one_up(client: Client, clerk):
    sign_in(client, clerk.email)
    client.post("/accounts/login/code/confirm/", {"code": email_code()})

    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=clerk).exists()


def _signed_in_session(client: Client, user) -> None:
    client.force_login(user)
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time()
    session.save()


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - seconds
    session.save()


def test_a_staff_session_ends_after_thirty_idle_minutes(client: Client, clerk):
    _signed_in_session(client, clerk)
    _idle_for(client, 31 * 60)

    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_citizen_session_lasts_two_idle_hours(client: Client, citizen):
    _signed_in_session(client, citizen)
    _idle_for(client, 31 * 60)
    assert client.get("/accounts/me/").status_code == 200

    _idle_for(client, 121 * 60)
    assert client.get("/accounts/me/").status_code == 302


def test_the_page_warns_before_the_session_ends_and_lets_the_person_stay(client: Client, citizen):
    _signed_in_session(client, citizen)
    _idle_for(client, 100 * 60)

    html = client.get("/accounts/me/").content.decode()
    assert 'data-idle-seconds="7200"' in html
    assert 'role="alertdialog"' in html
    assert client.post("/accounts/session/keep-alive/").status_code == 200
    assert time.time() - client.session[SESSION_LAST_ACTIVITY] < 60
