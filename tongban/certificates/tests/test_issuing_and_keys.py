"""Issuing signed credentials, checked by an independent JOSE library with only the JWKS."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from jwcrypto import jwk, jws

from tongban.certificates import services
from tongban.certificates.constants import BUSINESS_LICENCE, HolderKind
from tongban.certificates.exceptions import CertificateDataInvalid
from tongban.certificates.models import Certificate, IssuerKey
from tongban.certificates.selectors import Holder
from tongban.certificates.tests.conftest import LICENCE_DATA, issue_licence
from tongban.core.exceptions import InvalidCreditCode, PermissionDenied
from tongban.notifications.models import Recipient


def _verify_with_jwks_only(client, token: str) -> dict[str, Any]:
    key_set = jwk.JWKSet.from_json(client.get("/certificates/jwks.json").content)
    signed = jws.JWS()
    signed.deserialize(token)
    kid = json.loads(signed.objects["protected"])["kid"]
    signed.verify(key_set.get_key(kid))
    payload: dict[str, Any] = json.loads(signed.payload)
    return payload


def test_jwcrypto_verifies_an_issued_credential_with_only_the_published_jwks(client, licence):
    credential = _verify_with_jwks_only(client, licence.credential)

    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "BusinessLicenceCredential"]
    assert credential["id"] == f"urn:uuid:{licence.pk}"
    assert credential["issuer"]["id"] == "http://localhost:8000/certificates/issuers/HC-SCJG"
    assert credential["credentialSubject"]["legal_representative"] == "林𠇔"
    assert [status["statusPurpose"] for status in credential["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]


def test_the_credential_header_names_its_type_and_a_key_in_the_jwks(client, licence):
    signed = jws.JWS()
    signed.deserialize(licence.credential)
    header = json.loads(signed.objects["protected"])
    kids = [key["kid"] for key in client.get("/certificates/jwks.json").json()["keys"]]

    assert header["typ"] == "vc+jwt"
    assert header["alg"] == "Ed25519"
    assert header["kid"] in kids


def test_a_p256_issuer_signs_with_es256_and_jwcrypto_verifies_it(client, civil_issuer, citizen):
    key = services.issuer_key_rotate(issuer=civil_issuer, actor=None, algorithm="ES256")

    assert key.public_jwk["crv"] == "P-256"
    token = services.publication.token_sign(key=key, payload={"cid": "x"}, typ="vc+jwt")
    assert _verify_with_jwks_only(client, token) == {"cid": "x"}


def test_the_identifier_follows_the_national_style_with_a_check_character(licence):
    parts = licence.number.split(".")

    assert licence.number.startswith("1.2.156.3005.2.11100000.")
    assert parts[6] == licence.issuer.credit_code
    assert parts[7:9] == ["00000001", "001"]
    assert services.certificate_identifier_valid(licence.number)
    assert not services.certificate_identifier_valid(licence.number[:-1] + "Z")


def test_private_keys_and_holder_data_are_encrypted_at_rest(licence):
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_jwk FROM certificates_issuerkey")
        (private_jwk,) = cursor.fetchone()
        cursor.execute(
            "SELECT holder_name, credential FROM certificates_certificate WHERE id = %s",
            [licence.pk.hex if connection.vendor == "sqlite" else licence.pk],
        )
        holder_name, credential = cursor.fetchone()

    assert private_jwk.startswith("enc1$")
    assert holder_name.startswith("enc1$")
    assert credential.startswith("enc1$")


def test_the_holder_is_told_in_their_inbox(licence, citizen):
    entry = Recipient.objects.get(user=citizen)

    assert entry.notification.event_code == "certificates.issued"
    assert "营业执照" in entry.notification.content["zh-hans"]["subject"]


def test_a_person_holder_with_an_account_is_found_by_id_number(market_issuer, citizen):
    from tongban.certificates.models import CertificateType
    from tongban.organization.models import DepartmentType

    CertificateType.objects.filter(code="driving_licence").update(
        issuing_department_type=DepartmentType.objects.get(code="market_regulation")
    )
    certificate = services.certificate_issue(
        certificate_type_code="driving_licence",
        department=market_issuer.department,
        holder=Holder(HolderKind.PERSON, citizen.resident_id_number, citizen.real_name),
        data={
            "name": citizen.real_name,
            "resident_id_number": citizen.resident_id_number,
            "sex": "男",
            "vehicle_class": "C1",
            "first_issued_on": "2020-01-02",
        },
        valid_from=dt.date(2024, 2, 29),
    )

    assert certificate.holder_user == citizen
    assert certificate.valid_until == dt.date(2030, 2, 28)


def test_a_department_of_another_type_cannot_issue_and_nothing_is_written(civil_issuer, citizen):
    with pytest.raises(PermissionDenied):
        issue_licence(civil_issuer, citizen)

    assert Certificate.objects.count() == 0


def test_missing_and_unknown_fields_are_refused_and_nothing_is_written(market_issuer, citizen):
    data = {**LICENCE_DATA, "business_scope": "", "favourite_colour": "red"}
    with pytest.raises(CertificateDataInvalid) as error:
        services.certificate_issue(
            certificate_type_code=BUSINESS_LICENCE,
            department=market_issuer.department,
            holder=Holder(HolderKind.ENTERPRISE, LICENCE_DATA["credit_code"], "x", citizen),
            data=data,
        )

    assert set(error.value.errors) == {"business_scope", "favourite_colour"}
    assert Certificate.objects.count() == 0


def test_an_invalid_holder_credit_code_is_refused(market_issuer, citizen):
    with pytest.raises(InvalidCreditCode) as error:
        issue_licence(market_issuer, citizen, data={"credit_code": "91990200MA0000001A"})

    assert error.value.code == "invalid_credit_code"
    assert Certificate.objects.count() == 0


def test_after_rotation_the_new_key_signs_and_the_old_stays_published(
    client, market_issuer, citizen
):
    old = issue_licence(market_issuer, citizen, valid_until=dt.date.today() + dt.timedelta(days=30))
    new_key = services.issuer_key_rotate(issuer=market_issuer, actor=None)
    services.publication_cache_clear()
    new = issue_licence(market_issuer, citizen)

    assert new.issuer_key == new_key
    assert old.issuer_key != new_key
    kids = {key["kid"] for key in client.get("/certificates/jwks.json").json()["keys"]}
    assert kids == {old.issuer_key.kid, new_key.kid}
    assert _verify_with_jwks_only(client, old.credential)["id"] == f"urn:uuid:{old.pk}"


def test_a_retired_key_leaves_the_jwks_once_everything_it_signed_has_expired(
    client, market_issuer, citizen
):
    old = issue_licence(
        market_issuer,
        citizen,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 1, 1),
    )
    new_key = services.issuer_key_rotate(issuer=market_issuer, actor=None)
    services.publication_cache_clear()

    kids = {key["kid"] for key in client.get("/certificates/jwks.json").json()["keys"]}
    assert kids == {new_key.kid}
    assert IssuerKey.objects.filter(kid=old.issuer_key.kid, active=False).exists()
