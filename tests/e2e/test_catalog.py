"""The catalog's search, guide and form pages in a real browser, with axe checks."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def sole_proprietor(transactional_db):
    from tongban.catalog import services
    from tongban.catalog.tests.conftest import draft_complete, item_create
    from tongban.certificates.services import certificate_types_ensure

    certificate_types_ensure()
    item = item_create()
    return services.service_version_publish(version=draft_complete(item), actor_id=None)


@pytest.mark.parametrize("elderly", [False, True])
def test_the_guide_has_no_accessibility_violations(visit, live_server, sole_proprietor, elderly):
    browser = visit(elderly=elderly)

    page = browser.open("/services/SCJG-001/")

    assert page.locator("h1").inner_text() == "个体工商户设立登记"
    assert page.locator("a[href='/services/SCJG-001/apply/']").count() == 1
    assert axe_violations(page) == []
    assert browser.console_errors == []


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_search_by_pinyin_initials_has_no_accessibility_violations(
    visit, live_server, sole_proprietor, language
):
    browser = visit(language=language)
    page = browser.open("/services/")
    assert axe_violations(page) == []

    page.locator("#id_q").fill("gtgsh")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()

    assert page.get_by_role("link", name="个体工商户设立登记").is_visible()
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_form_errors_are_summarised_accessibly(visit, live_server, sole_proprietor):
    browser = visit(language="en-US")
    page = browser.open("/services/SCJG-001/form/1/")
    assert axe_violations(page) == []

    page.locator("#id_mobile").fill("123")
    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_load_state()

    assert page.get_by_role("alert").is_visible()
    assert page.locator(".error-summary a").count() == 2
    assert axe_violations(page) == []
