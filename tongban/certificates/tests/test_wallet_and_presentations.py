"""The wallet (电子证照夹), downloads, and showing a certificate by a time-limited QR (亮证)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.utils import timezone

from tongban.audit.models import AuditEvent
from tongban.certificates.models import Presentation, PresentationCheck


def test_the_wallet_lists_my_certificates(client, citizen, licence):
    client.force_login(citizen)

    page = client.get("/certificates/").content.decode()

    assert "营业执照" in page
    assert f"/certificates/{licence.pk}/" in page


def test_another_citizen_sees_none_of_my_certificates(client, other_citizen, licence):
    client.force_login(other_citizen)

    assert f"/certificates/{licence.pk}/" not in client.get("/certificates/").content.decode()
    assert client.get(f"/certificates/{licence.pk}/").status_code == 404
    assert client.get(f"/certificates/{licence.pk}/pdf/").status_code == 404
    assert client.post(f"/certificates/{licence.pk}/present/").status_code == 404
    assert client.get(f"/api/v1/certificates/{licence.pk}").status_code == 404
    assert client.get("/api/v1/certificates").json() == []
    assert not Presentation.objects.exists()


def test_the_wallet_needs_sign_in(client, licence):
    assert client.get("/certificates/").status_code == 302
    assert client.get("/api/v1/certificates").status_code == 401


def test_the_api_lists_and_shows_my_certificates(client, citizen, licence):
    client.force_login(citizen)

    listed = client.get("/api/v1/certificates").json()
    shown = client.get(f"/api/v1/certificates/{licence.pk}").json()

    assert [item["number"] for item in listed] == [licence.number]
    assert shown["credential"] == licence.credential
    assert shown["claims"]["credentialSubject"]["name"] == "海川市临江区林𠇔小吃店"


def test_i_can_download_the_pdf(client, citizen, licence):
    client.force_login(citizen)

    response = client.get(f"/certificates/{licence.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_presentation_verifies_and_the_holder_sees_who_checked_it(
    client, citizen, licence, clerk
):
    client.force_login(citizen)
    response = client.post(f"/certificates/{licence.pk}/present/")
    presentation = Presentation.objects.get()
    assert response.status_code == 302
    assert (presentation.expires_at - timezone.now()) <= dt.timedelta(seconds=300)

    client.force_login(clerk)
    body = client.post(
        "/api/v1/certificates/verify",
        {"token": presentation.token},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.77",
    ).json()

    assert body["kind"] == "presentation"
    assert body["valid"] is True
    check = PresentationCheck.objects.get()
    assert check.verifier_user == clerk
    assert check.network == "203.0.113.0/24"
    assert AuditEvent.objects.filter(
        kind="personal_data_read", object_id=str(presentation.pk), actor_id=clerk.pk
    ).exists()
    client.force_login(citizen)
    page = client.get(f"/certificates/{licence.pk}/").content.decode()
    assert check.verifier_label in page


def test_the_presentation_page_shows_a_qr_that_opens_the_verification_page(
    client, citizen, licence
):
    client.force_login(citizen)
    page = client.post(f"/certificates/{licence.pk}/present/", follow=True).content.decode()

    assert 'src="data:image/svg+xml' in page
    presentation = Presentation.objects.get()
    assert urlsplit(f"http://x/certificates/verify/?t={presentation.token}").path in page


def test_an_expired_presentation_is_rejected_and_not_logged(client, citizen, licence):
    from tongban.certificates import services

    presentation = services.presentation_create(certificate=licence, actor=citizen)
    Presentation.objects.filter(pk=presentation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    from tongban.certificates.services.publication import token_sign

    token = token_sign(
        key=licence.issuer_key,
        payload={
            "pid": presentation.pk.hex,
            "cid": licence.pk.hex,
            "iss": "HC-SCJG",
            "exp": int((timezone.now() - dt.timedelta(seconds=1)).timestamp()),
        },
        typ="certificate-presentation+jwt",
    )

    response = client.post(
        "/api/v1/certificates/verify", {"token": token}, content_type="application/json"
    )

    assert response.json()["code"] == "presentation_expired"
    assert not PresentationCheck.objects.exists()


def test_a_presentation_of_a_revoked_certificate_cannot_be_started_from_the_page(
    client, citizen, licence, approver
):
    from tongban.certificates import services

    services.certificate_revoke(certificate=licence, actor=approver, reason="吊销")
    client.force_login(citizen)

    page = client.get(f"/certificates/{licence.pk}/").content.decode()

    assert f"/certificates/{licence.pk}/present/" not in page
