"""What can be notified: event types, declared in code by the app that sends them.

An app registers its events from ``AppConfig.ready()`` through
``tongban.notifications.services.event_type_register``. Each event names its category (which
decides whether people may switch it off), the variables its sender provides, the channels it
goes out on, default texts per channel and language (administrators override them in the
admin), and for SMS the code of the template the operator approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.core.registry import Registry
from tongban.notifications.constants import Category, Channel
from tongban.notifications.templating import TemplateText, template_validate


@dataclass(frozen=True)
class EventType:
    code: str
    category: Category
    description: str | Promise
    variables: tuple[str, ...]
    channels: tuple[Channel, ...]
    # (channel, language code) -> text; the platform's default language must be present for
    # every templated channel the event uses.
    templates: Mapping[tuple[Channel, str], TemplateText] = field(default_factory=dict)
    # Example values for the admin's preview.
    sample: Mapping[str, str] = field(default_factory=dict)
    # SMS: the approved template's code at the operator and which variables fill it, in order.
    sms_template_code: str = ""
    sms_parameters: tuple[str, ...] = ()
    # How the approved SMS template reads, for the demo outbox only (the operator holds the text).
    sms_demo_text: str = ""

    def __post_init__(self) -> None:
        for text in self.templates.values():
            template_validate(text, allowed=self.variables)
        unknown = set(self.sms_parameters) - set(self.variables)
        if unknown:
            raise ValueError(f"{self.code}: SMS parameters {sorted(unknown)} are not variables")


event_types: Registry[EventType] = Registry("notification event")

DELIVERY_FAILURES_SUMMARY = "notifications.delivery_failures_summary"

event_types.register(
    DELIVERY_FAILURES_SUMMARY,
    EventType(
        code=DELIVERY_FAILURES_SUMMARY,
        category=Category.OPERATIONS,
        description=_("Daily summary of notifications that could not be delivered"),
        variables=("failed", "since", "breakdown", "link"),
        channels=(Channel.INBOX, Channel.EMAIL),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="消息发送失败汇总：{{ failed }} 条",
                body="自 {{ since }} 以来，有 {{ failed }} 条消息未能送达：\n{{ breakdown }}\n"
                "请在管理后台查看并处理：{{ link }}",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Undelivered notifications: {{ failed }}",
                body="Since {{ since }}, {{ failed }} notifications could not be delivered:\n"
                "{{ breakdown }}\nReview them in the admin: {{ link }}",
            ),
            (Channel.EMAIL, "zh-hans"): TemplateText(
                subject="【通办】消息发送失败汇总：{{ failed }} 条",
                body="自 {{ since }} 以来，有 {{ failed }} 条消息未能送达：\n{{ breakdown }}\n\n"
                "请在管理后台查看并处理：{{ link }}",
            ),
            (Channel.EMAIL, "en"): TemplateText(
                subject="[Tongban] Undelivered notifications: {{ failed }}",
                body="Since {{ since }}, {{ failed }} notifications could not be delivered:\n"
                "{{ breakdown }}\n\nReview them in the admin: {{ link }}",
            ),
        },
        sample={
            "failed": "3",
            "since": "2026-03-15 08:03",
            "breakdown": "SMS · invalid_address: 2\nPush notification · timeout: 1",
            "link": "/admin/notifications/delivery/?status__exact=failed",
        },
    ),
)
