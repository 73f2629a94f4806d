"""Web push (RFC 8030) with VAPID (RFC 8292) and aes128gcm encryption (RFC 8291), by pywebpush."""

from __future__ import annotations

import base64
import json
from functools import lru_cache

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from tongban.notifications.constants import Channel, DeliveryError
from tongban.notifications.models import PushSubscription
from tongban.notifications.plugins import ChannelFailure, ChannelSender, Outgoing
from tongban.notifications.selectors import message_text_get
from tongban.notifications.templating import render

# Seconds to wait for a push service. A slow one is retried later rather than holding a worker.
PUSH_TIMEOUT_SECONDS = 10.0
# How long the push service keeps a message for a phone that is offline.
PUSH_TTL_SECONDS = 24 * 60 * 60
# The push service answers 404 or 410 for a subscription the browser gave up (RFC 8030 §7.3).
_GONE = {404, 410}


@lru_cache(maxsize=4)
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


def vapid_public_key() -> str:
    """The application server key browsers subscribe with (base64url, uncompressed point)."""
    if not settings.VAPID_PRIVATE_KEY:
        return ""
    point = _vapid(settings.VAPID_PRIVATE_KEY).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


class WebPushSender(ChannelSender):
    channel = Channel.PUSH

    def send(self, outgoing: Outgoing) -> str:
        if not (settings.WEB_PUSH_ENABLED and settings.VAPID_PRIVATE_KEY):
            raise ChannelFailure(DeliveryError.DISABLED, skipped=True)
        subscriptions = list(
            PushSubscription.objects.filter(user_id=outgoing.user_id).order_by("created_at")
        )
        if not subscriptions:
            raise ChannelFailure(DeliveryError.NO_SUBSCRIPTION, skipped=True)
        text = message_text_get(
            event=outgoing.event, channel=self.channel, language=outgoing.language
        )
        if text is None:
            raise ChannelFailure(DeliveryError.NO_TEMPLATE, skipped=True)
        payload = json.dumps(
            {
                "title": render(text.subject, outgoing.context),
                "body": render(text.body, outgoing.context),
                "url": outgoing.link or "/notifications/",
                "tag": str(outgoing.notification_id),
            },
            ensure_ascii=False,
        )
        sent: list[str] = []
        retry: ChannelFailure | None = None
        refused: ChannelFailure | None = None
        for subscription in subscriptions:
            try:
                sent.append(self._push(subscription, payload))
            except ChannelFailure as failure:
                if failure.code == DeliveryError.SUBSCRIPTION_GONE:
                    subscription.delete()
                elif failure.retryable:
                    retry = retry or failure
                else:
                    refused = refused or failure
        if sent:
            # Delivered to at least one device: a retry could only repeat it on that one.
            return ",".join(sent)[:500]
        if retry is not None:
            raise retry
        if refused is not None:
            raise refused
        raise ChannelFailure(DeliveryError.SUBSCRIPTION_GONE)

    def _push(self, subscription: PushSubscription, payload: str) -> str:
        try:
            response = webpush(
                {
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=_vapid(settings.VAPID_PRIVATE_KEY),
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                timeout=PUSH_TIMEOUT_SECONDS,
                ttl=PUSH_TTL_SECONDS,
            )
        except WebPushException as error:
            status = error.status_code
            if status in _GONE:
                raise ChannelFailure(DeliveryError.SUBSCRIPTION_GONE, f"HTTP {status}") from error
            permanent = status is not None and 400 <= status < 500 and status != 429
            raise ChannelFailure(
                DeliveryError.REJECTED, f"HTTP {status}", retryable=not permanent
            ) from error
        except requests.Timeout as error:
            raise ChannelFailure(DeliveryError.TIMEOUT, retryable=True) from error
        except requests.RequestException as error:
            raise ChannelFailure(
                DeliveryError.UNAVAILABLE, type(error).__name__, retryable=True
            ) from error
        PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())
        location = getattr(response, "headers", {}).get("Location", "")
        return str(location or subscription.pk)
