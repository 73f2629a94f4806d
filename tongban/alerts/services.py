"""Every change to alerts: drafting, editing, four-eyes approval, sending and fanning out.

Sending opens one broadcast message in notifications and hands the targeted people to it in
batches, each its own transaction and task, so a city-wide alert never holds one long
transaction and its first pushes leave while later batches are still being written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.alerts.constants import (
    BANNER_CACHE_KEY,
    AlertState,
    CapCategory,
    CapStatus,
    Certainty,
    MessageType,
    Scope,
    Severity,
    Urgency,
)
from tongban.alerts.events import ALERT_EVENT
from tongban.alerts.exceptions import (
    AlertInvalid,
    AlertReferenceUnknown,
    AlertRoleMissing,
    AlertStateConflict,
    FourEyesViolation,
)
from tongban.alerts.models import Alert
from tongban.alerts.selectors import alert_departments_of, alert_target_batches, holds_alert_role
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError
from tongban.notifications.services import (
    broadcast_close,
    broadcast_open,
    broadcast_recipients_add,
)
from tongban.organization.constants import StaffRole
from tongban.organization.models import Department, Region
from tongban.organization.selectors import region_ancestry


@dataclass(frozen=True)
class AlertInput:
    """The CAP fields a drafter fills in."""

    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    expires: dt.datetime
    area_codes: Sequence[str]
    instruction: str = ""
    status: str = CapStatus.ACTUAL
    scope: str = Scope.PUBLIC


def _problems(
    data: AlertInput, department: Department, now: dt.datetime
) -> tuple[dict[str, list[FieldError]], list[Region]]:
    errors: dict[str, list[FieldError]] = {}

    def add(field: str, code: str, message: Any) -> None:
        errors.setdefault(field, []).append(FieldError(code, message))

    for field, value, choices in (
        ("category", data.category, CapCategory.values),
        ("urgency", data.urgency, Urgency.values),
        ("severity", data.severity, Severity.values),
        ("certainty", data.certainty, Certainty.values),
        ("status", data.status, CapStatus.values),
        ("scope", data.scope, Scope.values),
    ):
        if value not in choices:
            add(field, "invalid_choice", _("Choose one of the listed values."))
    for field, value, limit in (
        ("event", data.event, 100),
        ("headline", data.headline, 160),
        ("description", data.description, 5000),
    ):
        if not (value or "").strip():
            add(field, "required", _("This field is required."))
        elif len(value) > limit:
            add(field, "too_long", _("This text is too long."))
    if len(data.instruction or "") > 5000:
        add("instruction", "too_long", _("This text is too long."))
    if data.expires is None or timezone.is_naive(data.expires):
        add("expires", "required", _("Give the date and time the alert expires."))
    elif data.expires <= now:
        add("expires", "alert_expired", _("The alert would already have expired."))
    codes = list(dict.fromkeys(code for code in data.area_codes if code))
    regions: list[Region] = []
    if not codes:
        add("areas", "alert_area_required", _("Choose at least one region the alert is for."))
    else:
        found = {region.code: region for region in Region.objects.filter(code__in=codes)}
        for code in codes:
            region = found.get(code)
            if region is None:
                add("areas", "unknown_region", _("There is no region with this code."))
            elif department.region_id not in {r.pk for r in region_ancestry(region_code=code)}:
                add(
                    "areas",
                    "region_outside_department",
                    _("The department cannot alert a region outside its own."),
                )
            else:
                regions.append(region)
    return errors, regions


def _department_for(actor: Any, department: Department | None) -> Department:
    departments = alert_departments_of(user=actor, role=StaffRole.ALERT_DRAFTER)
    if department is None and departments:
        return departments[0]
    if department is not None and any(d.pk == department.pk for d in departments):
        return department
    raise AlertRoleMissing()


def _record(actor: Any, alert: Alert, kind: str, summary: dict[str, Any]) -> None:
    audit_event_record(
        kind=kind,
        actor_id=actor.pk if actor is not None else None,
        object_type="alerts.alert",
        object_id=str(alert.id),
        summary=summary,
    )


def alert_draft(
    *,
    actor: Any,
    data: AlertInput,
    department: Department | None = None,
    references_id: uuid.UUID | str | None = None,
    msg_type: str = MessageType.ALERT,
) -> Alert:
    """Drafts an alert, or an update or cancellation of a sent one (``references_id``).

    The actor must hold the alert-drafting role in the department; the areas must lie in the
    department's region and the alert must not already be expired.
    """
    department = _department_for(actor, department)
    now = timezone.now()
    original: Alert | None = None
    if msg_type not in MessageType.values:
        raise AlertInvalid(
            errors={"msg_type": [FieldError("invalid_choice", _("Choose a valid type."))]}
        )
    if msg_type != MessageType.ALERT or references_id is not None:
        if msg_type == MessageType.ALERT:
            msg_type = MessageType.UPDATE
        try:
            if references_id is None:
                raise Alert.DoesNotExist
            original = Alert.objects.get(
                id=references_id, department=department, state=AlertState.SENT
            )
        except (Alert.DoesNotExist, ValueError, TypeError, ValidationError):
            raise AlertReferenceUnknown(
                errors={
                    "references": [
                        FieldError("alert_reference_unknown", AlertReferenceUnknown.default_message)
                    ]
                }
            ) from None
        if original.msg_type == MessageType.CANCEL:
            raise AlertReferenceUnknown()
    errors, regions = _problems(data, department, now)
    if errors:
        raise AlertInvalid(errors=errors)
    with transaction.atomic():
        alert = Alert.objects.create(
            department=department,
            sender=Alert.sender_for(department),
            status=data.status,
            msg_type=msg_type,
            scope=data.scope,
            references=original,
            category=data.category,
            event=data.event.strip(),
            urgency=data.urgency,
            severity=data.severity,
            certainty=data.certainty,
            headline=data.headline.strip(),
            description=data.description.strip(),
            instruction=(data.instruction or "").strip(),
            expires=data.expires,
            drafted_by=actor,
        )
        alert.areas.set(regions)
        _record(actor, alert, AuditEventKind.CREATED, {"msg_type": msg_type})
    return alert


def alert_edit(*, alert: Alert, actor: Any, data: AlertInput) -> Alert:
    """Changes a draft (any drafter of its department); approval must come after."""
    if not holds_alert_role(user=actor, department=alert.department, role=StaffRole.ALERT_DRAFTER):
        raise AlertRoleMissing()
    errors, regions = _problems(data, alert.department, timezone.now())
    if errors:
        raise AlertInvalid(errors=errors)
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(id=alert.id)
        if locked.state != AlertState.DRAFT:
            raise AlertStateConflict()
        for field in ("status", "scope", "category", "urgency", "severity", "certainty", "expires"):
            setattr(locked, field, getattr(data, field))
        locked.event = data.event.strip()
        locked.headline = data.headline.strip()
        locked.description = data.description.strip()
        locked.instruction = (data.instruction or "").strip()
        # Whoever last wrote the text counts as its drafter: they cannot approve it either.
        locked.drafted_by = actor
        locked.save()
        locked.areas.set(regions)
        _record(actor, locked, AuditEventKind.CHANGED, {})
    return locked


def alert_approve(*, alert: Alert, actor: Any) -> Alert:
    """The second pair of eyes: an approver of the department who did not draft it."""
    if not holds_alert_role(user=actor, department=alert.department, role=StaffRole.ALERT_APPROVER):
        raise AlertRoleMissing()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(id=alert.id)
        if locked.drafted_by_id == actor.pk:
            raise FourEyesViolation()
        if locked.state != AlertState.DRAFT:
            raise AlertStateConflict()
        if locked.expires <= timezone.now():
            raise AlertInvalid(
                errors={"expires": [FieldError("alert_expired", _("The alert has expired."))]}
            )
        locked.state = AlertState.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
        _record(actor, locked, AuditEventKind.STATUS_CHANGED, {"state": locked.state})
    return locked


def alert_send(*, alert: Alert, actor: Any) -> Alert:
    """Publishes an approved alert and starts its fan-out (after commit, in batches).

    A sent update or cancellation supersedes the alert it references. The message is
    essential (``emergency_alert``): nobody's preferences can silence it.
    """
    if not (
        holds_alert_role(user=actor, department=alert.department, role=StaffRole.ALERT_DRAFTER)
        or holds_alert_role(user=actor, department=alert.department, role=StaffRole.ALERT_APPROVER)
    ):
        raise AlertRoleMissing()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(id=alert.id)
        if locked.state != AlertState.APPROVED:
            raise AlertStateConflict()
        now = timezone.now().replace(microsecond=0)
        if locked.expires <= now:
            raise AlertInvalid(
                errors={"expires": [FieldError("alert_expired", _("The alert has expired."))]}
            )
        locked.state = AlertState.SENT
        locked.sent = now
        locked.sent_by = actor
        area_names = "、".join(region.name for region in locked.areas.all())
        locked.notification = broadcast_open(
            event=ALERT_EVENT,
            context={
                "headline": locked.headline,
                "event": locked.event,
                "areas": area_names,
                "instruction": locked.instruction or locked.description[:200],
            },
            link=f"/alerts/{locked.id}/",
            actor=actor,
            dedupe_key=f"alerts:{locked.id}",
        )
        locked.save(update_fields=["state", "sent", "sent_by", "notification", "updated_at"])
        if locked.references_id is not None:
            Alert.objects.filter(id=locked.references_id, state=AlertState.SENT).update(
                state=AlertState.SUPERSEDED, updated_at=now
            )
        _record(actor, locked, AuditEventKind.STATUS_CHANGED, {"state": locked.state})
        alert_id = str(locked.id)
        transaction.on_commit(lambda: cache.delete(BANNER_CACHE_KEY))
        transaction.on_commit(lambda: _tasks().alert_fan_out.delay(alert_id))
    return locked


def _tasks() -> Any:
    from tongban.alerts import tasks

    return tasks


def alert_fan_out(*, alert_id: uuid.UUID | str) -> int:
    """Hands everyone the alert targets to its broadcast, one batch per transaction.

    Safe to run twice: people already on the message are skipped. Returns the new recipients.
    """
    alert = Alert.objects.select_related("notification").get(id=alert_id)
    if alert.notification_id is None:
        return 0
    added = 0
    for batch in alert_target_batches(alert=alert):
        added += broadcast_recipients_add(notification_id=alert.notification_id, user_ids=batch)
    broadcast_close(notification_id=alert.notification_id)
    Alert.objects.filter(id=alert.id).update(fan_out_finished_at=timezone.now())
    return added
