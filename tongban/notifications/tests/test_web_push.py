from __future__ import annotations

import json

import pytest
from django.test import Client

from tongban.notifications.constants import Channel, DeliveryError, DeliveryStatus
from tongban.notifications.factories import PushSubscriptionFactory, browser_keys
from tongban.notifications.models import Delivery, DemoSms, PushSubscription
from tongban.notifications.plugins import webpush as webpush_plugin
from tongban.notifications.plugins.webpush import vapid_public_key
from tongban.notifications.services import notification_send, push_subscription_save
from tongban.notifications.tests.conftest import ANNOUNCEMENT, CASE_ACCEPTED

pytestmark = pytest.mark.django_db

CONTEXT = {"case_number": "HC-20260315-0001", "service": "个体工商户登记"}
API = "/api/v1/notifications/push-subscriptions"


def _subscribe(user, endpoint):
    return push_subscription_save(
        user=user, endpoint=endpoint.url, p256dh=endpoint.p256dh, auth=endpoint.auth
    )


def test_a_push_is_encrypted_for_the_device_and_signed_with_the_platform_s_key(
    citizen, case_accepted, push_endpoint, on_commit
):
    subscription = _subscribe(citizen, push_endpoint)

    with on_commit():
        notification = notification_send(
            event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen, link="/cases/HC-1/"
        )

    [received] = push_endpoint.received
    assert received["payload"] == {
        "title": "办件已受理：HC-20260315-0001",
        "body": "您申请的个体工商户登记已受理，办件编号 HC-20260315-0001。",
        "url": "/cases/HC-1/",
        "tag": str(notification.id),
    }
    assert received["encoding"] == "aes128gcm"
    assert received["authorization"].startswith("vapid t=")
    assert received["authorization"].endswith(f"k={vapid_public_key()}")
    delivery = Delivery.objects.get(channel=Channel.PUSH)
    assert (delivery.status, delivery.provider_id) == (DeliveryStatus.SENT, "/messages/1")
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None


def test_a_gone_subscription_is_removed_and_the_message_falls_back_to_sms(
    citizen, case_accepted, push_endpoint, on_commit
):
    _subscribe(citizen, push_endpoint)
    push_endpoint.answer = 410

    with on_commit():
        notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)

    assert PushSubscription.objects.count() == 0
    push = Delivery.objects.get(channel=Channel.PUSH)
    assert (push.status, push.error_code, push.attempts) == (
        DeliveryStatus.FAILED,
        DeliveryError.SUBSCRIPTION_GONE,
        1,
    )
    # Case progress is not essential: SMS is opt-in, so the fallback is not used by default.
    assert not Delivery.objects.filter(channel=Channel.SMS).exists()


def test_a_failed_push_falls_back_to_sms_when_the_person_takes_sms(
    citizen, case_accepted, push_endpoint, on_commit
):
    from tongban.notifications.constants import Category
    from tongban.notifications.services import preferences_set

    preferences_set(user=citizen, choices={(Category.CASE_PROGRESS, Channel.SMS): True})
    _subscribe(citizen, push_endpoint)
    push_endpoint.answer = 404

    with on_commit():
        notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)

    push = Delivery.objects.get(channel=Channel.PUSH)
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.fallback_of) == (DeliveryStatus.SENT, push)
    assert DemoSms.objects.get().template_code == "SMS_100001"


def test_a_slow_push_service_is_retried_later(
    citizen, case_accepted, push_endpoint, on_commit, monkeypatch
):
    monkeypatch.setattr(webpush_plugin, "PUSH_TIMEOUT_SECONDS", 0.1)
    push_endpoint.delay = 0.5
    _subscribe(citizen, push_endpoint)

    with on_commit():
        notification_send(event=CASE_ACCEPTED, context=CONTEXT, recipient=citizen)

    push = Delivery.objects.get(channel=Channel.PUSH)
    assert (push.status, push.error_code, push.attempts) == (
        DeliveryStatus.PENDING,
        DeliveryError.TIMEOUT,
        1,
    )
    assert PushSubscription.objects.count() == 1


