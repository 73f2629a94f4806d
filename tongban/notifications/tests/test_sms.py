from __future__ import annotations

import pytest
from django.test import Client

from tongban.notifications.constants import Channel, DeliveryError, DeliveryStatus
from tongban.notifications.models import Delivery, DemoSms, SmsTemplateBinding
from tongban.notifications.plugins import SmsGateway, sms_gateways
from tongban.notifications.services import notification_send
from tongban.notifications.tests.conftest import DEADLINE

pytestmark = pytest.mark.django_db

CONTEXT = {"case_number": "HC-20260315-0001", "date": "2026-04-01"}


def test_sms_sends_the_approved_template_code_with_its_parameters(citizen, deadline, on_commit):
    with on_commit():
        notification_send(event=DEADLINE, context=CONTEXT, recipient=citizen)

    sms = DemoSms.objects.get()
    assert sms.mobile == citizen.mobile
    assert sms.template_code == "SMS_200002"
    assert sms.parameters == {"case_number": "HC-20260315-0001", "date": "2026-04-01"}
    assert sms.text == "【通办】办件HC-20260315-0001请于2026-04-01前补正材料。"
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert (delivery.status, delivery.provider_id) == (DeliveryStatus.SENT, f"demo-{sms.id}")


def test_an_administrator_s_binding_overrides_the_event_s_template_code(
    citizen, deadline, on_commit
):
    SmsTemplateBinding.objects.create(
        event_code=DEADLINE, template_code="SMS_999999", parameters=["date"]
    )

    with on_commit():
        notification_send(event=DEADLINE, context=CONTEXT, recipient=citizen)

    sms = DemoSms.objects.get()
    assert (sms.template_code, sms.parameters) == ("SMS_999999", {"date": "2026-04-01"})


def test_an_sms_to_an_invalid_number_fails_clearly_and_is_not_sent(citizen, deadline, on_commit):
    citizen.mobile = "12345"
    citizen.save()

    with on_commit():
        notification_send(event=DEADLINE, context=CONTEXT, recipient=citizen)

    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        DeliveryStatus.FAILED,
        1,
        DeliveryError.INVALID_ADDRESS,
    )
    assert delivery.error == "not an 11-digit mainland mobile number"
    assert DemoSms.objects.count() == 0


def test_a_person_without_a_mobile_number_is_recorded_as_not_sent(citizen, deadline, on_commit):
    citizen.mobile = ""
    citizen.save()

    with on_commit():
        notification_send(event=DEADLINE, context=CONTEXT, recipient=citizen)

    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert (delivery.status, delivery.error_code) == (
        DeliveryStatus.SKIPPED,
        DeliveryError.NO_ADDRESS,
    )


def test_a_gateway_that_times_out_is_retried(citizen, deadline, on_commit, settings):
    class Slow(SmsGateway):
        key = "slow"

        def send(self, *, mobile, template_code, parameters):
            raise TimeoutError

    settings.SMS_GATEWAY = "slow"
    with sms_gateways.override("slow", Slow()), on_commit():
        notification_send(event=DEADLINE, context=CONTEXT, recipient=citizen)

    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        DeliveryStatus.PENDING,
        1,
        DeliveryError.TIMEOUT,
    )


def test_the_demo_outbox_shows_messages_with_masked_numbers_in_demo_mode(
    client: Client, citizen, deadline, on_commit, settings
):
    settings.DEMO_MODE = True
    with on_commit():
        notification_send(event=DEADLINE, context=CONTEXT, recipient=citizen)

    html = client.get("/notifications/demo/sms/").content.decode()

    assert "SMS_200002" in html
    assert "请于2026-04-01前补正材料" in html
    assert citizen.mobile not in html
    assert citizen.mobile[:3] + "****" + citizen.mobile[-4:] in html


def test_the_demo_outbox_does_not_exist_outside_demo_mode(client: Client, settings):
    settings.DEMO_MODE = False

    assert client.get("/notifications/demo/sms/").status_code == 404
