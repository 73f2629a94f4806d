"""Every write of the notifications app: sending, delivering, reading, choosing.

``notification_send`` is the one way any app notifies people. It writes the message and each
recipient's inbox entry in the caller's transaction and, once that commits, fans out in
batches: one ``Delivery`` per person and channel, each sent by a task, retried with bounded
exponential backoff, falling back from push to SMS, and recorded whatever happens.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.notifications.constants import (
    ESSENTIAL_CATEGORIES,
    FALLBACK_ORDER,
    FAN_OUT_BATCH_SIZE,
    MAX_ATTEMPTS,
    SEND_BATCH_SIZE,
    SENDING_STALE_AFTER,
    SWITCHABLE_CHANNELS,
    Category,
    Channel,
    DeliveryError,
    DeliveryStatus,
    retry_delay,
)
from tongban.notifications.events import DELIVERY_FAILURES_SUMMARY, EventType, event_types
from tongban.notifications.exceptions import (
    CategoryEssential,
    ContextInvalid,
    MessageNotSent,
    PushDisabled,
    PushSubscriptionInvalid,
    TemplateInvalid,
)
from tongban.notifications.models import (
    ChannelPreference,
    Delivery,
    MessageTemplate,
    Notification,
    PushSubscription,
    Recipient,
    SmsTemplateBinding,
)
from tongban.notifications.plugins import ChannelFailure, Outgoing, channel_senders, sms_gateways
from tongban.notifications.plugins.sms import mobile_is_valid, mobile_normalize
from tongban.notifications.selectors import (
    channel_allowed,
    delivery_failures_since,
    event_type_get,
    inbox_entry_get_for_user,
    message_text_get,
    preference_choices_for_users,
    push_subscription_get_for_user,
    sms_template_get,
)
from tongban.notifications.templating import TemplateText, render, template_validate

__all__ = [
    "EventType",
    "TemplateText",
    "address_message_send",
    "broadcast_close",
    "broadcast_open",
    "broadcast_recipients_add",
    "event_type_register",
    "mobile_is_valid",
    "mobile_normalize",
    "notification_send",
]

logger = logging.getLogger(__name__)

# A first attempt whose task was lost (a broker restart between commit and enqueue) is picked
# up by the periodic sweep after this long; queued ones normally run well before.
_LOST_FIRST_ATTEMPT_AFTER = dt.timedelta(minutes=2)


def event_type_register(event: EventType) -> EventType:
    """Declares an event that can be sent (call from the sending app's ``AppConfig.ready()``)."""
    return event_types.register(event.code, event)


# --- sending ---------------------------------------------------------------------------------


def _context_clean(event: EventType, context: Mapping[str, Any]) -> dict[str, str]:
    problems = []
    missing = sorted(set(event.variables) - set(context))
    unknown = sorted(set(context) - set(event.variables))
    if missing:
        problems.append(
            FieldError(
                "missing_variable",
                _("Missing value for: %(names)s.") % {"names": ", ".join(missing)},
            )
        )
    if unknown:
        problems.append(
            FieldError(
                "unknown_variable",
                _("Unknown variable: %(names)s. This event provides: %(allowed)s.")
                % {"names": ", ".join(unknown), "allowed": ", ".join(event.variables) or "-"},
            )
        )
    if problems:
        raise ContextInvalid(errors={"context": problems})
    return {name: str(context[name]) for name in event.variables}


def _link_clean(link: str) -> str:
    parts = urlsplit(link)
    if link and (parts.scheme or parts.netloc or not link.startswith("/")):
        raise InvalidInput(
            errors={"link": [FieldError("invalid", _("Link to a page of the portal (/…)."))]}
        )
    return link


def _inbox_content(event: EventType, values: Mapping[str, str]) -> dict[str, dict[str, str]]:

    content = {}
    for language, _name in settings.LANGUAGES:
        text = message_text_get(event=event, channel=Channel.INBOX, language=language)
        if text is not None:
            content[language] = {
                "subject": render(text.subject, values),
                "body": render(text.body, values),
            }
    return content


def _user_ids(recipients: Iterable[Any]) -> Iterator[Any]:
    if isinstance(recipients, QuerySet):
        yield from recipients.values_list("pk", flat=True).order_by().iterator(FAN_OUT_BATCH_SIZE)
        return
    seen = set()
    for recipient in recipients:
        user_id = getattr(recipient, "pk", recipient)
        if user_id not in seen:
            seen.add(user_id)
            yield user_id


def _recipients_add(notification: Notification, user_ids: Iterator[Any], *, in_inbox: bool) -> int:
    total = 0
    while batch := list(islice(user_ids, FAN_OUT_BATCH_SIZE)):
        Recipient.objects.bulk_create(
            [
                Recipient(
                    notification=notification,
                    user_id=user_id,
                    in_inbox=in_inbox,
                    created_at=notification.created_at,
                )
                for user_id in batch
            ],
            ignore_conflicts=True,
        )
        total += len(batch)
    return total


def notification_send(
    *,
    event: str,
    context: Mapping[str, Any],
    recipient: Any | None = None,
    recipients: Iterable[Any] | QuerySet[Any] | None = None,
    link: str = "",
    actor: Any | None = None,
    dedupe_key: str | None = None,
) -> Notification:
    """Notifies one person (``recipient``) or many (``recipients``: users, user ids, or a
    query of users — the broadcast form, e.g. everyone an alert targets).

    One message row, one inbox entry per person, written in the caller's transaction; the
    deliveries fan out in batches once it commits. ``context`` must give exactly the event's
    variables. With ``dedupe_key``, a second call with the same key returns the first message
    and sends nothing. ``actor`` is the staff member sending, if any (audited).
    """
    if (recipient is None) == (recipients is None):
        raise ValueError("give either recipient or recipients")
    event_type = event_type_get(code=event)
    values = _context_clean(event_type, context)
    link = _link_clean(link)
    if dedupe_key is not None:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    content = _inbox_content(event_type, values) if Channel.INBOX in event_type.channels else {}
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    event_code=event_type.code,
                    category=event_type.category,
                    content=content,
                    context=json.dumps(values, ensure_ascii=False),
                    link=link,
                    broadcast=recipients is not None,
                    dedupe_key=dedupe_key,
                    sent_by=actor,
                )
        except IntegrityError:
            # The same key committed meanwhile by a concurrent sender.
            return Notification.objects.get(dedupe_key=dedupe_key)
        targets = [recipient] if recipient is not None else recipients
        assert targets is not None
        notification.recipient_count = _recipients_add(
            notification, _user_ids(targets), in_inbox=bool(content)
        )
        notification.save(update_fields=["recipient_count"])
        if actor is not None:
            audit_event_record(
                kind=AuditEventKind.CREATED,
                actor_id=actor.pk,
                object_type="notifications.notification",
                object_id=str(notification.id),
                summary={"event": event_type.code, "recipients": notification.recipient_count},
            )
        notification_id = str(notification.id)
        transaction.on_commit(lambda: _task("notification_fan_out").delay(notification_id))
    return notification


