"""Single sign-on in a real browser: a department system sends the person to Tongban, who
signs in, reads exactly what the system will receive and agrees; later they withdraw it under
"Connected systems". Both pages pass axe-core."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REDIRECT_URI = "http://127.0.0.1:8765/callback"


def _latest_sms_code() -> str:
    from tongban.notifications.models import DemoSms

    message = DemoSms.objects.order_by("-created_at").first()
    assert message is not None
    return str(message.parameters["code"])


@pytest.fixture
def department_system(transactional_db):
    from tongban.accounts.services import oidc_client_register

    client, _secret = oidc_client_register(
        actor=None,
        name="海川市公积金系统",
        redirect_uris=[REDIRECT_URI],
        confidential=False,
        scopes=["openid", "profile", "phone", "realname"],
    )
    return client


@dataclass
class Callback:
    url: str
    arrived: list[str]


@pytest.fixture
def callback() -> Iterator[Callback]:
    """The department system's redirect endpoint, on a free loopback port (RFC 8252 lets the
    port of a registered loopback redirect URI vary)."""
    arrived: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/callback"):
                arrived.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"signed in")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Callback(f"http://127.0.0.1:{server.server_port}/callback", arrived)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_consent_and_connected_systems_are_accessible(
    visit, live_server, department_system, citizen, callback, language
):
    from tongban.accounts.factories import TEST_PASSWORD

    citizen.mobile_verified = True
    citizen.email = ""
    citizen.save()
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": department_system.id,
            "redirect_uri": callback.url,
            "scope": "openid profile phone realname",
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    browser = visit(language=language)
    page = browser.page

    browser.open(f"/identity/o/authorize?{query}")
    page.locator("input[name=login]").fill(citizen.mobile)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.locator("input[name=code]").fill(_latest_sms_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    expect(page.locator("h1")).to_contain_text("海川市公积金系统")
    assert page.locator("main table tbody tr").count() == 4
    assert axe_violations(page) == []

    page.locator("button[name=action][value=grant]").click()
    page.wait_for_url(callback.url + "?*")
    assert len(callback.arrived) == 1
    assert "code=" in callback.arrived[0]
    assert "state=s1" in callback.arrived[0]

    browser.open("/accounts/connected-systems/")
    expect(page.locator("main table")).to_contain_text("海川市公积金系统")
    assert axe_violations(page) == []
    page.locator("main table button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main table")).not_to_contain_text("海川市公积金系统")
    assert axe_violations(page) == []
    assert browser.console_errors == []
