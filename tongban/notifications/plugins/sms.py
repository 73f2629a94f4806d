"""SMS by the operator-approved template configured for each event."""

from __future__ import annotations

import re

from django.conf import settings

from tongban.notifications.constants import Channel, DeliveryError
from tongban.notifications.plugins import ChannelFailure, ChannelSender, Outgoing, sms_gateways
from tongban.notifications.selectors import sms_template_get

# Mainland mobile numbers: 11 digits starting 13–19 (MIIT numbering plan).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mobile_normalize(value: str) -> str:
    digits = "".join(value.split()).replace("-", "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def mobile_is_valid(value: str) -> bool:
    return bool(_MOBILE.match(mobile_normalize(value)))


class SmsSender(ChannelSender):
    channel = Channel.SMS

    def send(self, outgoing: Outgoing) -> str:
        template = sms_template_get(event=outgoing.event)
        if template is None:
            raise ChannelFailure(DeliveryError.NO_TEMPLATE, skipped=True)
        if not outgoing.mobile:
            raise ChannelFailure(DeliveryError.NO_ADDRESS, skipped=True)
        mobile = mobile_normalize(outgoing.mobile)
        if not _MOBILE.match(mobile):
            raise ChannelFailure(
                DeliveryError.INVALID_ADDRESS, "not an 11-digit mainland mobile number"
            )
        gateway = sms_gateways.get(settings.SMS_GATEWAY)
        if gateway is None:
            raise ChannelFailure(
                DeliveryError.DISABLED, f"no SMS gateway named {settings.SMS_GATEWAY!r}"
            )
        parameters = {name: str(outgoing.context.get(name, "")) for name in template.parameters}
        return gateway.send(
            mobile=mobile, template_code=template.template_code, parameters=parameters
        )