def broadcast_open(
    *,
    event: str,
    context: Mapping[str, Any],
    link: str = "",
    actor: Any | None = None,
    dedupe_key: str | None = None,
) -> Notification:
    """Opens a broadcast to be filled in batches: one message row, no recipients yet.

    For region-wide sends (an emergency alert to a whole city): ``notification_send`` writes
    every read mark in the caller's transaction, which for 100,000 people is one long
    transaction holding locks. Here the caller adds recipients with
    ``broadcast_recipients_add`` a batch at a time, each batch its own transaction whose
    deliveries are created and queued as soon as it commits. With ``dedupe_key``, a second
    call returns the first message.
    """
    event_type = event_type_get(code=event)
    values = _context_clean(event_type, context)
    link = _link_clean(link)
    if dedupe_key is not None:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    content = _inbox_content(event_type, values) if Channel.INBOX in event_type.channels else {}
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    event_code=event_type.code,
                    category=event_type.category,
                    content=content,
                    context=json.dumps(values, ensure_ascii=False),
                    link=link,
                    broadcast=True,
                    dedupe_key=dedupe_key,
                    sent_by=actor,
                )
        except IntegrityError:
            return Notification.objects.get(dedupe_key=dedupe_key)
        if actor is not None:
            audit_event_record(
                kind=AuditEventKind.CREATED,
                actor_id=actor.pk,
                object_type="notifications.notification",
                object_id=str(notification.id),
                summary={"event": event_type.code, "broadcast": True},
            )
    return notification


