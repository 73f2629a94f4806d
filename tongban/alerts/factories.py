"""Factories and a ready-made alert: the tests and the demo city build alerts the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from tongban.alerts.constants import CapCategory, Certainty, Severity, Urgency
from tongban.alerts.models import Alert
from tongban.alerts.services import AlertInput, alert_approve, alert_draft


def rainstorm_input(
    *, area_codes: Sequence[str], expires: dt.datetime | None = None, **fields: Any
) -> AlertInput:
    """A 暴雨橙色预警 (orange rainstorm warning) as the city's meteorological service words it."""
    values: dict[str, Any] = {
        "category": CapCategory.MET,
        "event": "暴雨橙色预警",
        "urgency": Urgency.EXPECTED,
        "severity": Severity.SEVERE,
        "certainty": Certainty.LIKELY,
        "headline": "海川市气象台发布暴雨橙色预警信号",
        "description": "预计未来3小时内临江区将出现50毫米以上降雨，局地伴有雷电和短时大风。",
        "instruction": "请避免外出，远离河道、低洼地带和地下空间；驾车请绕开积水路段。",
        "expires": expires or timezone.now() + dt.timedelta(hours=6),
        "area_codes": list(area_codes),
    }
    values.update(fields)
    return AlertInput(**values)


def approved_alert(*, drafter: Any, approver: Any, area_codes: Sequence[str]) -> Alert:
    alert = alert_draft(actor=drafter, data=rainstorm_input(area_codes=area_codes))
    return alert_approve(alert=alert, actor=approver)
