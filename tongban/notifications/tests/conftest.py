"""Fixtures of the notifications tests: an event to send, a real SMTP server, a push endpoint."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tongban.notifications.constants import Category, Channel
from tongban.notifications.events import EventType, event_types
from tongban.notifications.templating import TemplateText

CASE_ACCEPTED = "tests.case_accepted"
ANNOUNCEMENT = "tests.announcement"
DEADLINE = "tests.deadline"


def _texts(subject_zh: str, body_zh: str, subject_en: str, body_en: str, *channels: Channel):
    texts = {}
    for channel in channels:
        texts[(channel, "zh-hans")] = TemplateText(subject_zh, body_zh)
        texts[(channel, "en")] = TemplateText(subject_en, body_en)
    return texts


@pytest.fixture
def case_accepted() -> Iterator[EventType]:
    """An event as the cases app would declare it: inbox, e-mail and push, SMS as fallback."""
    event = EventType(
        code=CASE_ACCEPTED,
        category=Category.CASE_PROGRESS,
        description="Case accepted",
        variables=("case_number", "service"),
        channels=(Channel.INBOX, Channel.EMAIL, Channel.PUSH),
        templates=_texts(
            "办件已受理：{{ case_number }}",
            "您申请的{{ service }}已受理，办件编号 {{ case_number }}。",
            "Application accepted: {{ case_number }}",
            "Your application for {{ service }} was accepted. Case number {{ case_number }}.",
            Channel.INBOX,
            Channel.EMAIL,
            Channel.PUSH,
        ),
        sample={"case_number": "HC-20260315-0001", "service": "个体工商户登记"},
        sms_template_code="SMS_100001",
        sms_parameters=("case_number",),
        sms_demo_text="【通办】您的办件 {{ case_number }} 已受理。",
    )
    with event_types.override(CASE_ACCEPTED, event):
        yield event


@pytest.fixture
def announcement() -> Iterator[EventType]:
    """A non-essential broadcast: inbox and push."""
    event = EventType(
        code=ANNOUNCEMENT,
        category=Category.ANNOUNCEMENT,
        description="Announcement",
        variables=("title",),
        channels=(Channel.INBOX, Channel.PUSH, Channel.EMAIL),
        templates=_texts(
            "公告：{{ title }}",
            "{{ title }}",
            "Notice: {{ title }}",
            "{{ title }}",
            Channel.INBOX,
            Channel.PUSH,
            Channel.EMAIL,
        ),
    )
    with event_types.override(ANNOUNCEMENT, event):
        yield event


@pytest.fixture
def deadline() -> Iterator[EventType]:
    """An essential event sent by SMS only (e.g. a supplementation deadline)."""
    event = EventType(
        code=DEADLINE,
        category=Category.DEADLINE,
        description="Deadline",
        variables=("case_number", "date"),
        channels=(Channel.INBOX, Channel.SMS),
        templates=_texts(
            "补正期限：{{ date }}",
            "办件 {{ case_number }} 请于 {{ date }} 前补正。",
            "Deadline: {{ date }}",
            "Supplement case {{ case_number }} by {{ date }}.",
            Channel.INBOX,
        ),
        sms_template_code="SMS_200002",
        sms_parameters=("case_number", "date"),
        sms_demo_text="【通办】办件{{ case_number }}请于{{ date }}前补正材料。",
    )
    with event_types.override(DEADLINE, event):
        yield event


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Runs what services schedule on commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpCollector:
    refused: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        parsed = message_from_bytes(envelope.content, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": str(parsed["subject"]),
                "message_id": str(parsed["message-id"]).strip(),
                "body": body.get_content(),
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpCollector]:
    """A real SMTP server (aiosmtpd) on a free local port, with Django's SMTP backend on it."""
    from aiosmtpd.controller import Controller

    collector = SmtpCollector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def silent_smtp_server(settings) -> Iterator[None]:
    """Accepts connections and never answers: an SMTP provider that times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = listener.getsockname()[1]
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 0.2
    try:
        yield
    finally:
        listener.close()


class PushEndpoint:
    """A stand-in push service: decrypts what it receives with the browser's private key."""

    def __init__(self) -> None:
        from tongban.notifications.factories import browser_keys

        self.private_key, self.p256dh, self.auth = browser_keys()
        self.received: list[dict[str, Any]] = []
        self.answer = 201
        self.delay = 0.0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import base64
                import time

                import http_ece

                body = self.rfile.read(int(self.headers["Content-Length"]))
                if endpoint.delay:
                    time.sleep(endpoint.delay)
                if endpoint.answer == 201:
                    plain = http_ece.decrypt(
                        body,
                        private_key=endpoint.private_key,
                        auth_secret=base64.urlsafe_b64decode(endpoint.auth + "=="),
                        version="aes128gcm",
                    )
                    endpoint.received.append(
                        {
                            "payload": json.loads(plain),
                            "authorization": self.headers["Authorization"],
                            "encoding": self.headers["Content-Encoding"],
                            "ttl": self.headers["TTL"],
                        }
                    )
                self.send_response(endpoint.answer)
                self.send_header("Location", f"/messages/{len(endpoint.received)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push/device-1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_endpoint(settings) -> Iterator[PushEndpoint]:
    settings.WEB_PUSH_ALLOW_LOCAL_ENDPOINTS = True
    endpoint = PushEndpoint()
    try:
        yield endpoint
    finally:
        endpoint.close()
