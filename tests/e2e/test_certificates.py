"""The wallet and the public verification page in a real browser, with axe checks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _signed_in(visit, live_server, user, **options):
    client = Client()
    client.force_login(user)
    browser = visit(**options)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    browser.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return browser


@pytest.fixture
def licence(persona_departments, citizen):
    from django.core.cache import cache

    from tongban.certificates import services
    from tongban.certificates.tests.conftest import credit_code, issue_licence

    cache.clear()
    services.certificate_types_ensure()
    issuer = services.issuer_register(
        department=persona_departments["market_regulation"],
        credit_code=credit_code("11990200MB0000001"),
        actor=None,
    )
    return issue_licence(issuer, citizen)


@pytest.mark.parametrize("elderly", [False, True])
def test_the_wallet_has_no_accessibility_violations(visit, live_server, citizen, licence, elderly):
    browser = _signed_in(visit, live_server, citizen, elderly=elderly)

    page = browser.open("/certificates/")

    assert page.locator("h1").inner_text() == "我的电子证照"
    assert page.get_by_role("link", name="营业执照").is_visible()
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_the_certificate_and_its_presentation_qr_have_no_accessibility_violations(
    visit, live_server, citizen, licence
):
    browser = _signed_in(visit, live_server, citizen, language="en-US")
    page = browser.open(f"/certificates/{licence.pk}/")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Show by QR code").click()
    page.wait_for_load_state()

    assert page.get_by_role("img", name="QR code to verify this certificate").is_visible()
    assert axe_violations(page) == []
    assert browser.console_errors == []


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_verification_page_opened_by_the_qr_has_no_accessibility_violations(
    visit, live_server, licence, language
):
    browser = visit(language=language)

    page = browser.open(f"/certificates/verify/?t={licence.qr_token}")

    assert licence.number in page.content()
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_the_verification_page_explains_a_forged_credential_accessibly(visit, live_server, licence):
    browser = visit(language="en-US")
    page = browser.open("/certificates/verify/")
    assert axe_violations(page) == []

    page.get_by_label("Credential or QR code text").fill(licence.credential[:-8])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()

    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
