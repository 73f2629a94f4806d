"""Reads of alerts: the staff's view (scoped to their department), the public's, and targeting."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.accounts.selectors import users_by_resident_id_numbers, users_with_chosen_region
from tongban.alerts.constants import (
    BANNER_CACHE_KEY,
    BANNER_CACHE_SECONDS,
    PUBLIC_HISTORY,
    TARGET_BATCH_SIZE,
    AlertState,
    MessageType,
)
from tongban.alerts.models import Alert
from tongban.core.exceptions import NotFound
from tongban.organization.constants import StaffRole
from tongban.organization.models import Department, StaffPosition
from tongban.registries.services import Reader, resident_id_numbers_in_regions

ALERT_ROLES = (StaffRole.ALERT_DRAFTER, StaffRole.ALERT_APPROVER)


def region_prefix(code: str) -> str:
    """The part of a GB/T 2260 code that every region inside it shares (990200 -> 9902)."""
    if len(code) == 9:
        return code
    prefix = code
    for _level in range(2):
        if prefix.endswith("00"):
            prefix = prefix[:-2]
    return prefix


def region_within(*, inner: str, outer: str) -> bool:
    return inner.startswith(region_prefix(outer))


# --- staff -------------------------------------------------------------------------------------


def alert_departments_of(*, user: Any, role: StaffRole | None = None) -> list[Department]:
    """Departments in which the user holds an alert role (``role``, or either)."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = [role] if role is not None else list(ALERT_ROLES)
    positions = StaffPosition.objects.filter(
        user_id=user.pk, active=True, role__in=roles
    ).select_related("department__region")
    seen: dict[uuid.UUID, Department] = {}
    for position in positions:
        seen.setdefault(position.department.pk, position.department)
    return list(seen.values())


def holds_alert_role(*, user: Any, department: Department, role: StaffRole) -> bool:
    return any(d.pk == department.pk for d in alert_departments_of(user=user, role=role))


def alerts_for_staff(*, user: Any) -> QuerySet[Alert]:
    departments = alert_departments_of(user=user)
    return (
        Alert.objects.filter(department__in=[d.pk for d in departments])
        .select_related("department", "drafted_by", "approved_by", "references")
        .prefetch_related("areas")
    )


def alert_get_for_staff(*, user: Any, alert_id: uuid.UUID | str) -> Alert:
    """An alert of one of the user's departments; any other answers "not found"."""
    try:
        return alerts_for_staff(user=user).get(id=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


# --- public ------------------------------------------------------------------------------------


def _public() -> QuerySet[Alert]:
    return (
        Alert.objects.filter(state__in=[AlertState.SENT, AlertState.SUPERSEDED])
        .select_related("department", "references")
        .prefetch_related("areas")
    )


def alerts_public(*, now: dt.datetime | None = None) -> list[Alert]:
    """Sent alerts, updates and cancellations of the last 30 days, newest first."""
    moment = now or timezone.now()
    return list(
        _public().filter(sent__gte=moment - PUBLIC_HISTORY).order_by("-sent", "-created_at")
    )


def alert_get_public(*, alert_id: uuid.UUID | str) -> Alert:
    try:
        return _public().get(id=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


@dataclass(frozen=True)
class ActiveAlert:
    """What the banner needs of an active alert: small, so the cached list stays cheap."""

    id: str
    headline: str
    severity: str
    event: str
    area_codes: tuple[str, ...]
    area_names: str
    expires: dt.datetime
    sent: dt.datetime


def active_alerts(*, now: dt.datetime | None = None) -> list[ActiveAlert]:
    """The alerts in force now, newest first, cached for a minute (sending clears the cache)."""
    moment = now or timezone.now()
    cached: list[ActiveAlert] | None = cache.get(BANNER_CACHE_KEY)
    if cached is None:
        rows = (
            Alert.objects.filter(state=AlertState.SENT, expires__gt=moment)
            .exclude(msg_type=MessageType.CANCEL)
            .prefetch_related("areas")
            .order_by("-sent")[:20]
        )
        cached = [
            ActiveAlert(
                id=str(alert.id),
                headline=alert.headline,
                severity=alert.severity,
                event=alert.event,
                area_codes=tuple(region.code for region in alert.areas.all()),
                area_names="、".join(region.name for region in alert.areas.all()),
                expires=alert.expires,
                sent=alert.sent or alert.created_at,
            )
            for alert in rows
        ]
        cache.set(BANNER_CACHE_KEY, cached, BANNER_CACHE_SECONDS)
    return [alert for alert in cached if alert.expires > moment]


def active_alert_for_region(
    *, region_code: str | None, now: dt.datetime | None = None
) -> ActiveAlert | None:
    """The newest alert in force whose area covers the region or lies within it.

    A visitor who chose no region sees the newest alert of any area: an anonymous visitor may
    be anywhere, and the banner names the area.
    """
    for alert in active_alerts(now=now):
        if not region_code:
            return alert
        for area in alert.area_codes:
            if region_within(inner=region_code, outer=area) or region_within(
                inner=area, outer=region_code
            ):
                return alert
    return None


# --- targeting ---------------------------------------------------------------------------------

REGISTRY_PURPOSE = "向预警区域内户籍登记的实名用户发送突发事件预警信息"


def alert_target_batches(
    *, alert: Alert, batch_size: int = TARGET_BATCH_SIZE
) -> Iterator[list[uuid.UUID]]:
    """The ids of the people an alert reaches, a batch at a time (a person may recur).

    First everyone whose chosen region ("my area") lies in the alert's areas, by key order so
    each batch is one indexed range; then the real-name users whose registered household
    (population registry) lies there.
    """
    prefixes = [region_prefix(region.code) for region in alert.areas.all()]
    chosen = users_with_chosen_region(region_prefixes=prefixes).order_by("pk")
    after: uuid.UUID | None = None
    while True:
        page = chosen.filter(pk__gt=after) if after is not None else chosen
        batch = list(page.values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        yield batch
        after = batch[-1]
    numbers = resident_id_numbers_in_regions(
        region_prefixes=prefixes, reader=Reader(id=None), purpose=REGISTRY_PURPOSE
    )
    for start in range(0, len(numbers), batch_size):
        chunk = numbers[start : start + batch_size]
        ids = list(
            users_by_resident_id_numbers(id_numbers=chunk)
            .exclude(_chosen_condition(prefixes))
            .values_list("pk", flat=True)
        )
        if ids:
            yield ids


def _chosen_condition(prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(region_code__startswith=prefix)
    return condition
