"""The demo SMS gateway: keeps each message for the demo outbox page and sends nothing."""

from __future__ import annotations

from collections.abc import Mapping

from tongban.notifications.events import event_types
from tongban.notifications.models import DemoSms
from tongban.notifications.plugins import SmsGateway
from tongban.notifications.templating import render


class DemoSmsGateway(SmsGateway):
    key = "demo"

    def send(self, *, mobile: str, template_code: str, parameters: Mapping[str, str]) -> str:
        # The operator holds the approved text; the demo shows how the event says it reads.
        demo_text = next(
            (
                event.sms_demo_text
                for event in event_types
                if event.sms_template_code == template_code and event.sms_demo_text
            ),
            "",
        )
        message = DemoSms.objects.create(
            mobile=mobile,
            template_code=template_code,
            parameters=dict(parameters),
            text=render(demo_text, parameters),
        )
        return f"demo-{message.id}"
