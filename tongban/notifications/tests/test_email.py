from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.notifications.constants import MAX_ATTEMPTS, Channel, DeliveryError, DeliveryStatus
from tongban.notifications.models import Delivery
from tongban.notifications.services import delivery_attempt, notification_send
from tongban.notifications.tests.conftest import CASE_ACCEPTED

pytestmark = pytest.mark.django_db

CONTEXT = {"case_number": "HC-20260315-0001", "service": "个体工商户登记"}


def test_e_mail_goes_out_through_a_real_smtp_server(citizen, case_accepted, smtp_server, on_commit):
    with on_commit():
        notification_send(
            event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen, link="/cases/HC-1/"
        )

    [message] = smtp_server.messages
    assert message["to"] == [citizen.email]
    assert message["subject"] == "办件已受理：HC-20260315-0001"
    assert "办件编号 HC-20260315-0001" in message["body"]
    assert "http://localhost:8000/cases/HC-1/" in message["body"]
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_id == message["message_id"]


def test_a_refused_address_fails_at_once_without_retrying_or_leaking_it(
    citizen, case_accepted, smtp_server, on_commit
):
    smtp_server.refused.add(citizen.email)

    with on_commit():
        notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)

    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        DeliveryStatus.FAILED,
        1,
        DeliveryError.INVALID_ADDRESS,
    )
    assert delivery.error == "SMTP 550"
    assert citizen.email not in delivery.error
    assert smtp_server.messages == []


def test_a_provider_timeout_is_retried_with_backoff_then_recorded_as_failed(
    citizen, case_accepted, silent_smtp_server, on_commit
):
    with on_commit():
        notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        DeliveryStatus.PENDING,
        1,
        DeliveryError.TIMEOUT,
    )
    waits = []
    now = timezone.now()
    while delivery.status == DeliveryStatus.PENDING:
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - (delivery.last_attempt_at or now))
        # Not due yet: nothing happens.
        assert (
            delivery_attempt(
                delivery_id=delivery.id, now=delivery.next_attempt_at - dt.timedelta(seconds=1)
            )
            == "pending"
        )
        now = delivery.next_attempt_at
        delivery_attempt(delivery_id=delivery.id, now=now)
        delivery.refresh_from_db()

    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        DeliveryStatus.FAILED,
        MAX_ATTEMPTS,
        DeliveryError.TIMEOUT,
    )
    assert waits == [dt.timedelta(seconds=s) for s in (30, 60, 120, 240)]
