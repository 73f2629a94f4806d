from __future__ import annotations

import pytest
from django.core import mail

from tongban.audit.models import AuditEvent
from tongban.notifications.constants import Category, Channel, DeliveryError, DeliveryStatus
from tongban.notifications.exceptions import ContextInvalid, UnknownEvent
from tongban.notifications.models import ChannelPreference, Delivery, Notification, Recipient
from tongban.notifications.services import notification_send, preferences_set
from tongban.notifications.tests.conftest import ANNOUNCEMENT, CASE_ACCEPTED

pytestmark = pytest.mark.django_db

CONTEXT = {"case_number": "HC-20260315-0001", "service": "个体工商户登记"}


def test_a_message_reaches_the_inbox_and_e_mail_once_the_transaction_commits(
    citizen, case_accepted, on_commit
):
    with on_commit() as callbacks:
        notification = notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)
        assert mail.outbox == []
        assert Delivery.objects.count() == 0

    assert len(callbacks) >= 1
    assert notification.text("zh-hans")["subject"] == "办件已受理：HC-20260315-0001"
    assert notification.text("en")["body"] == (
        "Your application for 个体工商户登记 was accepted. Case number HC-20260315-0001."
    )
    assert Recipient.objects.get(notification=notification).user == citizen
    [message] = mail.outbox
    assert message.to == [citizen.email]
    assert message.subject == "办件已受理：HC-20260315-0001"
    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert (email.status, email.attempts, email.provider_id) == (
        DeliveryStatus.SENT,
        1,
        message.extra_headers["Message-ID"],
    )


def test_a_missing_or_unknown_variable_is_refused_and_nothing_is_sent(
    citizen, case_accepted, on_commit
):
    with on_commit(), pytest.raises(ContextInvalid) as missing:
        notification_send(event=CASE_ACCEPTED, context={"case_number": "1"}, recipient=citizen)
    with on_commit(), pytest.raises(ContextInvalid) as unknown:
        notification_send(event=CASE_ACCEPTED, context={**CONTEXT, "nmae": "x"}, recipient=citizen)

    assert [e.code for e in missing.value.errors["context"]] == ["missing_variable"]
    assert "service" in str(missing.value.errors["context"][0].message)
    assert [e.code for e in unknown.value.errors["context"]] == ["unknown_variable"]
    assert "nmae" in str(unknown.value.errors["context"][0].message)
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_an_unknown_event_is_refused(citizen):
    with pytest.raises(UnknownEvent):
        notification_send(event="tests.nothing", context={}, recipient=citizen)

    assert Notification.objects.count() == 0


def test_a_link_must_stay_on_the_portal(citizen, case_accepted):
    from tongban.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as error:
        notification_send(
            event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen, link="https://evil.example/"
        )

    assert list(error.value.errors) == ["link"]
    assert Notification.objects.count() == 0


def test_a_broadcast_is_one_message_with_a_read_mark_per_person(
    citizen, other_citizen, enterprise_agent, announcement, on_commit, django_user_model
):
    with on_commit():
        notification = notification_send(
            event=ANNOUNCEMENT,
            context={"title": "台风预警"},
            recipients=django_user_model.objects.filter(
                username__in=["citizen", "other-citizen", "enterprise-agent"]
            ),
        )

    assert Notification.objects.count() == 1
    assert notification.broadcast is True
    assert notification.recipient_count == 3
    assert Recipient.objects.filter(notification=notification, read_at=None).count() == 3
    notification.refresh_from_db()
    assert notification.fanned_out_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [citizen.email, other_citizen.email, enterprise_agent.email]
    )


def test_a_broadcast_fans_out_in_batches_without_sending_twice(
    citizen, other_citizen, announcement, on_commit, monkeypatch
):
    from tongban.notifications import services

    monkeypatch.setattr(services, "FAN_OUT_BATCH_SIZE", 1)
    with on_commit():
        notification = notification_send(
            event=ANNOUNCEMENT, context={"title": "停水通知"}, recipients=[citizen, other_citizen]
        )
    first = Delivery.objects.count()

    handled = services.notification_fan_out(notification_id=notification.id, batch_size=1)

    assert handled == 2
    assert Delivery.objects.count() == first
    assert len(mail.outbox) == 2


def test_the_same_dedupe_key_sends_once(citizen, case_accepted, on_commit):
    with on_commit():
        first = notification_send(
            event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen, dedupe_key="case-1:accepted"
        )
        second = notification_send(
            event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen, dedupe_key="case-1:accepted"
        )

    assert first.id == second.id
    assert len(mail.outbox) == 1


def test_a_person_who_switched_the_category_off_is_skipped_and_that_is_recorded(
    citizen, announcement, on_commit
):
    preferences_set(
        user=citizen,
        choices={(Category.ANNOUNCEMENT, Channel.EMAIL): False},
    )

    with on_commit():
        notification = notification_send(
            event=ANNOUNCEMENT, context={"title": "公告"}, recipient=citizen
        )

    assert mail.outbox == []
    email = Delivery.objects.get(notification=notification, channel=Channel.EMAIL)
    assert (email.status, email.error_code, email.attempts) == (
        DeliveryStatus.SKIPPED,
        DeliveryError.SWITCHED_OFF,
        0,
    )
    # The inbox is the record: the message is still there.
    assert Recipient.objects.filter(user=citizen, notification=notification).exists()


def test_an_essential_message_ignores_an_old_opt_out(citizen, deadline, on_commit):
    ChannelPreference.objects.create(
        user=citizen, category=Category.DEADLINE, channel=Channel.SMS, enabled=False
    )

    with on_commit():
        notification_send(
            event="tests.deadline",
            context={"case_number": "HC-1", "date": "2026-04-01"},
            recipient=citizen,
        )

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.SENT


def test_staff_sending_a_broadcast_is_audited(administrator, citizen, announcement, on_commit):
    with on_commit():
        notification = notification_send(
            event=ANNOUNCEMENT, context={"title": "x"}, recipients=[citizen], actor=administrator
        )

    event = AuditEvent.objects.get(object_id=str(notification.id))
    assert (event.actor_id, event.kind, event.summary["recipients"]) == (
        administrator.pk,
        "created",
        1,
    )
