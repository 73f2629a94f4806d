"""Public verification: genuine certificates report their status; forgeries are rejected."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import override_settings

from tongban.certificates.tests.conftest import issue_licence


def _verify(client, **body):
    return client.post("/api/v1/certificates/verify", body, content_type="application/json")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload), signature


def test_a_valid_credential_verifies_without_signing_in(client, licence):
    response = _verify(client, credential=licence.credential)

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["status"] == "valid"
    assert body["kind"] == "credential"
    assert body["certificate"]["number"] == licence.number


def test_a_printed_qr_token_verifies_and_carries_no_personal_data(client, licence):
    header, payload, _signature = _parts(licence.qr_token)

    assert set(payload) == {"cid", "iss"}  # long-term: no expiry to carry
    assert header["typ"] == "certificate-qr+jwt"
    assert _verify(client, token=licence.qr_token).json()["kind"] == "qr"


def test_a_tampered_credential_is_rejected_as_a_bad_signature(client, licence):
    header, payload, signature = licence.credential.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["name"] = "别人的公司"
    forged = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"

    response = _verify(client, credential=forged)

    assert response.status_code == 400
    assert response.json()["code"] == "signature_invalid"


@pytest.mark.parametrize("cut", [1, 10, 200])
def test_a_truncated_token_is_rejected(client, licence, cut):
    response = _verify(client, credential=licence.credential[:-cut])

    assert response.status_code == 400
    assert response.json()["code"] in {"signature_invalid", "token_malformed"}


@pytest.mark.parametrize("text", ["", "abc", "a.b", "a.b.c.d", "....", "e30.e30.", "!!.??.##"])
def test_garbage_is_rejected_with_a_clear_reason(client, text):
    response = _verify(client, token=text)

    assert response.status_code == 400
    assert response.json()["code"] in {"token_malformed", "invalid_input", "algorithm_not_allowed"}
    assert response.json()["message"]


def test_an_unknown_key_is_rejected(client, licence):
    header, _payload, signature = _parts(licence.credential)
    header["kid"] = "HC-SCJG-unknown"
    _h, raw_payload, _s = licence.credential.split(".")
    forged = f"{_b64(json.dumps(header).encode())}.{raw_payload}.{signature}"

    assert _verify(client, credential=forged).json()["code"] == "key_unknown"


def test_alg_none_is_rejected(client, licence):
    header, _payload, _signature = _parts(licence.credential)
    _h, raw_payload, _s = licence.credential.split(".")
    forged = f"{_b64(json.dumps({**header, 'alg': 'none'}).encode())}.{raw_payload}."

    response = _verify(client, credential=forged)

    assert response.status_code == 400
    assert response.json()["code"] in {"algorithm_not_allowed", "token_malformed"}


def test_hs256_keyed_with_the_public_key_is_rejected(client, licence):
    header, _payload, _signature = _parts(licence.credential)
    _h, raw_payload, _s = licence.credential.split(".")
    public_key = json.dumps(licence.issuer_key.public_jwk).encode()
    signing_input = f"{_b64(json.dumps({**header, 'alg': 'HS256'}).encode())}.{raw_payload}"
    mac = hmac.new(public_key, signing_input.encode(), hashlib.sha256).digest()

    response = _verify(client, credential=f"{signing_input}.{_b64(mac)}")

    assert response.status_code == 400
    assert response.json()["code"] == "algorithm_not_allowed"


def test_a_token_signed_by_the_right_key_but_claiming_another_issuer_is_rejected(
    client, licence, civil_issuer
):
    from tongban.certificates.services.publication import token_sign

    token = token_sign(
        key=civil_issuer.keys.get(active=True),
        payload={"cid": licence.pk.hex, "iss": "HC-SCJG"},
        typ="certificate-qr+jwt",
    )

    assert _verify(client, token=token).json()["code"] == "issuer_mismatch"


def test_a_qr_of_a_certificate_that_was_never_issued_is_rejected(client, licence):
    from tongban.certificates.services.publication import token_sign

    token = token_sign(
        key=licence.issuer_key,
        payload={"cid": "0" * 32, "iss": "HC-SCJG"},
        typ="certificate-qr+jwt",
    )

    assert _verify(client, token=token).json()["code"] == "certificate_unknown"


def test_an_expired_certificate_verifies_as_expired(client, market_issuer, citizen):
    certificate = issue_licence(
        market_issuer, citizen, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1)
    )

    body = _verify(client, token=certificate.qr_token).json()

    assert body["valid"] is False
    assert body["status"] == "expired"


def test_both_credential_and_token_at_once_is_refused(client, licence):
    response = _verify(client, credential=licence.credential, token=licence.qr_token)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@override_settings(CERTIFICATE_VERIFY_RATE_LIMIT=2)
def test_verification_is_rate_limited_per_client(client, licence):
    statuses = [_verify(client, token=licence.qr_token).status_code for _ in range(4)]

    assert statuses[:2] == [200, 200]
    assert statuses[-1] == 429


def test_the_verification_page_opened_from_a_qr_shows_validity_and_a_masked_holder(
    client, pension_record, citizen
):
    page = client.get(f"/certificates/verify/?t={pension_record.qr_token}").content.decode()

    assert "有效" in page
    assert pension_record.number in page
    assert "林*" in page
    assert citizen.real_name not in page
    assert citizen.resident_id_number not in page


def test_the_verification_page_explains_a_rejection(client, licence):
    page = client.post("/certificates/verify/", {"credential": licence.credential[:-5]})

    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()
