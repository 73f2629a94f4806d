"""One identity, in a real browser: sign up with a phone number, verify the real name, add a
passkey (Chromium's virtual authenticator), sign in with the passkey alone, then act for a
parent who authorised you. Every page passes axe-core.

WebAuthn needs a secure context: http://localhost is one, so the live server must run on
host ``localhost`` (pytest-django's default), never 127.0.0.1.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MOBILE = "13912340001"
PASSWORD = "lantern-harbour-42"
PARENT_MOBILE = "13912340002"


def _latest_sms_code() -> str:
    from tongban.notifications.models import DemoSms

    message = DemoSms.objects.order_by("-created_at").first()
    assert message is not None
    return str(message.parameters["code"])


def _accessible(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def test_sign_up_verify_add_a_passkey_sign_in_with_it_and_act_for_a_parent(
    visit, live_server
) -> None:
    from django.core.cache import cache

    from tongban.accounts.constants import RealNameLevel
    from tongban.accounts.factories import TEST_PASSWORD, UserFactory
    from tongban.registries.factories import DemoResidentFactory

    assert live_server.url.startswith("http://localhost:"), "passkeys need localhost"
    cache.clear()
    me = DemoResidentFactory.create(name="林𠇔")
    parent_resident = DemoResidentFactory.create(name="陈堃")
    UserFactory.create(
        username="parent",
        email="",
        mobile=PARENT_MOBILE,
        mobile_verified=True,
        real_name=parent_resident.name,
        resident_id_number=parent_resident.id_number,
        real_name_level=RealNameLevel.L2,
    )

    browser = visit(language="en")
    page = browser.page

    # Sign up with a phone number; the code comes from the demo SMS outbox.
    browser.open("/accounts/signup/")
    _accessible(page)
    page.get_by_label("Mobile number or e-mail address").fill(MOBILE)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    _accessible(page)
    page.get_by_label("Code", exact=True).fill(_latest_sms_code())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Open my account").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    _accessible(page)

    # Verify the real name against the population registry.
    page.get_by_role("link", name="Verify my real name").click()
    _accessible(page)
    page.get_by_label("Full name").fill("林𠇔")
    page.get_by_label("Resident ID number").fill(me.id_number)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("L2: real name verified online")).to_be_visible()
    expect(page.get_by_text("林𠇔").first).to_be_visible()
    assert me.id_number not in page.content()

    # Add a passkey with Chromium's virtual authenticator (user verification on).
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.get_by_role("link", name="Add a passkey").click()
    _accessible(page)
    page.get_by_label("Passwordless").check()
    page.locator("#mfa_webauthn_add").click()
    # The ceremony runs in script before the form posts: wait for the page it leads to, not
    # for a quiet network, which can come first on a busy machine.
    page.wait_for_url(lambda url: "/accounts/2fa/webauthn/add/" not in url)
    _accessible(page)

    # Sign out, then sign in with the passkey alone.
    page.get_by_role("button", name="Sign out").click()
    browser.open("/accounts/login/")
    _accessible(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.get_by_text("Passkey", exact=True)).to_be_visible()

    # The parent signs in (password and SMS code) and authorises their child.
    parent = visit(language="en")
    parent.open("/accounts/login/")
    parent.page.get_by_label("Mobile number or e-mail address").fill(PARENT_MOBILE)
    parent.page.get_by_role("textbox", name="Password").fill(TEST_PASSWORD)
    parent.page.locator("main form button[type=submit]", has_text="Sign in").click()
    _accessible(parent.page)
    parent.page.get_by_label("Code").fill(_latest_sms_code())
    parent.page.get_by_role("button", name="Confirm").click()
    parent.open("/accounts/family/")
    _accessible(parent.page)
    parent.page.get_by_label("Their full name").fill("林𠇔")
    parent.page.get_by_label("Their resident ID number").fill(me.id_number)
    parent.page.get_by_role("button", name="Authorise").click()
    expect(parent.page.get_by_text("The family member can now act for you.")).to_be_visible()
    _accessible(parent.page)

    # The child acts for the parent.
    browser.open("/accounts/acting-for/")
    _accessible(page)
    page.get_by_role("button", name="Act for 陈堃").click()
    expect(page.get_by_text("You are acting for 陈堃.")).to_be_visible()
    _accessible(page)
    assert browser.console_errors == []
