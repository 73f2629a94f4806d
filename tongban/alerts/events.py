"""The one notification event of alerts (registered at start-up by the app config)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.notifications.constants import Category, Channel
from tongban.notifications.services import EventType, TemplateText

ALERT_EVENT = "alerts.emergency_alert"


def alert_event_type() -> EventType:
    # Inbox and push; whoever has no device subscribed gets the SMS instead (push falls back
    # to SMS). Essential category: preferences cannot switch it off.
    return EventType(
        code=ALERT_EVENT,
        category=Category.EMERGENCY_ALERT,
        description=_("Emergency alert for the region a person lives in or chose"),
        variables=("headline", "event", "areas", "instruction"),
        channels=(Channel.INBOX, Channel.PUSH),
        templates={
            (channel, "zh-hans"): TemplateText(
                subject="【预警】{{ headline }}",
                body="{{ areas }}：{{ event }}。{{ instruction }}",
            )
            for channel in (Channel.INBOX, Channel.PUSH)
        }
        | {
            (channel, "en"): TemplateText(
                subject="[Alert] {{ headline }}",
                body="{{ areas }}: {{ event }}. {{ instruction }}",
            )
            for channel in (Channel.INBOX, Channel.PUSH)
        },
        sample={
            "headline": "海川市气象台发布暴雨橙色预警",
            "event": "暴雨橙色预警",
            "areas": "临江区",
            "instruction": "请避免外出，远离低洼地带。",
        },
        sms_template_code="SMS_TONGBAN_ALERT",
        sms_parameters=("headline", "instruction"),
        sms_demo_text="【通办预警】{{ headline }}。{{ instruction }}",
    )
