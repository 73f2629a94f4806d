"""Region-wide broadcasts filled in batches, each its own transaction, and their counts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tongban.notifications.constants import Channel, DeliveryStatus
from tongban.notifications.models import Delivery, Notification, Recipient
from tongban.notifications.selectors import delivery_counts
from tongban.notifications.services import (
    broadcast_close,
    broadcast_open,
    broadcast_recipients_add,
)
from tongban.notifications.tests.conftest import ANNOUNCEMENT

pytestmark = pytest.mark.django_db


def test_an_open_broadcast_has_no_recipients_until_batches_are_added(announcement):
    message = broadcast_open(event=ANNOUNCEMENT, context={"title": "停水通知"})

    assert message.broadcast
    assert message.recipient_count == 0
    assert not Recipient.objects.exists()
    assert message.fanned_out_at is None


def test_each_batch_writes_read_marks_and_deliveries_and_never_twice(announcement, on_commit):
    # Accounts is a higher layer: the people are made through the user model itself.
    people = [
        get_user_model().objects.create(username=f"person-{n}", email=f"p{n}@example.invalid")
        for n in range(5)
    ]
    message = broadcast_open(event=ANNOUNCEMENT, context={"title": "停水通知"})

    with on_commit():
        first = broadcast_recipients_add(
            notification_id=message.id, user_ids=[p.pk for p in people[:3]]
        )
    with on_commit():
        second = broadcast_recipients_add(
            notification_id=message.id, user_ids=[p.pk for p in people[2:]]
        )
    broadcast_close(notification_id=message.id)

    assert (first, second) == (3, 2)
    message.refresh_from_db()
    assert message.recipient_count == 5
    assert message.fanned_out_at is not None
    assert Recipient.objects.filter(notification=message).count() == 5
    assert Delivery.objects.filter(notification=message, channel=Channel.EMAIL).count() == 5
    counts = delivery_counts(notification_id=message.id)
    assert counts.recipients == 5
    assert counts.read == 0
    assert counts.total(Channel.EMAIL, DeliveryStatus.SENT) == 5
    assert counts.pending == 0


def test_the_same_key_opens_one_broadcast(announcement):
    first = broadcast_open(event=ANNOUNCEMENT, context={"title": "停水"}, dedupe_key="k-1")
    second = broadcast_open(event=ANNOUNCEMENT, context={"title": "停水"}, dedupe_key="k-1")

    assert first == second
    assert Notification.objects.count() == 1