def broadcast_recipients_add(*, notification_id: uuid.UUID | str, user_ids: Sequence[Any]) -> int:
    """Adds one batch of recipients to an open broadcast, in one transaction of its own.

    Writes their read marks and their deliveries and queues the sends once the batch commits.
    Idempotent: people already on the message are skipped, so a retried batch sends nothing
    twice. Returns how many people were new.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().defer("context").get(id=notification_id)
        )
        present = set(
            Recipient.objects.filter(notification=notification, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        new_ids = list(dict.fromkeys(u for u in user_ids if u not in present))
        if not new_ids:
            return 0
        added = _recipients_add(notification, iter(new_ids), in_inbox=bool(notification.content))
        Notification.objects.filter(id=notification.id).update(
            recipient_count=F("recipient_count") + added
        )
        event = event_types.get(notification.event_code)
        channels = [c for c in event.channels if c != Channel.INBOX] if event else []
        if event is not None and channels:
            _sends_enqueue(_batch_deliveries(notification, event, channels, new_ids))
    return added


def broadcast_close(*, notification_id: uuid.UUID | str) -> None:
    """Marks an open broadcast as completely fanned out."""
    Notification.objects.filter(id=notification_id).update(fanned_out_at=timezone.now())


def _task(name: str) -> Any:
    from tongban.notifications import tasks

    return getattr(tasks, name)


def _sends_enqueue(delivery_ids: Sequence[uuid.UUID]) -> None:
    ids = [str(delivery_id) for delivery_id in delivery_ids]

    def enqueue() -> None:
        for start in range(0, len(ids), SEND_BATCH_SIZE):
            _task("deliveries_send").delay(ids[start : start + SEND_BATCH_SIZE])

    if ids:
        transaction.on_commit(enqueue)


# --- fan-out -----------------------------------------------------------------------------------


def _fallback_channel(channel: str, event: EventType) -> Channel | None:
    if channel not in FALLBACK_ORDER:
        return None
    position = FALLBACK_ORDER.index(Channel(channel))
    for candidate in FALLBACK_ORDER[position + 1 :]:
        if candidate == Channel.SMS and sms_template_get(event=event) is None:
            continue
        return candidate
    return None


def _batch_deliveries(
    notification: Notification, event: EventType, channels: Sequence[Channel], user_ids: list[Any]
) -> list[uuid.UUID]:
    """Creates the deliveries of one batch of recipients; returns those to send now."""
    done = set(
        Delivery.objects.filter(notification=notification, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    user_ids = [user_id for user_id in user_ids if user_id not in done]
    if not user_ids:
        return []
    choices = preference_choices_for_users(user_ids=user_ids)
    subscribed: set[Any] = set()
    if Channel.PUSH in channels:
        subscribed = set(
            PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
        )
    push_fallback = _fallback_channel(Channel.PUSH, event)
    now = timezone.now()
    rows: list[Delivery] = []
    for user_id in user_ids:
        mine = choices.get(user_id, {})
        planned = set(channels)

        def add(channel: Channel, user_id: Any = user_id, **fields: Any) -> Delivery:
            row = Delivery(
                id=uuid.uuid4(),
                notification=notification,
                user_id=user_id,
                channel=channel,
                **{"next_attempt_at": now, **fields},
            )
            rows.append(row)
            return row

        for channel in channels:
            allowed = channel_allowed(category=event.category, channel=channel, choices=mine)
            if not allowed:
                add(
                    channel,
                    status=DeliveryStatus.SKIPPED,
                    error_code=DeliveryError.SWITCHED_OFF,
                    next_attempt_at=None,
                )
            elif channel == Channel.PUSH and (
                user_id not in subscribed or not settings.WEB_PUSH_ENABLED
            ):
                skipped = add(
                    channel,
                    status=DeliveryStatus.SKIPPED,
                    error_code=DeliveryError.NO_SUBSCRIPTION,
                    next_attempt_at=None,
                )
                if (
                    push_fallback is not None
                    and push_fallback not in planned
                    and channel_allowed(
                        category=event.category, channel=push_fallback, choices=mine
                    )
                ):
                    planned.add(push_fallback)
                    add(push_fallback, fallback_of=skipped)
            else:
                add(channel)
    Delivery.objects.bulk_create(rows)
    return [row.id for row in rows if row.status == DeliveryStatus.PENDING]


def notification_fan_out(
    *, notification_id: uuid.UUID | str, batch_size: int = FAN_OUT_BATCH_SIZE
) -> int:
    """Creates and schedules the deliveries of a message, one batch of recipients at a time.

    Idempotent: a recipient who already has deliveries is left alone, so a task that runs
    twice (a worker restarted mid-way) sends nothing twice. Returns the recipients handled.
    """
    notification = Notification.objects.defer("context").get(id=notification_id)
    event = event_types.get(notification.event_code)
    channels = [c for c in event.channels if c != Channel.INBOX] if event else []
    handled = 0
    after: uuid.UUID | None = None
    while channels:
        with transaction.atomic():
            rows = Recipient.objects.filter(notification=notification).order_by("id")
            if after is not None:
                rows = rows.filter(id__gt=after)
            batch = list(rows.values_list("id", "user_id")[:batch_size])
            if not batch:
                break
            assert event is not None
            _sends_enqueue(
                _batch_deliveries(notification, event, channels, [user for _id, user in batch])
            )
        after = batch[-1][0]
        handled += len(batch)
    Notification.objects.filter(id=notification.id).update(fanned_out_at=timezone.now())
    return handled


# --- delivering --------------------------------------------------------------------------------


def _outgoing(delivery: Delivery, event: EventType) -> Outgoing:
    user = delivery.user
    return Outgoing(
        delivery_id=delivery.id,
        notification_id=delivery.notification_id,
        user_id=delivery.user_id,
        email=user.email or "",
        mobile=getattr(user, "mobile", "") or "",
        event=event,
        context=delivery.notification.context_data(),
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
        link=delivery.notification.link,
    )


def _fallback_create(delivery: Delivery) -> Delivery | None:
    if delivery.error_code == DeliveryError.SWITCHED_OFF:
        return None
    event = event_types.get(delivery.notification.event_code)
    if event is None:
        return None
    channel = _fallback_channel(delivery.channel, event)
    if channel is None:
        return None
    choices = preference_choices_for_users(user_ids=[delivery.user_id]).get(delivery.user_id, {})
    if not channel_allowed(category=event.category, channel=channel, choices=choices):
        return None
    if Delivery.objects.filter(
        notification_id=delivery.notification_id, user_id=delivery.user_id, channel=channel
    ).exists():
        return None
    fallback = Delivery.objects.create(
        notification_id=delivery.notification_id,
        user_id=delivery.user_id,
        channel=channel,
        next_attempt_at=timezone.now(),
        fallback_of=delivery,
    )
    _sends_enqueue([fallback.id])
    return fallback


def _delivery_record(
    *,
    delivery_id: uuid.UUID,
    attempt: int,
    provider_id: str,
    failure: ChannelFailure | None,
    now: dt.datetime,
) -> str:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("notification").get(id=delivery_id)
        )
        if delivery.status != DeliveryStatus.SENDING or delivery.attempts != attempt:
            # The stale sweep gave up on this attempt meanwhile; its verdict stands.
            return delivery.status
        if failure is None:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.provider_id = provider_id[:500]
            delivery.error_code = ""
            delivery.error = ""
        else:
            delivery.error_code = failure.code
            delivery.error = failure.detail
            if failure.skipped:
                delivery.status = DeliveryStatus.SKIPPED
            elif failure.retryable and delivery.attempts < MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            else:
                delivery.status = DeliveryStatus.FAILED
        delivery.save()
        if delivery.status in {DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}:
            _fallback_create(delivery)
        return delivery.status


def delivery_attempt(*, delivery_id: uuid.UUID | str, now: dt.datetime | None = None) -> str:
    """Makes the next attempt of one delivery if it is due; returns its status afterwards.

    The attempt is claimed first (pending → sending, in its own transaction), so a task
    delivered twice finds it claimed and sends nothing; the provider is called outside any
    transaction; the outcome is recorded in a second one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification", "user")
            .filter(id=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        due = delivery.next_attempt_at is None or delivery.next_attempt_at <= now
        if delivery.status != DeliveryStatus.PENDING or not due:
            return delivery.status
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = None
        delivery.save(
            update_fields=["status", "attempts", "last_attempt_at", "next_attempt_at", "updated_at"]
        )
    provider_id = ""
    failure: ChannelFailure | None = None
    try:
        event = event_types.get(delivery.notification.event_code)
        if event is None:
            raise ChannelFailure(DeliveryError.NO_TEMPLATE, "the event is no longer registered")
        sender = channel_senders.get(delivery.channel)
        if sender is None:
            raise ChannelFailure(DeliveryError.DISABLED, "no sender for this channel")
        with override(getattr(delivery.user, "language", "") or settings.LANGUAGE_CODE):
            provider_id = sender.send(_outgoing(delivery, event))
    except ChannelFailure as error:
        failure = error
    except TimeoutError:
        failure = ChannelFailure(DeliveryError.TIMEOUT, retryable=True)
    except Exception as error:
        # No traceback: a provider's message may quote an address, and logs hold no personal data.
        logger.error(
            "notification delivery failed unexpectedly: %s",
            type(error).__name__,
            extra={"delivery_id": str(delivery.id), "channel": delivery.channel},
        )
        failure = ChannelFailure(DeliveryError.UNAVAILABLE, type(error).__name__, retryable=True)
    return _delivery_record(
        delivery_id=delivery.id,
        attempt=delivery.attempts,
        provider_id=provider_id,
        failure=failure,
        now=timezone.now() if now is None else now,
    )


def deliveries_attempt(*, delivery_ids: Sequence[uuid.UUID | str]) -> dict[str, int]:
    """Attempts a batch of deliveries (one task's worth); returns how many ended in each status."""
    outcome: dict[str, int] = {}
    for delivery_id in delivery_ids:
        status = delivery_attempt(delivery_id=delivery_id)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def deliveries_retry_due(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """The periodic sweep: schedules retries that are due, and gives up on attempts whose
    worker died mid-send (marked failed, never sent again). Returns how many it scheduled."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            Delivery.objects.select_for_update()
            .select_related("notification")
            .filter(status=DeliveryStatus.SENDING, last_attempt_at__lt=now - SENDING_STALE_AFTER)[
                :limit
            ]
        )
        for delivery in stale:
            delivery.status = DeliveryStatus.FAILED
            delivery.error_code = DeliveryError.INTERRUPTED
            delivery.error = ""
            delivery.save(update_fields=["status", "error_code", "error", "updated_at"])
            _fallback_create(delivery)
        due = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING)
            .filter(
                Q(attempts=0, next_attempt_at__lte=now - _LOST_FIRST_ATTEMPT_AFTER)
                | Q(attempts__gt=0, next_attempt_at__lte=now)
            )
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        _sends_enqueue(due)
    return len(due)


def delivery_retry(*, delivery: Delivery, actor: Any) -> Delivery:
    """An administrator sends a failed delivery again (a fresh round of attempts)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(id=delivery.id)
        if delivery.status != DeliveryStatus.FAILED:
            from tongban.core.exceptions import Conflict

            raise Conflict(_("Only a failed delivery can be sent again."))
        previous = {"attempts": delivery.attempts, "error_code": delivery.error_code}
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.error_code = ""
        delivery.error = ""
        delivery.save()
        audit_event_record(
            kind=AuditEventKind.STATUS_CHANGED,
            actor_id=actor.pk,
            object_type="notifications.delivery",
            object_id=str(delivery.id),
            summary={
                "from": DeliveryStatus.FAILED.value,
                "to": DeliveryStatus.PENDING.value,
                **previous,
            },
        )
        _sends_enqueue([delivery.id])
    return delivery


def delivery_failures_summarize(*, now: dt.datetime | None = None) -> Notification | None:
    """The daily report to administrators of what could not be delivered in the last day,
    sent through the platform itself; once per day, and only when something failed."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=1)
    failures = delivery_failures_since(since=since)
    total = sum(failure.count for failure in failures)
    if not total:
        return None
    administrators = get_user_model().objects.filter(is_superuser=True, is_active=True)
    if not administrators.exists():
        logger.warning(
            "undelivered notifications, but no administrator to tell", extra={"failed": total}
        )
        return None
    with override(settings.LANGUAGE_CODE):
        breakdown = "\n".join(
            f"{Channel(failure.channel).label} · {failure.error_code or '-'}: {failure.count}"
            for failure in failures
        )
    local_since = timezone.localtime(since)
    return notification_send(
        event=DELIVERY_FAILURES_SUMMARY,
        recipients=administrators,
        context={
            "failed": total,
            "since": f"{local_since:%Y-%m-%d %H:%M}",
            "breakdown": breakdown,
            "link": "/admin/notifications/delivery/?status__exact=failed",
        },
        dedupe_key=f"{DELIVERY_FAILURES_SUMMARY}:{timezone.localdate(now).isoformat()}",
    )


# --- the inbox -------------------------------------------------------------------------------


def inbox_entry_mark_read(*, user: Any, entry_id: uuid.UUID | str) -> Recipient:
    """Marks one of the person's messages read (again is harmless); others' are "not found"."""
    with transaction.atomic():
        entry = inbox_entry_get_for_user(user=user, entry_id=entry_id)
        if entry.read_at is None:
            entry.read_at = timezone.now()
            Recipient.objects.filter(id=entry.id, read_at__isnull=True).update(
                read_at=entry.read_at
            )
    return entry


def inbox_mark_all_read(*, user: Any) -> int:
    with transaction.atomic():
        return Recipient.objects.filter(user=user, in_inbox=True, read_at__isnull=True).update(
            read_at=timezone.now()
        )


# --- preferences -----------------------------------------------------------------------------


def preferences_set(*, user: Any, choices: Mapping[tuple[str, str], bool]) -> None:
    """Saves a person's choices per (category, channel). Switching off an essential category is
    refused; the inbox cannot be switched off."""
    errors: dict[str, list[FieldError]] = {}
    for category, channel in choices:
        if category not in Category.values or channel not in [c.value for c in SWITCHABLE_CHANNELS]:
            errors.setdefault(f"{category}__{channel}", []).append(
                FieldError("invalid", _("There is no such choice."))
            )
        elif category in ESSENTIAL_CATEGORIES and not choices[(category, channel)]:
            errors.setdefault(f"{category}__{channel}", []).append(
                FieldError("essential", CategoryEssential.default_message)
            )
    if errors:
        raise (
            CategoryEssential(errors=errors)
            if all(error.code == "essential" for items in errors.values() for error in items)
            else InvalidInput(errors=errors)
        )
    with transaction.atomic():
        for (category, channel), enabled in choices.items():
            if category in ESSENTIAL_CATEGORIES:
                continue
            ChannelPreference.objects.update_or_create(
                user=user, category=category, channel=channel, defaults={"enabled": enabled}
            )


# --- push subscriptions ------------------------------------------------------------------------


def _b64url_length(value: str) -> int:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return -1


def _endpoint_problem(endpoint: str) -> str | None:
    parts = urlsplit(endpoint)
    if len(endpoint) > 1000 or not parts.hostname:
        return "endpoint"
    if settings.WEB_PUSH_ALLOW_LOCAL_ENDPOINTS:
        return None if parts.scheme in {"http", "https"} else "endpoint"
    if parts.scheme != "https" or parts.hostname == "localhost":
        return "endpoint"
    try:
        address = ipaddress.ip_address(parts.hostname.strip("[]"))
    except ValueError:
        return None
    return "endpoint" if not address.is_global else None


def push_subscription_save(
    *, user: Any, endpoint: str, p256dh: str, auth: str, device_label: str = ""
) -> PushSubscription:
    """Remembers a browser's subscription for the person (a browser that moves to another
    account moves its subscription with it)."""
    if not (settings.WEB_PUSH_ENABLED and settings.VAPID_PRIVATE_KEY):
        raise PushDisabled()
    errors: dict[str, list[FieldError]] = {}
    if _endpoint_problem(endpoint):
        errors["endpoint"] = [FieldError("invalid", _("This is not a push service's address."))]
    if _b64url_length(p256dh) != 65 or not p256dh:
        errors["p256dh"] = [FieldError("invalid", _("This key is not valid."))]
    if _b64url_length(auth) != 16:
        errors["auth"] = [FieldError("invalid", _("This key is not valid."))]
    if errors:
        raise PushSubscriptionInvalid(errors=errors)
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "device_label": " ".join(device_label.split())[:200],
            },
        )
    return subscription


def push_subscription_delete(*, user: Any, subscription_id: uuid.UUID | str) -> None:
    with transaction.atomic():
        push_subscription_get_for_user(user=user, subscription_id=subscription_id).delete()


# --- templates (administrators) ---------------------------------------------------------------


def message_template_validate(*, event_code: str, subject: str, body: str) -> None:
    event = event_type_get(code=event_code)
    template_validate(TemplateText(subject=subject, body=body), allowed=event.variables)


def sms_template_binding_validate(*, event_code: str, parameters: Sequence[str]) -> None:
    event = event_type_get(code=event_code)
    unknown = sorted(set(parameters) - set(event.variables))
    if unknown:
        raise TemplateInvalid(
            errors={
                "parameters": [
                    FieldError(
                        "unknown_variable",
                        _("Unknown variable: %(names)s. This event provides: %(allowed)s.")
                        % {"names": ", ".join(unknown), "allowed": ", ".join(event.variables)},
                    )
                ]
            }
        )


def message_template_save(*, template: MessageTemplate, actor: Any) -> MessageTemplate:
    """Saves an administrator's template after checking every variable it uses exists."""
    message_template_validate(
        event_code=template.event_code, subject=template.subject, body=template.body
    )
    with transaction.atomic():
        created = template._state.adding
        template.save()
        audit_event_record(
            kind=AuditEventKind.CONFIGURATION_CHANGED,
            actor_id=actor.pk,
            object_type="notifications.messagetemplate",
            object_id=str(template.id),
            summary={
                "event": template.event_code,
                "channel": template.channel,
                "language": template.language,
                "created": created,
            },
        )
    return template


def sms_template_binding_save(*, binding: SmsTemplateBinding, actor: Any) -> SmsTemplateBinding:
    sms_template_binding_validate(
        event_code=binding.event_code, parameters=binding.parameters or []
    )
    with transaction.atomic():
        binding.save()
        audit_event_record(
            kind=AuditEventKind.CONFIGURATION_CHANGED,
            actor_id=actor.pk,
            object_type="notifications.smstemplatebinding",
            object_id=str(binding.id),
            summary={"event": binding.event_code, "template_code": binding.template_code},
        )
    return binding


# --- messages to an address that may have no account yet -----------------------------------


def address_message_send(
    *,
    event: str,
    context: Mapping[str, Any],
    mobile: str = "",
    email: str = "",
    language: str | None = None,
) -> str:
    """Sends one event's message straight to a mobile number or an e-mail address, now.

    For what cannot wait for the inbox and may go to someone without an account: sign-up and
    sign-in codes. Nothing is stored (a code is a secret; the inbox is a record), and the send
    is not retried: the person asks for a new code instead. SMS goes out by the event's
    approved template through the configured gateway, e-mail with the event's e-mail text.
    Returns the provider's id; raises ``MessageNotSent`` when the channel refused.
    """
    from django.core.mail import EmailMessage
    from django.utils.translation import get_language

    if bool(mobile) == bool(email):
        raise ValueError("give either mobile or email")
    event_type = event_type_get(code=event)
    values = _context_clean(event_type, context)
    if mobile:
        template = sms_template_get(event=event_type)
        gateway = sms_gateways.get(settings.SMS_GATEWAY)
        if template is None or gateway is None or not mobile_is_valid(mobile):
            raise MessageNotSent()
        parameters = {name: values.get(name, "") for name in template.parameters}
        try:
            return gateway.send(
                mobile=mobile_normalize(mobile),
                template_code=template.template_code,
                parameters=parameters,
            )
        except ChannelFailure as error:
            logger.warning("SMS to an address failed", extra={"code": error.code.value})
            raise MessageNotSent() from error
    text = message_text_get(
        event=event_type, channel=Channel.EMAIL, language=language or get_language()
    )
    if text is None:
        raise MessageNotSent()
    message = EmailMessage(
        subject=" ".join(render(text.subject, values).split()),
        body=render(text.body, values),
        to=[email],
    )
    try:
        message.send(fail_silently=False)
    except OSError as error:
        logger.warning("e-mail to an address failed", extra={"error": type(error).__name__})
        raise MessageNotSent() from error
    return str(message.extra_headers.get("Message-ID", ""))
