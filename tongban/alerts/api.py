"""The alerts part of the REST API under /api/v1: the public alerts, for apps and other
systems that relay them (no sign-in: an emergency alert is for everyone)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema

from tongban.alerts import selectors
from tongban.alerts.models import Alert

router = Router(tags=["alerts"])


class AreaOut(Schema):
    code: str
    name: str


class AlertOut(Schema):
    id: uuid.UUID
    identifier: str
    sender: str
    sent: dt.datetime | None
    status: str
    msg_type: str
    references: uuid.UUID | None
    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    areas: list[AreaOut]
    expires: dt.datetime
    active: bool
    cap_url: str


class AlertFilters(Schema):
    region: str = ""
    active: bool = False


def _out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        identifier=alert.identifier,
        sender=alert.sender,
        sent=alert.sent,
        status=alert.status,
        msg_type=alert.msg_type,
        references=alert.references_id,
        category=alert.category,
        event=alert.event,
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        headline=alert.headline,
        description=alert.description,
        instruction=alert.instruction,
        areas=[AreaOut(code=area.code, name=area.name) for area in alert.areas.all()],
        expires=alert.expires,
        active=alert.is_active(),
        cap_url=reverse("alerts:cap", args=[alert.id]),
    )


def _covers(alert: Alert, region: str) -> bool:
    return any(
        selectors.region_within(inner=region, outer=area.code)
        or selectors.region_within(inner=area.code, outer=region)
        for area in alert.areas.all()
    )


@router.get("/alerts", response=list[AlertOut])
def alert_list(request: HttpRequest, filters: Query[AlertFilters]) -> list[AlertOut]:
    """Sent alerts, updates and cancellations of the last 30 days, newest first; `region`
    keeps those whose area covers the region or lies within it, `active` those in force."""
    alerts = selectors.alerts_public()
    region = filters.region.strip()
    return [
        _out(alert)
        for alert in alerts
        if (not region or _covers(alert, region)) and (not filters.active or alert.is_active())
    ]


@router.get("/alerts/{uuid:alert_id}", response=AlertOut)
def alert_detail(request: HttpRequest, alert_id: uuid.UUID) -> AlertOut:
    return _out(selectors.alert_get_public(alert_id=alert_id))
