"""Messages, inbox entries, deliveries and devices for the tests (users come from personas)."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

import factory
from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory, Trait

from tongban.notifications.constants import Category, Channel, DeliveryStatus
from tongban.notifications.models import Delivery, Notification, PushSubscription, Recipient


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> tuple[Any, str, str]:
    """What a browser makes when it subscribes: an ECDH key pair and an auth secret.

    Returns (private key, p256dh, auth) with the public parts in base64url, as
    ``PushSubscription.toJSON()`` gives them.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private_key = ec.generate_private_key(ec.SECP256R1())
    public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return private_key, _b64url(public), _b64url(secrets.token_bytes(16))


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    event_code = "tests.case_accepted"
    category = Category.CASE_PROGRESS
    content = Sequence(
        lambda n: {
            "zh-hans": {"subject": f"消息 {n}", "body": f"第 {n} 条消息。"},
            "en": {"subject": f"Message {n}", "body": f"Message number {n}."},
        }
    )
    context = LazyFunction(lambda: json.dumps({"case_number": "HC-1", "service": "S"}))


class RecipientFactory(factory.django.DjangoModelFactory[Recipient]):
    """An inbox entry; pass ``user``."""

    class Meta:
        model = Recipient

    notification = SubFactory(NotificationFactory)
    created_at = LazyAttribute(lambda entry: entry.notification.created_at)


class DeliveryFactory(factory.django.DjangoModelFactory[Delivery]):
    """Pass ``user``; ``failed=True`` for a delivery that gave up."""

    class Meta:
        model = Delivery

    notification = SubFactory(NotificationFactory)
    channel = Channel.EMAIL
    status = DeliveryStatus.PENDING

    class Params:
        failed = Trait(status=DeliveryStatus.FAILED, attempts=5, error_code="timeout")


class PushSubscriptionFactory(factory.django.DjangoModelFactory[PushSubscription]):
    """Pass ``user``; the keys are a real browser-style key pair (its private half is lost)."""

    class Meta:
        model = PushSubscription

    endpoint = Sequence(lambda n: f"https://push.example.invalid/send/{n}")
    p256dh = LazyFunction(lambda: browser_keys()[1])
    auth = LazyFunction(lambda: browser_keys()[2])
    device_label = Sequence(lambda n: f"Phone {n}")
