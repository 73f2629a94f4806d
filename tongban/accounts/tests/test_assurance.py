"""require_assurance takes the person through what is missing and back to where they were."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.tests.conftest import sms_code

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tongban.accounts.tests.assurance_urls")]


def _next(response) -> tuple[str, str]:
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query)["next"][0]


@pytest.fixture
def verified(citizen):
    citizen.real_name_level = RealNameLevel.L2
    citizen.mobile_verified = True
    citizen.save()
    return citizen


def test_someone_not_signed_in_goes_to_sign_in_and_back(client: Client):
    response = client.get("/test/pension/?step=2")

    assert _next(response) == ("/accounts/login/", "/test/pension/?step=2")


def test_an_account_below_the_level_goes_to_real_name_verification(client: Client, citizen):
    client.force_login(citizen)

    response = client.get("/test/pension/")

    assert _next(response) == ("/accounts/real-name/", "/test/pension/")


def test_a_password_only_session_steps_up_with_a_code_and_comes_back(client: Client, verified):
    client.force_login(verified)
    response = client.get("/test/pension/")
    path, back = _next(response)
    assert path == "/accounts/step-up/"

    client.post(response["Location"], {"action": "send", "next": back})
    response = client.post(
        response["Location"], {"action": "verify", "code": sms_code(), "next": back}
    )

    assert response["Location"] == "/test/pension/"
    assert client.get("/test/pension/").content == b"pension form"


def test_a_wrong_step_up_code_changes_nothing(client: Client, verified):
    client.force_login(verified)
    location = client.get("/test/pension/")["Location"]
    client.post(location, {"action": "send"})

    response = client.post(location, {"action": "verify", "code": "abcdef"})

    assert response.status_code == 200
    assert client.get("/test/pension/").status_code == 302


def test_a_passkey_page_asks_for_a_passkey(client: Client, citizen):
    client.force_login(citizen)

    response = client.get(client.get("/test/passkey/")["Location"])

    assert response.status_code == 200
    assert "/accounts/2fa/webauthn/add/" in response.content.decode()


def test_next_never_leaves_the_site(client: Client, verified):
    client.force_login(verified)
    client.post("/accounts/step-up/?next=https://evil.example/", {"action": "send"})

    response = client.post(
        "/accounts/step-up/?next=https://evil.example/",
        {"action": "verify", "code": sms_code(), "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"
