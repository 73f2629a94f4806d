"""The inbox, preferences and push subscriptions in the REST API (``/api/v1/notifications``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tongban.notifications import selectors, services
from tongban.notifications.constants import INBOX_PAGE_SIZE, INBOX_PAGE_SIZE_MAX

router = Router(tags=["notifications"], auth=django_auth)


class InboxQuery(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(INBOX_PAGE_SIZE, description=f"Page size, 1 to {INBOX_PAGE_SIZE_MAX}.")


class InboxEntryOut(Schema):
    id: uuid.UUID
    category: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None


class InboxPageOut(Schema):
    items: list[InboxEntryOut]
    next_cursor: str | None = Field(description="Opens the next (older) page; null on the last.")
    unread_count: int = Field(description="Unread messages, counted up to 99.")
    unread_count_capped: bool = Field(description="True when there are more than 99.")


def _entry_out(entry: selectors.InboxEntry) -> InboxEntryOut:
    return InboxEntryOut(
        id=entry.id,
        category=entry.category,
        subject=entry.subject,
        body=entry.body,
        link=entry.link,
        created_at=entry.created_at,
        read=entry.is_read,
        read_at=entry.read_at,
    )


@router.get("/notifications", response=InboxPageOut)
def inbox(request: HttpRequest, query: Query[InboxQuery]) -> InboxPageOut:
    """The signed-in person's messages from every department, newest first."""
    page = selectors.inbox_page_for_user(user=request.user, cursor=query.cursor, limit=query.limit)
    return InboxPageOut(
        items=[_entry_out(entry) for entry in page.entries],
        next_cursor=page.next_cursor,
        unread_count=page.unread_count,
        unread_count_capped=page.unread_count_capped,
    )


class ReadOut(Schema):
    id: uuid.UUID
    read_at: dt.datetime


@router.post("/notifications/{entry_id}/read", response=ReadOut)
def inbox_entry_read(request: HttpRequest, entry_id: uuid.UUID) -> ReadOut:
    """Marks one message read. Someone else's message answers 404."""
    entry = services.inbox_entry_mark_read(user=request.user, entry_id=entry_id)
    assert entry.read_at is not None
    return ReadOut(id=entry.id, read_at=entry.read_at)


class PushKeys(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=64)


class PushSubscriptionIn(Schema):
    """What the browser's ``PushSubscription.toJSON()`` gives, plus a name for the device."""

    endpoint: str = Field(max_length=1000)
    keys: PushKeys
    device_label: str = Field("", max_length=200)


class PushSubscriptionOut(Schema):
    id: uuid.UUID
    device_label: str
    created_at: dt.datetime


@router.post(
    "/notifications/push-subscriptions",
    response={201: PushSubscriptionOut},
    url_name="notifications_push_subscriptions",
)
def push_subscription_create(
    request: HttpRequest, payload: PushSubscriptionIn
) -> Status[PushSubscriptionOut]:
    subscription = services.push_subscription_save(
        user=request.user,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        device_label=payload.device_label,
    )
    return Status(
        201,
        PushSubscriptionOut(
            id=subscription.id,
            device_label=subscription.device_label,
            created_at=subscription.created_at,
        ),
    )


@router.get("/notifications/push-subscriptions", response=list[PushSubscriptionOut])
def push_subscription_list(request: HttpRequest) -> list[PushSubscriptionOut]:
    return [
        PushSubscriptionOut(id=s.id, device_label=s.device_label, created_at=s.created_at)
        for s in selectors.push_subscriptions_for_user(user=request.user)
    ]


@router.delete("/notifications/push-subscriptions/{subscription_id}", response={204: None})
def push_subscription_delete(request: HttpRequest, subscription_id: uuid.UUID) -> Status[None]:
    services.push_subscription_delete(user=request.user, subscription_id=subscription_id)
    return Status(204, None)
