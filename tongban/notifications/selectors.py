"""Reads, each scoped to the person asking: an inbox entry of someone else is "not found"."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import FieldError, InvalidInput, NotFound
from tongban.notifications.constants import (
    CHANNEL_DEFAULTS,
    ESSENTIAL_CATEGORIES,
    INBOX_PAGE_SIZE,
    INBOX_PAGE_SIZE_MAX,
    SWITCHABLE_CHANNELS,
    UNREAD_COUNT_CAP,
    Category,
    Channel,
    DeliveryStatus,
)
from tongban.notifications.events import EventType, event_types
from tongban.notifications.exceptions import UnknownEvent
from tongban.notifications.models import (
    ChannelPreference,
    Delivery,
    DemoSms,
    MessageTemplate,
    PushSubscription,
    Recipient,
    SmsTemplateBinding,
)
from tongban.notifications.templating import TemplateText

# --- events and their texts ----------------------------------------------------------------


def event_type_get(*, code: str) -> EventType:
    event = event_types.get(code)
    if event is None:
        raise UnknownEvent(params={})
    return event


def message_text_get(*, event: EventType, channel: Channel, language: str) -> TemplateText | None:
    """The administrator's template if there is one, else the event's default, in ``language``
    or else the platform's default language; ``None`` when the event has no text for ``channel``."""
    from django.conf import settings

    languages = (
        [language] if language == settings.LANGUAGE_CODE else [language, settings.LANGUAGE_CODE]
    )
    stored = {
        template.language: template
        for template in MessageTemplate.objects.filter(
            event_code=event.code, channel=channel, language__in=languages
        )
    }
    for candidate in languages:
        if candidate in stored:
            return TemplateText(subject=stored[candidate].subject, body=stored[candidate].body)
        default = event.templates.get((channel, candidate))
        if default is not None:
            return default
    return None


@dataclass(frozen=True)
class SmsTemplate:
    template_code: str
    parameters: tuple[str, ...]


def sms_template_get(*, event: EventType) -> SmsTemplate | None:
    binding = SmsTemplateBinding.objects.filter(event_code=event.code).first()
    if binding is not None:
        return SmsTemplate(binding.template_code, tuple(binding.parameters or ()))
    if event.sms_template_code:
        return SmsTemplate(event.sms_template_code, event.sms_parameters)
    return None


# --- the inbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxEntry:
    id: uuid.UUID
    category: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


@dataclass(frozen=True)
class InboxPage:
    entries: list[InboxEntry]
    next_cursor: str | None
    unread_count: int
    unread_count_capped: bool


