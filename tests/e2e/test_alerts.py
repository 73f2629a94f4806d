"""Emergency alerts in a real browser: the public page with its banner, the staff's pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _staff(username: str, department: Any, role: str) -> Any:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user = factory_create(UserFactory, username=username, staff=True)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


@pytest.fixture
def alert_staff(persona_departments: dict[str, Any]) -> tuple[Any, Any]:
    department = persona_departments["civil_affairs"]
    return (
        _staff("alert-drafter", department, "alert_drafter"),
        _staff("alert-approver", department, "alert_approver"),
    )


@pytest.fixture
def sent_alert(alert_staff: tuple[Any, Any], persona_departments: dict[str, Any]) -> Any:
    from django.core.cache import cache

    from tongban.alerts.factories import approved_alert
    from tongban.alerts.services import alert_send

    drafter, approver = alert_staff
    alert = approved_alert(
        drafter=drafter, approver=approver, area_codes=[persona_departments["district"].code]
    )
    alert = alert_send(alert=alert, actor=approver)
    cache.clear()
    return alert


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


@pytest.mark.parametrize("elderly", [False, True])
def test_the_alerts_page_and_its_banner_have_no_accessibility_violations(
    visit, sent_alert, elderly
) -> None:
    browser = visit(elderly=elderly)

    page = browser.open("/alerts/")

    assert browser.last_status == 200
    assert page.locator("h1").inner_text() == "紧急预警"
    assert page.locator(".alert-banner").is_visible()
    assert page.locator("h2", has_text=sent_alert.headline).first.is_visible()
    assert axe_violations(page) == []
    assert browser.console_errors == []

    page = browser.open(f"/alerts/{sent_alert.id}/")
    assert axe_violations(page) == []


def test_the_staff_pages_have_no_accessibility_violations(
    visit, live_server, alert_staff, sent_alert
) -> None:
    drafter, approver = alert_staff
    browser = _signed_in(visit, live_server, approver)

    page = browser.open(f"/alerts/staff/{sent_alert.id}/")
    assert page.locator("#alert-counts").is_visible()
    assert axe_violations(page) == []

    browser = _signed_in(visit, live_server, drafter)
    page = browser.open("/alerts/staff/new/")
    assert axe_violations(page) == []
    page = browser.open("/alerts/staff/")
    assert axe_violations(page) == []
    assert browser.console_errors == []
