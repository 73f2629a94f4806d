"""Browser journeys: the live server driven by Debian's Chromium through Playwright.

Playwright never downloads a browser here: it drives /usr/bin/chromium, which `make test`
installs from Debian. One Chromium per xdist worker; the browser tests share one worker
(``xdist_group("browser")``) so the suite starts it once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from it, although the live server runs in its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "/nonexistent")

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's Chromium: run `make test` (it installs it).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@dataclass
class Visit:
    """A page with what the browser complained about while showing it."""

    page: Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        self.last_response_headers = response.headers
        self.last_status = response.status
        return self.page


@pytest.fixture
def visit(browser: Browser, live_server, transactional_db) -> Iterator[Callable[..., Visit]]:
    """``visit(language="en", elderly=True)`` -> a fresh phone-sized browser context."""
    contexts: list[BrowserContext] = []

    def make(*, language: str = "zh-CN", elderly: bool = False, viewport=PHONE) -> Visit:
        context = browser.new_context(locale=language, viewport=viewport)
        contexts.append(context)
        if elderly:
            host = live_server.url.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": "tongban_elderly", "value": "1", "domain": host, "path": "/"}]
            )
        page = context.new_page()
        result = Visit(page=page, base_url=live_server.url)
        page.on(
            "console",
            lambda message: (
                result.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: result.console_errors.append(str(error)))
        return result

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[str]:
    """Every axe-core rule the page breaks, as readable lines (empty when none)."""
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements: "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        + ")"
        for violation in results.response["violations"]
    ]
