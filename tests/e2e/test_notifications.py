"""The inbox and the notification settings in a real browser, signed in, with axe checks."""

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


def _send(user, subject):
    from tongban.notifications.factories import NotificationFactory, RecipientFactory

    notification = NotificationFactory.create(
        content={
            "zh-hans": {"subject": subject, "body": "您申请的个体工商户登记已受理。"},
            "en": {"subject": subject, "body": "Your application was accepted."},
        },
        link="/",
    )
    return RecipientFactory.create(notification=notification, user=user)


@pytest.mark.parametrize("elderly", [False, True])
def test_the_inbox_has_no_accessibility_violations(visit, live_server, citizen, elderly) -> None:
    _send(citizen, "办件已受理：HC-20260315-0001")
    _send(citizen, "预约提醒")
    browser = _signed_in(visit, live_server, citizen, elderly=elderly)

    page = browser.open("/notifications/")

    assert page.locator("h1").inner_text() == "消息"
    assert page.locator("h2", has_text="办件已受理：HC-20260315-0001").is_visible()
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_reading_a_message_in_the_browser_clears_its_unread_mark(
    visit, live_server, citizen
) -> None:
    entry = _send(citizen, "办件已受理")
    browser = _signed_in(visit, live_server, citizen, language="en-US")
    page = browser.open("/notifications/")

    page.get_by_role("button", name="Mark as read").click()
    page.wait_for_load_state()

    entry.refresh_from_db()
    assert entry.read_at is not None
    assert page.get_by_text("You have no unread messages.").is_visible()
    assert axe_violations(page) == []


def test_the_notification_settings_have_no_accessibility_violations_and_save(
    visit, live_server, citizen
) -> None:
    browser = _signed_in(visit, live_server, citizen)
    page = browser.open("/notifications/preferences/")

    assert axe_violations(page) == []
    page.get_by_label("新闻与公告: 短信").check()
    page.get_by_role("button", name="保存我的选择").click()
    page.wait_for_load_state()

    assert page.get_by_role("status").inner_text() == "您的选择已保存。"
    assert page.get_by_label("新闻与公告: 短信").is_checked()
    assert page.get_by_label("紧急预警: 短信").is_disabled()
    assert axe_violations(page) == []
    assert browser.console_errors == []


def test_the_devices_page_has_no_accessibility_violations(visit, live_server, citizen) -> None:
    browser = _signed_in(visit, live_server, citizen)

    page = browser.open("/notifications/devices/")

    assert page.locator("h1").inner_text() == "我的设备"
    assert axe_violations(page) == []
    assert browser.console_errors == []