def _cursor_encode(recipient: Recipient) -> str:
    raw = json.dumps([recipient.created_at.isoformat(), str(recipient.id)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, entry_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = dt.datetime.fromisoformat(created_at)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment, uuid.UUID(entry_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidInput(
            errors={"cursor": [FieldError("invalid", _("This page link is not valid."))]}
        ) from error


def _inbox(user: Any) -> QuerySet[Recipient]:
    return Recipient.objects.filter(user=user, in_inbox=True)


def unread_count_for_user(*, user: Any) -> tuple[int, bool]:
    """How many unread messages, counted up to the cap: (count, capped)."""
    if not getattr(user, "is_authenticated", False):
        return 0, False
    count = _inbox(user).filter(read_at__isnull=True)[: UNREAD_COUNT_CAP + 1].count()
    return min(count, UNREAD_COUNT_CAP), count > UNREAD_COUNT_CAP


def inbox_page_for_user(
    *,
    user: Any,
    cursor: str | None = None,
    limit: int = INBOX_PAGE_SIZE,
    language: str | None = None,
) -> InboxPage:
    """One page of the person's inbox, newest first; ``next_cursor`` opens the next page."""
    if not 1 <= limit <= INBOX_PAGE_SIZE_MAX:
        raise InvalidInput(
            errors={
                "limit": [
                    FieldError(
                        "out_of_range",
                        _("Give a page size from 1 to %(maximum)s.")
                        % {"maximum": INBOX_PAGE_SIZE_MAX},
                    )
                ]
            }
        )
    rows = (
        _inbox(user)
        .select_related("notification")
        .defer("notification__context")
        .order_by("-created_at", "-id")
    )
    if cursor:
        created_at, entry_id = _cursor_decode(cursor)
        rows = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=entry_id))
    page = list(rows[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    entries = []
    for row in page:
        text = row.notification.text(language)
        entries.append(
            InboxEntry(
                id=row.id,
                category=row.notification.category,
                subject=text.get("subject", ""),
                body=text.get("body", ""),
                link=row.notification.link,
                created_at=row.created_at,
                read_at=row.read_at,
            )
        )
    unread, capped = unread_count_for_user(user=user)
    return InboxPage(
        entries=entries,
        next_cursor=_cursor_encode(page[-1]) if more and page else None,
        unread_count=unread,
        unread_count_capped=capped,
    )


def inbox_entry_get_for_user(*, user: Any, entry_id: uuid.UUID | str) -> Recipient:
    """The person's own inbox entry; anyone else's answers "not found", like a missing one."""
    try:
        return _inbox(user).get(id=entry_id)
    except (Recipient.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- preferences -----------------------------------------------------------------------------


def channel_allowed(
    *, category: str, channel: str, choices: Mapping[tuple[str, str], bool]
) -> bool:
    """Whether a message of ``category`` goes out on ``channel`` given a person's choices."""
    if channel == Channel.INBOX or category in ESSENTIAL_CATEGORIES:
        return True
    if (category, channel) in choices:
        return choices[(category, channel)]
    return CHANNEL_DEFAULTS.get(Channel(channel), False)


def preference_choices_for_users(
    *, user_ids: Iterable[Any]
) -> dict[Any, dict[tuple[str, str], bool]]:
    choices: dict[Any, dict[tuple[str, str], bool]] = {}
    for row in ChannelPreference.objects.filter(user_id__in=list(user_ids)):
        choices.setdefault(row.user_id, {})[(row.category, row.channel)] = row.enabled
    return choices


@dataclass(frozen=True)
class PreferenceCell:
    channel: str
    label: str
    enabled: bool
    field_name: str


@dataclass(frozen=True)
class PreferenceRow:
    category: str
    label: str
    essential: bool
    cells: list[PreferenceCell]


def preference_channels() -> tuple[Channel, ...]:
    from django.conf import settings

    return tuple(
        channel
        for channel in SWITCHABLE_CHANNELS
        if channel != Channel.PUSH or settings.WEB_PUSH_ENABLED
    )


def preference_categories_for_user(*, user: Any) -> list[Category]:
    return [
        category
        for category in Category
        if category != Category.OPERATIONS or getattr(user, "is_staff", False)
    ]


def preferences_for_user(*, user: Any) -> list[PreferenceRow]:
    choices = preference_choices_for_users(user_ids=[user.pk]).get(user.pk, {})
    return [
        PreferenceRow(
            category=category.value,
            label=str(category.label),
            essential=category in ESSENTIAL_CATEGORIES,
            cells=[
                PreferenceCell(
                    channel=channel.value,
                    label=str(channel.label),
                    enabled=channel_allowed(category=category, channel=channel, choices=choices),
                    field_name=f"{category.value}__{channel.value}",
                )
                for channel in preference_channels()
            ],
        )
        for category in preference_categories_for_user(user=user)
    ]


# --- devices and the demo outbox ---------------------------------------------------------------


def push_subscriptions_for_user(*, user: Any) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("-created_at"))


def push_subscription_get_for_user(
    *, user: Any, subscription_id: uuid.UUID | str
) -> PushSubscription:
    try:
        return PushSubscription.objects.get(user=user, id=subscription_id)
    except (PushSubscription.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def demo_sms_outbox(*, limit: int = 50) -> list[DemoSms]:
    """The latest messages of the demo gateway (the page exists only in demo mode)."""
    return list(DemoSms.objects.order_by("-created_at")[:limit])


# --- failures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureCount:
    channel: str
    error_code: str
    count: int


def delivery_failures_since(*, since: dt.datetime) -> list[FailureCount]:
    rows = (
        Delivery.objects.filter(status=DeliveryStatus.FAILED, updated_at__gte=since)
        .values("channel", "error_code")
        .order_by("channel", "error_code")
    )
    from django.db.models import Count

    return [
        FailureCount(channel=row["channel"], error_code=row["error_code"], count=row["count"])
        for row in rows.annotate(count=Count("id"))
    ]


# --- delivery counts of one message ------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryCounts:
    """How far a message got: recipients, and per channel how many deliveries in each status."""

    recipients: int
    read: int
    by_channel: dict[str, dict[str, int]]

    def total(self, channel: str, status: str) -> int:
        return self.by_channel.get(channel, {}).get(status, 0)

    @property
    def pending(self) -> int:
        """Deliveries not yet final (waiting or being sent)."""
        return sum(
            count
            for statuses in self.by_channel.values()
            for status, count in statuses.items()
            if status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
        )

    @property
    def channels(self) -> list[dict[str, Any]]:
        """Per channel used, in channel order: its label and counts by status (for pages)."""
        return [
            {
                "channel": channel.value,
                "label": channel.label,
                "sent": self.total(channel, DeliveryStatus.SENT),
                "pending": self.total(channel, DeliveryStatus.PENDING)
                + self.total(channel, DeliveryStatus.SENDING),
                "failed": self.total(channel, DeliveryStatus.FAILED),
                "skipped": self.total(channel, DeliveryStatus.SKIPPED),
            }
            for channel in Channel
            if channel.value in self.by_channel
        ]


def delivery_counts(*, notification_id: uuid.UUID | str) -> DeliveryCounts:
    """Two grouped queries on indexed columns, whatever the number of recipients."""
    from django.db.models import Count

    from tongban.notifications.models import Notification

    notification = Notification.objects.only("recipient_count").get(id=notification_id)
    by_channel: dict[str, dict[str, int]] = {}
    rows = (
        Delivery.objects.filter(notification_id=notification_id)
        .values("channel", "status")
        .order_by()
        .annotate(count=Count("id"))
    )
    for row in rows:
        by_channel.setdefault(row["channel"], {})[row["status"]] = row["count"]
    read = Recipient.objects.filter(notification_id=notification_id, read_at__isnull=False).count()
    return DeliveryCounts(recipients=notification.recipient_count, read=read, by_channel=by_channel)
