from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tongban.audit.models import AuditEvent
from tongban.core.exceptions import Conflict
from tongban.notifications import tasks
from tongban.notifications.constants import (
    SENDING_STALE_AFTER,
    Channel,
    DeliveryError,
    DeliveryStatus,
    retry_delay,
)
from tongban.notifications.events import DELIVERY_FAILURES_SUMMARY
from tongban.notifications.factories import DeliveryFactory
from tongban.notifications.models import Delivery, Notification, Recipient
from tongban.notifications.services import (
    deliveries_retry_due,
    delivery_attempt,
    delivery_failures_summarize,
    delivery_retry,
    notification_send,
)
from tongban.notifications.tests.conftest import CASE_ACCEPTED

pytestmark = pytest.mark.django_db

CONTEXT = {"case_number": "HC-1", "service": "个体工商户登记"}


def test_the_backoff_doubles_and_is_bounded():
    assert [retry_delay(n).total_seconds() for n in range(1, 10)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_a_retried_task_never_sends_twice(citizen, case_accepted, on_commit):
    with on_commit():
        notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
    email = Delivery.objects.get(channel=Channel.EMAIL)

    again = tasks.deliveries_send([str(email.id)])

    assert again == {"sent": 1}
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_delivery_claimed_by_another_worker_is_left_alone(citizen, case_accepted):
    notification = notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
    claimed = DeliveryFactory.create(
        notification=notification,
        user=citizen,
        status=DeliveryStatus.SENDING,
        attempts=1,
        last_attempt_at=timezone.now(),
    )

    assert delivery_attempt(delivery_id=claimed.id) == DeliveryStatus.SENDING
    assert mail.outbox == []


def test_an_attempt_whose_worker_died_is_failed_not_sent_again(citizen, case_accepted):
    notification = notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
    now = timezone.now()
    stuck = DeliveryFactory.create(
        notification=notification,
        user=citizen,
        status=DeliveryStatus.SENDING,
        attempts=1,
        last_attempt_at=now - SENDING_STALE_AFTER - dt.timedelta(seconds=1),
    )

    deliveries_retry_due(now=now)

    stuck.refresh_from_db()
    assert (stuck.status, stuck.error_code) == (DeliveryStatus.FAILED, DeliveryError.INTERRUPTED)
    assert mail.outbox == []


def test_the_sweep_schedules_only_retries_that_are_due(citizen, case_accepted, on_commit):
    notification = notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
    now = timezone.now()
    due = DeliveryFactory.create(
        notification=notification,
        user=citizen,
        attempts=1,
        next_attempt_at=now - dt.timedelta(seconds=1),
    )
    DeliveryFactory.create(
        notification=notification,
        user=citizen,
        channel=Channel.SMS,
        attempts=1,
        next_attempt_at=now + dt.timedelta(minutes=5),
    )

    with on_commit():
        scheduled = deliveries_retry_due(now=now)

    assert scheduled == 1
    due.refresh_from_db()
    assert due.status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [[citizen.email]]


def test_failures_are_summarised_daily_to_administrators_through_the_platform(
    administrator, citizen, on_commit
):
    DeliveryFactory.create(user=citizen, failed=True)
    DeliveryFactory.create(
        user=citizen, failed=True, channel=Channel.SMS, error_code="invalid_address"
    )
    DeliveryFactory.create(user=citizen, status=DeliveryStatus.SENT)

    with on_commit():
        summary = delivery_failures_summarize()
        again = delivery_failures_summarize()

    assert summary is not None
    assert again is not None
    assert again.id == summary.id
    assert summary.event_code == DELIVERY_FAILURES_SUMMARY
    entry = Recipient.objects.get(notification=summary)
    assert entry.user == administrator
    text = summary.text("zh-hans")
    assert text["subject"] == "消息发送失败汇总：2 条"
    assert "invalid_address: 1" in text["body"]
    assert "timeout: 1" in text["body"]
    [message] = mail.outbox
    assert message.to == [administrator.email]
    # Nothing about the people concerned leaves in the summary.
    assert citizen.email not in message.body


def test_a_day_without_failures_sends_no_summary(administrator):
    assert delivery_failures_summarize() is None
    assert Notification.objects.count() == 0


def test_the_daily_summary_is_scheduled(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "tongban.notifications.tasks.delivery_failures_summarize" in tasks_scheduled
    assert "tongban.notifications.tasks.deliveries_retry_due" in tasks_scheduled


def test_an_administrator_sends_a_failed_delivery_again_and_it_is_audited(
    administrator, citizen, case_accepted, on_commit
):
    notification = notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
    failed = DeliveryFactory.create(notification=notification, user=citizen, failed=True)

    with on_commit():
        delivery_retry(delivery=failed, actor=administrator)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.SENT, 1)
    event = AuditEvent.objects.get(object_id=str(failed.id))
    assert (event.actor_id, event.kind) == (administrator.pk, "status_changed")


def test_only_a_failed_delivery_can_be_sent_again(administrator, citizen):
    sent = DeliveryFactory.create(user=citizen, status=DeliveryStatus.SENT)

    with pytest.raises(Conflict):
        delivery_retry(delivery=sent, actor=administrator)

    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT


def test_administrators_see_failures_in_the_admin(client: Client, administrator, citizen):
    DeliveryFactory.create(user=citizen, failed=True)
    client.force_login(administrator)

    response = client.get(
        "/admin/notifications/delivery/?status__exact=failed", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "The provider did not answer in time" in response.content.decode()
    assert citizen.email not in response.content.decode()
