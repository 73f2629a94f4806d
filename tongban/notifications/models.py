"""Messages, who received them, how each was delivered, and what people chose.

A ``Notification`` is one message, however many people receive it: a region-wide alert is
one row. Each recipient has a narrow ``Recipient`` row (their inbox entry and read mark), and
each channel it went out on for them a ``Delivery`` row with its status, attempts, the
provider's id and the error: failures are data an administrator can see, never only a log line.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tongban.core.fields import EncryptedTextField
from tongban.core.models import BaseModel
from tongban.notifications.constants import (
    Category,
    Channel,
    DeliveryError,
    DeliveryStatus,
)


class Notification(BaseModel):
    event_code = models.CharField(_("event"), max_length=100)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    # The inbox text in every language, rendered once when the message is sent, so an inbox
    # shows what was said even after its template is edited: {"zh-hans": {"subject", "body"}}.
    content = models.JSONField(_("content"), default=dict, blank=True)
    # The sender's variables (JSON), encrypted: they may name a person or carry a code, and
    # e-mail, SMS and push texts are rendered from them when each delivery is attempted.
    context = EncryptedTextField(_("variables"), blank=True)
    link = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A page of the portal.")
    )
    broadcast = models.BooleanField(_("broadcast"), default=False)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # A caller's own idempotency key: sending twice with the same key sends once.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    fanned_out_at = models.DateTimeField(_("fanned out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["event_code", "-created_at"], name="notif_event_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="notif_category_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_code} {self.created_at:%Y-%m-%d %H:%M}"

    def context_data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.context) if self.context else {}
        return data

    def text(self, language: str | None = None) -> dict[str, str]:
        """The inbox subject and body in ``language`` (the active one), else the default."""
        content: dict[str, dict[str, str]] = self.content or {}
        for candidate in (language or get_language(), settings.LANGUAGE_CODE):
            if candidate and candidate in content:
                return content[candidate]
        return next(iter(content.values()), {"subject": "", "body": ""})


class Recipient(models.Model):
    """One person's copy of a message: their inbox entry and read mark."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    in_inbox = models.BooleanField(default=True)
    # The message's time, copied so the inbox orders by one index without a join.
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "user"], name="notif_recipient_once_per_message"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at", "-id"],
                condition=models.Q(in_inbox=True),
                name="notif_inbox_order",
            ),
            models.Index(
                fields=["user"],
                condition=models.Q(in_inbox=True, read_at__isnull=True),
                name="notif_inbox_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.user_id}"


class Delivery(BaseModel):
    """One message to one person on one channel: status, attempts, provider id, error."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=500, blank=True)
    error_code = models.CharField(
        _("error"), max_length=32, choices=DeliveryError.choices, blank=True
    )
    # What the provider said, without addresses: shown to administrators.
    error = models.CharField(_("error detail"), max_length=500, blank=True)
    fallback_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fallback for"),
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # Idempotency: fanning out twice never creates a second delivery.
            models.UniqueConstraint(
                fields=["notification", "user", "channel"], name="notif_delivery_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="notif_delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_delivery_due"),
            models.Index(fields=["status", "updated_at"], name="notif_delivery_status_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class ChannelPreference(models.Model):
    """A person's choice for one category on one channel; no row means the default."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category", "channel"], name="notif_preference_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.channel}: {self.enabled}"


class MessageTemplate(BaseModel):
    """An administrator's text for one event on one channel in one language."""

    event_code = models.CharField(_("event"), max_length=100)
    channel = models.CharField(
        _("channel"),
        max_length=16,
        choices=[(c.value, c.label) for c in (Channel.INBOX, Channel.EMAIL, Channel.PUSH)],
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(
        _("subject"),
        max_length=200,
        help_text=_("Title of the inbox message, e-mail subject or push title."),
    )
    body = models.TextField(
        _("body"), help_text=_("Write variables as {{ name }}; the event lists those it provides.")
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["event_code", "channel", "language"], name="notif_template_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_code} · {self.channel} · {self.language}"


class SmsTemplateBinding(BaseModel):
    """Which operator-approved SMS template an event uses, and the variables that fill it."""

    event_code = models.CharField(_("event"), max_length=100, unique=True)
    template_code = models.CharField(
        _("approved template code"),
        max_length=64,
        help_text=_("The code the SMS operator gave the approved template, e.g. SMS_123456."),
    )
    parameters = models.JSONField(
        _("parameters"),
        default=list,
        blank=True,
        help_text=_("Names of the event's variables that fill the template, in order."),
    )

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")

    def __str__(self) -> str:
        return f"{self.event_code} → {self.template_code}"


class PushSubscription(BaseModel):
    """One browser or installed app that receives this person's pushes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=64)
    device_label = models.CharField(_("device"), max_length=200, blank=True)
    last_success_at = models.DateTimeField(_("last delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        indexes = [models.Index(fields=["user", "-created_at"], name="notif_push_by_user")]

    def __str__(self) -> str:
        return self.device_label or str(self.id)


class DemoSms(BaseModel):
    """An SMS the demo gateway "sent": shown on the demo outbox page instead of a phone."""

    mobile = EncryptedTextField(_("mobile number"))
    template_code = models.CharField(_("approved template code"), max_length=64)
    parameters = models.JSONField(_("parameters"), default=dict)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("demo SMS")
        verbose_name_plural = _("demo SMS")
        indexes = [models.Index(fields=["-created_at"], name="notif_demo_sms_recent")]

    def __str__(self) -> str:
        return self.template_code
