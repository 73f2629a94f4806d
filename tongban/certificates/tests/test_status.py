"""Revocation and suspension by the right staff, published as Bitstring Status Lists."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from tongban.audit.models import AuditEvent
from tongban.certificates import services
from tongban.certificates.constants import STATUS_LIST_LENGTH
from tongban.certificates.exceptions import StatusChangeNotAllowed
from tongban.core.exceptions import InvalidInput, PermissionDenied


def _verify(client, token):
    return client.post(
        "/api/v1/certificates/verify", {"token": token}, content_type="application/json"
    ).json()


def _status_bit(client, certificate, purpose: str) -> int:
    token = client.get(
        f"/certificates/status/HC-SCJG/{purpose}/{certificate.status_list_number}"
    ).content.decode()
    payload = token.split(".")[1]
    credential = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    encoded = credential["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == STATUS_LIST_LENGTH
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["credentialSubject"]["statusPurpose"] == purpose
    index = certificate.status_list_index
    return int((bits[index // 8] >> (7 - index % 8)) & 1)


def test_a_revoked_credential_verifies_as_revoked(client, licence, approver):
    services.certificate_revoke(certificate=licence, actor=approver, reason="依法吊销营业执照")

    body = _verify(client, licence.qr_token)
    assert body["valid"] is False
    assert body["status"] == "revoked"
    assert _status_bit(client, licence, "revocation") == 1
    assert _status_bit(client, licence, "suspension") == 0


def test_a_suspended_credential_verifies_as_suspended_and_valid_again_when_lifted(
    client, licence, approver
):
    services.certificate_suspend(certificate=licence, actor=approver, reason="核查经营场所")
    assert _verify(client, licence.qr_token)["status"] == "suspended"
    assert _status_bit(client, licence, "suspension") == 1

    services.certificate_reinstate(certificate=licence, actor=approver, reason="核查完毕")

    assert _verify(client, licence.qr_token)["status"] == "valid"
    assert _status_bit(client, licence, "suspension") == 0


def test_a_status_change_is_audited_with_its_reason(licence, approver):
    services.certificate_suspend(certificate=licence, actor=approver, reason="核查经营场所")

    event = AuditEvent.objects.get(kind="status_changed", object_id=str(licence.pk))
    assert event.actor_id == approver.pk
    assert event.summary == {"from": "valid", "to": "suspended", "reason": "核查经营场所"}


def test_a_window_clerk_cannot_revoke_and_nothing_changes(licence, clerk):
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=licence, actor=clerk, reason="x")

    licence.refresh_from_db()
    assert licence.status == "valid"
    assert not AuditEvent.objects.filter(kind="status_changed").exists()


def test_an_approver_of_another_department_cannot_revoke(licence, civil_approver):
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=licence, actor=civil_approver, reason="x")

    licence.refresh_from_db()
    assert licence.status == "valid"


def test_a_reason_is_required(licence, approver):
    with pytest.raises(InvalidInput):
        services.certificate_revoke(certificate=licence, actor=approver, reason="  ")

    licence.refresh_from_db()
    assert licence.status == "valid"


def test_a_revoked_certificate_cannot_be_reinstated(licence, approver):
    services.certificate_revoke(certificate=licence, actor=approver, reason="吊销")

    with pytest.raises(StatusChangeNotAllowed):
        services.certificate_reinstate(certificate=licence, actor=approver, reason="撤回")

    licence.refresh_from_db()
    assert licence.status == "revoked"


def test_staff_revoke_through_the_api(client, licence, approver):
    client.force_login(approver)

    response = client.post(
        f"/api/v1/certificates/{licence.pk}/revoke",
        {"reason": "依法吊销"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"


def test_staff_of_another_department_get_not_found_from_the_api(client, licence, civil_approver):
    client.force_login(civil_approver)

    response = client.post(
        f"/api/v1/certificates/{licence.pk}/suspend",
        {"reason": "x"},
        content_type="application/json",
    )

    assert response.status_code == 404
    licence.refresh_from_db()
    assert licence.status == "valid"


def test_the_status_list_is_cached_for_at_most_a_minute(client, licence):
    response = client.get(f"/certificates/status/HC-SCJG/revocation/{licence.status_list_number}")

    assert response["Content-Type"] == "application/vc+jwt"
    assert "max-age=60" in response["Cache-Control"]


def test_an_unknown_status_list_answers_not_found(client, licence):
    assert client.get("/certificates/status/HC-SCJG/other/1").status_code == 404
    assert client.get("/certificates/status/NOPE/revocation/1").status_code == 404