def test_a_broadcast_pushes_to_every_subscribed_person(
    citizen, other_citizen, announcement, push_endpoint, on_commit
):
    _subscribe(citizen, push_endpoint)

    with on_commit():
        notification_send(
            event=ANNOUNCEMENT, context={"title": "台风"}, recipients=[citizen, other_citizen]
        )

    assert [r["payload"]["title"] for r in push_endpoint.received] == ["公告：台风"]
    other = Delivery.objects.get(user=other_citizen, channel=Channel.PUSH)
    assert (other.status, other.error_code) == (
        DeliveryStatus.SKIPPED,
        DeliveryError.NO_SUBSCRIPTION,
    )


def test_a_person_subscribes_a_device_through_the_api(client: Client, citizen):
    _private, p256dh, auth = browser_keys()
    client.force_login(citizen)

    response = client.post(
        API,
        {
            "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
            "keys": {"p256dh": p256dh, "auth": auth},
            "device_label": "华为 Mate",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    subscription = PushSubscription.objects.get()
    assert (subscription.user, subscription.device_label) == (citizen, "华为 Mate")


@pytest.mark.parametrize(
    ("endpoint", "field"),
    [
        ("http://fcm.googleapis.com/fcm/send/abc", "endpoint"),
        ("https://127.0.0.1/push", "endpoint"),
        ("https://10.0.0.8/push", "endpoint"),
        ("https://localhost/push", "endpoint"),
        ("javascript:alert(1)", "endpoint"),
    ],
)
def test_an_endpoint_that_is_not_a_public_push_service_is_refused(
    client: Client, citizen, endpoint, field
):
    _private, p256dh, auth = browser_keys()
    client.force_login(citizen)

    response = client.post(
        API,
        {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "push_subscription_invalid"
    assert list(response.json()["errors"]) == [field]
    assert PushSubscription.objects.count() == 0


def test_malformed_keys_are_refused(client: Client, citizen):
    client.force_login(citizen)

    response = client.post(
        API,
        {"endpoint": "https://push.example.com/x", "keys": {"p256dh": "abc", "auth": "!!"}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["auth", "p256dh"]
    assert PushSubscription.objects.count() == 0


def test_subscribing_needs_a_signed_in_person(client: Client):
    response = client.post(API, {}, content_type="application/json")

    assert response.status_code == 401


def test_someone_else_s_device_cannot_be_removed(client: Client, citizen, other_citizen):
    theirs = PushSubscriptionFactory.create(user=other_citizen)
    client.force_login(citizen)

    api = client.delete(f"{API}/{theirs.id}")
    page = client.post(f"/notifications/devices/{theirs.id}/remove/")

    assert api.status_code == 404
    assert page.status_code == 404
    assert PushSubscription.objects.filter(id=theirs.id).exists()


def test_a_person_removes_their_device_on_the_devices_page(client: Client, citizen):
    mine = PushSubscriptionFactory.create(user=citizen, device_label="我的手机")
    client.force_login(citizen)

    page = client.get("/notifications/devices/").content.decode()
    response = client.post(f"/notifications/devices/{mine.id}/remove/")

    assert "我的手机" in page
    assert vapid_public_key() in page
    assert response.status_code == 302
    assert not PushSubscription.objects.exists()


def test_the_portal_installs_as_an_app(client: Client):
    manifest = client.get("/manifest.webmanifest")
    worker = client.get("/service-worker.js")
    home = client.get("/").content.decode()

    assert manifest["Content-Type"].startswith("application/manifest+json")
    document = json.loads(manifest.content)
    assert (document["display"], document["start_url"]) == ("standalone", "/")
    assert document["icons"]
    assert worker["Content-Type"].startswith("text/javascript")
    assert 'addEventListener("push"' in worker.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in home
    assert 'data-service-worker="/service-worker.js"' in home
