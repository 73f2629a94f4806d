from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize(
    ("language", "lang", "heading"),
    [
        ("zh-CN", "zh-hans", "政务服务，一网通办"),
        ("en-US", "en", "Government services, all in one place"),
    ],
)
def test_the_home_page_has_no_accessibility_violations_in_either_language(
    visit, language, lang, heading
) -> None:
    browser = visit(language=language)

    page = browser.open("/")

    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").inner_text() == heading
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_the_home_page_has_no_accessibility_violations_in_elderly_mode(visit) -> None:
    browser = visit(elderly=True)

    page = browser.open("/")

    assert page.get_attribute("html", "class") == "elderly"
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_elderly_mode_makes_text_large_and_every_target_at_least_60_pixels(visit) -> None:
    page = visit(elderly=True).open("/")

    body = page.evaluate(
        "() => { const s = getComputedStyle(document.body);"
        " return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; }"
    )
    font_size, line_height = body
    assert font_size >= 18
    assert line_height / font_size >= 1.3
    # Links inside running text are exempt from target sizes (WCAG 2.5.8, "inline").
    too_small = page.evaluate(
        """() => [...document.querySelectorAll('a, button, input:not([type=hidden]), select')]
            .filter(target => !target.closest('p') || target.classList.contains('button'))
            .filter(target => target.getClientRects().length)
            .filter(target => !target.classList.contains('skip-link'))
            .filter(target => target.getBoundingClientRect().height < 60)
            .map(target => target.outerHTML.slice(0, 80))"""
    )
    assert too_small == []


def test_the_elderly_switch_works_without_javascript_and_is_remembered(visit) -> None:
    browser = visit()
    page = browser.open("/")

    page.get_by_role("button", name="长辈模式").click()
    page.wait_for_load_state()

    assert page.get_attribute("html", "class") == "elderly"
    page.reload()
    assert page.get_attribute("html", "class") == "elderly"
    page.get_by_role("button", name="标准版").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "class") is None


def test_the_language_switch_turns_the_portal_english(visit) -> None:
    page = visit().open("/")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("button", name="简体中文").is_visible()


def test_the_home_page_sends_a_csp_with_a_nonce_and_htmx_loads_under_it(visit) -> None:
    browser = visit()

    page = browser.open("/")

    policy = browser.last_response_headers["content-security-policy"]
    assert "'nonce-" in policy
    assert "'unsafe-inline'" not in policy
    page.wait_for_function("() => window.htmx !== undefined")
    assert browser.console_errors == []


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(visit) -> None:
    page = visit().open("/")

    page.keyboard.press("Tab")

    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_the_design_system_page_has_no_accessibility_violations(visit, settings) -> None:
    settings.DEMO_MODE = True
    browser = visit()

    page = browser.open("/design-system/")

    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_the_error_pages_have_no_accessibility_violations(visit) -> None:
    browser = visit(language="en-US")

    page = browser.open("/no-such-page/")

    assert browser.last_status == 404
    assert "Page not found" in page.locator("h1").inner_text()
    assert axe_violations(page) == []


def test_the_portal_screenshot_for_the_readme(visit, tmp_path: Path) -> None:
    """Regenerate docs/images/portal.png with TONGBAN_UPDATE_SCREENSHOT=1 (make screenshot)."""
    page = visit(viewport={"width": 1280, "height": 900}).open("/")
    target = (
        Path(settings.BASE_DIR) / "docs" / "images" / "portal.png"
        if os.environ.get("TONGBAN_UPDATE_SCREENSHOT")
        else tmp_path / "portal.png"
    )
    target.parent.mkdir(parents=True, exist_ok=True)

    page.screenshot(path=str(target), full_page=True)

    assert target.stat().st_size > 10_000
