"""Single sign-on's services and selectors: registering clients, consent per scope set,
withdrawal only by its owner, and what "who accessed my data" shows for a client."""

from __future__ import annotations

import pytest
from allauth.idp.oidc.models import Client, Token
from django.test import Client as Browser

from tongban.accounts.constants import AuthenticationStrength
from tongban.accounts.models import OidcConsent
from tongban.accounts.oidc import selectors
from tongban.accounts.oidc.services import (
    oidc_claims_release,
    oidc_client_register,
    oidc_consent_grant,
    oidc_consent_revoke,
    oidc_subject_ensure,
)
from tongban.accounts.selectors import data_accesses_for_user
from tongban.core.exceptions import InvalidInput, NotFound

pytestmark = pytest.mark.django_db

SCOPES = ["openid", "profile"]


@pytest.fixture
def system(administrator) -> Client:
    client, _ = oidc_client_register(
        actor=administrator,
        name="海川市社保系统",
        redirect_uris=["https://shebao.haichuan.example/callback"],
        confidential=True,
        scopes=["openid", "profile", "phone"],
    )
    return client


@pytest.mark.parametrize(
    ("uris", "scopes"),
    [
        ([], ["openid"]),
        (["http://shebao.example/callback"], ["openid"]),
        (["https://shebao.example/*"], ["openid"]),
        (["https://shebao.example/cb#fragment"], ["openid"]),
        (["https://shebao.example/cb"], ["profile"]),
        (["https://shebao.example/cb"], ["openid", "everything"]),
    ],
)
def test_registering_a_client_refuses_loose_redirects_and_unknown_scopes(
    administrator, uris, scopes
):
    with pytest.raises(InvalidInput):
        oidc_client_register(
            actor=administrator, name="x", redirect_uris=uris, confidential=True, scopes=scopes
        )
    assert not Client.objects.exists()


def test_a_public_client_gets_no_secret(administrator):
    client, secret = oidc_client_register(
        actor=administrator,
        name="掌上办 app",
        redirect_uris=["http://127.0.0.1/callback"],
        confidential=False,
    )
    assert secret is None
    assert client.type == Client.Type.PUBLIC


def test_consent_is_per_scope_set_and_asking_for_more_is_asking_again(system, citizen):
    oidc_consent_grant(
        user=citizen, client=system, scopes=SCOPES, strength=AuthenticationStrength.PASSWORD
    )
    oidc_consent_grant(
        user=citizen,
        client=system,
        scopes=["profile", "openid"],
        strength=AuthenticationStrength.PASSKEY,
    )

    consent = OidcConsent.objects.get()
    assert consent.scopes == "openid profile"
    assert consent.authentication_strength == AuthenticationStrength.PASSKEY
    assert selectors.consent_active_get(client=system, user=citizen, scopes=SCOPES)
    assert not selectors.consent_active_get(
        client=system, user=citizen, scopes=["openid", "profile", "phone"]
    )


def test_someone_elses_consent_cannot_be_withdrawn(system, citizen, other_citizen):
    consent = oidc_consent_grant(
        user=citizen, client=system, scopes=SCOPES, strength=AuthenticationStrength.PASSWORD
    )

    with pytest.raises(NotFound):
        oidc_consent_revoke(user=other_citizen, consent_id=consent.pk)

    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_withdrawing_consent_deletes_the_clients_tokens_and_forgets_the_subject(system, citizen):
    consent = oidc_consent_grant(
        user=citizen, client=system, scopes=SCOPES, strength=AuthenticationStrength.PASSWORD
    )
    subject = oidc_subject_ensure(client=system, user=citizen)
    token = Token(type=Token.Type.ACCESS_TOKEN, client=system, user=citizen, hash="h")
    token.set_scopes(SCOPES)
    token.save()
    assert selectors.user_by_subject(client=system, subject=subject) == citizen

    oidc_consent_revoke(user=citizen, consent_id=consent.pk)

    assert not Token.objects.exists()
    assert selectors.user_by_subject(client=system, subject=subject) is None


def test_subjects_differ_per_client_and_stay_the_same(system, citizen, administrator):
    other, _ = oidc_client_register(
        actor=administrator,
        name="其他",
        redirect_uris=["https://other.example/cb"],
        confidential=True,
    )
    first = oidc_subject_ensure(client=system, user=citizen)

    assert oidc_subject_ensure(client=system, user=citizen) == first
    assert oidc_subject_ensure(client=other, user=citizen) != first
    assert str(citizen.pk) not in first


def test_who_accessed_my_data_names_the_system_and_the_claims(system, citizen):
    oidc_claims_release(user=citizen, client=system, scopes=SCOPES, via="userinfo")

    [access] = data_accesses_for_user(user=citizen)
    assert "海川市社保系统" in access.reader
    assert access.purpose == "single sign-on (userinfo)"
    assert "name" in access.fields


def test_connected_systems_lists_only_ones_own(client: Browser, system, citizen, other_citizen):
    oidc_consent_grant(
        user=other_citizen, client=system, scopes=SCOPES, strength=AuthenticationStrength.PASSWORD
    )
    client.force_login(citizen)

    response = client.get("/accounts/connected-systems/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "海川市社保系统" not in response.content.decode()


def test_withdrawing_someone_elses_consent_answers_not_found(
    client: Browser, system, citizen, other_citizen
):
    consent = oidc_consent_grant(
        user=other_citizen, client=system, scopes=SCOPES, strength=AuthenticationStrength.PASSWORD
    )
    client.force_login(citizen)

    response = client.post(f"/accounts/connected-systems/{consent.pk}/withdraw/")

    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None
