"""Single sign-on, driven by an independent OpenID Connect client (authlib) against a live
server: discovery, PKCE through the real login page, tokens, JWKS, userinfo, the API,
refresh, revocation, and every bad input refused with the standard OAuth error."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.idp.oidc.models import Client, Token
from authlib.integrations.requests_client import OAuth2Session
from django.utils import timezone
from jwcrypto import jwk, jwt

from tongban.accounts.factories import TEST_PASSWORD
from tongban.accounts.models import OidcConsent, User
from tongban.accounts.oidc.services import oidc_client_register
from tongban.accounts.tests.conftest import sms_code
from tongban.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT_URI = "http://127.0.0.1:9/callback"
SCOPE = "openid profile phone realname enterprise"


@dataclass
class Registered:
    client: Client
    secret: str


@pytest.fixture
def department_system(db: None) -> Registered:
    client, secret = oidc_client_register(
        actor=None,
        name="海川市公积金系统",
        redirect_uris=[REDIRECT_URI],
        confidential=True,
        scopes=SCOPE.split(),
    )
    assert secret is not None
    return Registered(client, secret)


@pytest.fixture
def person(citizen: User) -> User:
    citizen.mobile_verified = True
    citizen.email = ""
    citizen.save()
    return citizen


@pytest.fixture
def browser(live_server) -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _csrf(session: requests.Session, html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def metadata(live_server) -> Any:
    response = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    return response.json()


def oauth(live_server, system: Registered) -> OAuth2Session:
    return OAuth2Session(
        client_id=system.client.id,
        client_secret=system.secret,
        scope=SCOPE,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def authorize(
    live_server,
    browser: requests.Session,
    client: OAuth2Session,
    verifier: str,
    *,
    signed_in: bool = False,
    consent: bool = True,
    **extra: str,
) -> requests.Response:
    """The person's browser from the client's authorization URL to its redirect."""
    uri, _state = client.create_authorization_url(
        metadata(live_server)["authorization_endpoint"], code_verifier=verifier, **extra
    )
    response = browser.get(uri, allow_redirects=False)
    if not signed_in:
        assert response.status_code == 302
        login_url = live_server.url + response.headers["Location"]
        page = browser.get(login_url)
        assert page.status_code == 200
        response = browser.post(
            login_url,
            {
                "login": "",
                "password": TEST_PASSWORD,
                "csrfmiddlewaretoken": _csrf(browser, page.text),
            }
            | {"login": User.objects.get(username="citizen").mobile},
            headers={"Referer": login_url},
            allow_redirects=False,
        )
        assert response.headers["Location"] == "/accounts/login/code/confirm/"
        confirm_url = live_server.url + "/accounts/login/code/confirm/"
        page = browser.get(confirm_url)
        response = browser.post(
            confirm_url,
            {"code": sms_code(), "csrfmiddlewaretoken": _csrf(browser, page.text)},
            headers={"Referer": confirm_url},
            allow_redirects=False,
        )
        assert response.status_code == 302
        response = browser.get(
            live_server.url + response.headers["Location"], allow_redirects=False
        )
    if response.status_code == 200:
        html = response.text
        signed_state = re.search(r'name="request" value="([^"]+)"', html)
        assert signed_state, "no consent screen"
        form = {
            "request": signed_state.group(1),
            "scopes": re.findall(r'name="scopes" value="([^"]+)"', html),
            "action": "grant" if consent else "deny",
            "csrfmiddlewaretoken": _csrf(browser, html),
        }
        response = browser.post(
            response.url, form, headers={"Referer": response.url}, allow_redirects=False
        )
    assert response.status_code == 302
    return response


def code_of(response: requests.Response) -> str:
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def test_a_department_system_signs_a_person_in_end_to_end(
    live_server, browser, department_system, person
):
    meta = metadata(live_server)
    assert meta["issuer"] == live_server.url
    assert "S256" in meta["code_challenge_methods_supported"]
    client = oauth(live_server, department_system)
    verifier = secrets.token_urlsafe(48)

    redirected = authorize(live_server, browser, client, verifier)
    location = redirected.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    token = client.fetch_token(
        meta["token_endpoint"], authorization_response=location, code_verifier=verifier
    )

    jwks = requests.get(meta["jwks_uri"], timeout=10).json()
    verified = jwt.JWT(
        jwt=token["id_token"],
        key=jwk.JWKSet.from_json(json.dumps(jwks)),
        algs=["RS256"],
        check_claims={"iss": meta["issuer"], "aud": department_system.client.id, "exp": None},
    )
    claims = json.loads(verified.claims)
    assert claims["sub"] != str(person.pk)
    assert claims["acr"] == "urn:tongban:acr:two-factor"
    assert claims["amr"] == ["pwd", "otp", "mfa"]
    assert claims["name"] == "林𠇔"
    assert claims["real_name_level"] == person.real_name_level

    userinfo = client.get(meta["userinfo_endpoint"]).json()
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["phone_number"] == "+86" + person.mobile
    assert userinfo["enterprises"] == []

    me = client.get(f"{live_server.url}/api/v1/me")
    assert me.status_code == 200
    assert me.json()["id"] == str(person.pk)
    assert me.json()["authentication_strength"] == "two_factor"

    refreshed = client.refresh_token(meta["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]
    assert client.get(meta["userinfo_endpoint"]).status_code == 200

    revoked = client.revoke_token(
        meta["revocation_endpoint"], token=refreshed["access_token"], token_type_hint="access_token"
    )
    assert revoked.status_code == 200
    assert client.get(meta["userinfo_endpoint"]).status_code == 401
    assert client.get(f"{live_server.url}/api/v1/me").status_code == 401

    reads = AuditEvent.objects.filter(kind="personal_data_read", subject_id=person.pk)
    assert reads.filter(summary__source="海川市公积金系统").count() >= 2


def test_consent_is_remembered_for_the_same_scope_set(
    live_server, browser, department_system, person
):
    client = oauth(live_server, department_system)
    authorize(live_server, browser, client, secrets.token_urlsafe(48))

    again = authorize(live_server, browser, client, secrets.token_urlsafe(48), signed_in=True)

    assert "code=" in again.headers["Location"]
    assert OidcConsent.objects.filter(user=person, revoked_at=None).count() == 1


def test_two_systems_see_different_subjects(live_server, browser, department_system, person):
    other, other_secret = oidc_client_register(
        actor=None,
        name="其他系统",
        redirect_uris=[REDIRECT_URI],
        confidential=True,
        scopes=SCOPE.split(),
    )
    assert other_secret
    meta = metadata(live_server)
    subjects = []
    for index, system in enumerate([department_system, Registered(other, other_secret)]):
        client = oauth(live_server, system)
        verifier = secrets.token_urlsafe(48)
        redirected = authorize(live_server, browser, client, verifier, signed_in=index > 0)
        token = client.fetch_token(
            meta["token_endpoint"],
            authorization_response=redirected.headers["Location"],
            code_verifier=verifier,
        )
        subjects.append(client.get(meta["userinfo_endpoint"]).json()["sub"])
    assert subjects[0] != subjects[1]
    assert token


def test_an_unregistered_redirect_uri_is_refused_without_a_code(
    live_server, browser, department_system, person
):
    authorize(live_server, browser, oauth(live_server, department_system), "v" * 64)
    client = oauth(live_server, department_system)
    # Exact match: a longer path, another host or a trailing slash are other URIs. (Only the
    # port of a loopback address may vary, for native apps: RFC 8252 §7.3.)
    for uri in [REDIRECT_URI + "/elsewhere", "https://evil.example/callback", REDIRECT_URI + "/"]:
        client.redirect_uri = uri
        url, _ = client.create_authorization_url(
            metadata(live_server)["authorization_endpoint"], code_verifier="v" * 64
        )

        response = browser.get(url, allow_redirects=False)

        # RFC 6749 §4.1.2.1: tell the person, never redirect to an unregistered address.
        assert "Location" not in response.headers
        assert "Mismatching redirect URI" in response.text


def test_a_wrong_pkce_verifier_is_refused(live_server, browser, department_system, person):
    meta = metadata(live_server)
    client = oauth(live_server, department_system)
    redirected = authorize(live_server, browser, client, secrets.token_urlsafe(48))

    response = requests.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code_of(redirected),
            "redirect_uri": REDIRECT_URI,
            "code_verifier": secrets.token_urlsafe(48),
        },
        auth=(department_system.client.id, department_system.secret),
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not Token.objects.filter(type=Token.Type.ACCESS_TOKEN).exists()


def test_an_authorization_code_works_once(live_server, browser, department_system, person):
    meta = metadata(live_server)
    client = oauth(live_server, department_system)
    verifier = secrets.token_urlsafe(48)
    redirected = authorize(live_server, browser, client, verifier)
    exchange = {
        "grant_type": "authorization_code",
        "code": code_of(redirected),
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    auth = (department_system.client.id, department_system.secret)
    first = requests.post(meta["token_endpoint"], data=exchange, auth=auth, timeout=10)
    assert first.status_code == 200

    replay = requests.post(meta["token_endpoint"], data=exchange, auth=auth, timeout=10)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert Token.objects.filter(type=Token.Type.ACCESS_TOKEN).count() == 1


def test_a_revoked_consent_issues_nothing_more(live_server, browser, department_system, person):
    meta = metadata(live_server)
    client = oauth(live_server, department_system)
    verifier = secrets.token_urlsafe(48)
    redirected = authorize(live_server, browser, client, verifier)
    token = client.fetch_token(
        meta["token_endpoint"],
        authorization_response=redirected.headers["Location"],
        code_verifier=verifier,
    )
    second_verifier = secrets.token_urlsafe(48)
    pending = authorize(live_server, browser, client, second_verifier, signed_in=True)
    page = browser.get(f"{live_server.url}/accounts/connected-systems/")
    assert "海川市公积金系统" in page.text
    consent = OidcConsent.objects.get(user=person, revoked_at=None)
    withdraw = f"{live_server.url}/accounts/connected-systems/{consent.pk}/withdraw/"
    browser.post(
        withdraw, {"csrfmiddlewaretoken": _csrf(browser, page.text)}, headers={"Referer": withdraw}
    )

    assert client.get(meta["userinfo_endpoint"]).status_code == 401
    refresh = requests.post(
        meta["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(department_system.client.id, department_system.secret),
        timeout=10,
    )
    assert refresh.status_code == 400
    assert refresh.json()["error"] == "invalid_grant"
    exchange = requests.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code_of(pending),
            "redirect_uri": REDIRECT_URI,
            "code_verifier": second_verifier,
        },
        auth=(department_system.client.id, department_system.secret),
        timeout=10,
    )
    assert exchange.status_code == 400
    assert exchange.json()["error"] == "invalid_grant"
    assert not Token.objects.filter(user=person).exists()


def test_an_expired_access_token_is_refused(live_server, browser, department_system, person):
    meta = metadata(live_server)
    client = oauth(live_server, department_system)
    verifier = secrets.token_urlsafe(48)
    redirected = authorize(live_server, browser, client, verifier)
    client.fetch_token(
        meta["token_endpoint"],
        authorization_response=redirected.headers["Location"],
        code_verifier=verifier,
    )
    Token.objects.filter(type=Token.Type.ACCESS_TOKEN).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    response = client.get(meta["userinfo_endpoint"])

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert client.get(f"{live_server.url}/api/v1/me").status_code == 401


def test_an_authorization_without_s256_pkce_is_refused(
    live_server, browser, department_system, person
):
    client = oauth(live_server, department_system)
    client.code_challenge_method = "plain"
    response = authorize(live_server, browser, client, secrets.token_urlsafe(48))

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_declining_consent_sends_access_denied_and_remembers_nothing(
    live_server, browser, department_system, person
):
    client = oauth(live_server, department_system)

    response = authorize(live_server, browser, client, secrets.token_urlsafe(48), consent=False)

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert "code" not in query
    assert not OidcConsent.objects.exists()
