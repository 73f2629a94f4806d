"""Channels behind plug-ins: one sender per channel, and SMS gateways by name.

A ``ChannelSender`` turns an ``Outgoing`` message into one send on its channel and returns the
provider's id, or raises ``ChannelFailure`` saying whether trying again can help. Senders are
registered per channel in ``channel_senders``; SMS goes one step further through an
``SmsGateway`` chosen by ``TONGBAN_SMS_GATEWAY``, because an operator only sends templates
it approved in advance: a gateway takes a template code and its parameters, never free text.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from tongban.core.registry import Registry
from tongban.notifications.constants import Channel, DeliveryError
from tongban.notifications.events import EventType


class ChannelFailure(Exception):
    """A send that did not happen. ``detail`` reaches administrators: never put an address in it.

    ``retryable``: a later attempt may succeed (a timeout, a busy provider). ``skipped``:
    there was nothing to send to (no address, no device), which is recorded as "not sent".
    """

    def __init__(
        self,
        code: DeliveryError,
        detail: str = "",
        *,
        retryable: bool = False,
        skipped: bool = False,
    ) -> None:
        self.code = code
        self.detail = detail[:500]
        self.retryable = retryable
        self.skipped = skipped
        super().__init__(code.value)


@dataclass(frozen=True)
class Outgoing:
    """Everything a sender needs for one delivery, resolved by the delivery service."""

    delivery_id: uuid.UUID
    notification_id: uuid.UUID
    user_id: Any
    email: str
    mobile: str
    event: EventType
    context: Mapping[str, Any]
    language: str
    link: str


class ChannelSender(ABC):
    channel: ClassVar[Channel]

    @abstractmethod
    def send(self, outgoing: Outgoing) -> str:
        """Sends once; returns the provider's id for the message."""


class SmsGateway(ABC):
    """An operator's SMS API (Aliyun, Tencent Cloud, a provincial gateway…)."""

    key: ClassVar[str]

    @abstractmethod
    def send(self, *, mobile: str, template_code: str, parameters: Mapping[str, str]) -> str:
        """Sends the approved template to an 11-digit mainland number; returns the provider's id.

        Raise ``ChannelFailure`` for what the operator refused (``retryable=False``) or a busy
        or unreachable operator (``retryable=True``).
        """


channel_senders: Registry[ChannelSender] = Registry("notification channel")
sms_gateways: Registry[SmsGateway] = Registry("SMS gateway")
