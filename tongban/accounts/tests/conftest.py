"""Helpers for the accounts tests: codes from the demo SMS outbox and the e-mail outbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from tongban.notifications.models import DemoSms


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def sms_code() -> str:
    message = DemoSms.objects.order_by("-created_at").first()
    assert message is not None, "no SMS was sent"
    return str(message.parameters["code"])


def email_code() -> str:
    match = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert match is not None
    return match.group(1)
