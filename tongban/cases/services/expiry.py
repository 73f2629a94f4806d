"""Drafts expire after 30 days without a change, with a reminder a week before."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import DRAFT_EXPIRY_DAYS, DRAFT_REMINDER_DAYS_BEFORE, CaseStatus
from tongban.cases.models import Case
from tongban.core.working_days import local_date
from tongban.notifications.services import notification_send

DRAFT_EXPIRING_EVENT = "cases.draft_expiring"


def drafts_expire(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """The periodic job: reminds the filers of drafts 23 days old, deletes those 30 days old.

    Each draft is its own transaction and re-checked under its lock, so a draft saved at that
    moment is neither reminded nor deleted; a draft changed after its reminder gets another.
    """
    now = now or timezone.now()
    expire_before = now - dt.timedelta(days=DRAFT_EXPIRY_DAYS)
    remind_before = now - dt.timedelta(days=DRAFT_EXPIRY_DAYS - DRAFT_REMINDER_DAYS_BEFORE)
    done = {"reminded": 0, "expired": 0}
    expired = Case.objects.filter(status=CaseStatus.DRAFT, updated_at__lt=expire_before)
    for case_id in list(expired.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=case_id, status=CaseStatus.DRAFT, updated_at__lt=expire_before)
                .first()
            )
            if case is None:
                continue
            files = [
                (row.file.storage, str(row.file.name)) for row in case.materials.all() if row.file
            ]
            for storage, name in files:
                transaction.on_commit(partial(storage.delete, name))
            audit_event_record(
                kind=AuditEventKind.DELETED,
                actor_id=None,
                object_type="cases.case",
                object_id=str(case.pk),
                summary={"reason": "draft expired", "service": str(case.service_item_id)},
            )
            case.delete()
            done["expired"] += 1
    due = Case.objects.filter(
        status=CaseStatus.DRAFT, updated_at__lt=remind_before, updated_at__gte=expire_before
    ).filter(Q(draft_reminded_at=None) | Q(draft_reminded_at__lt=F("updated_at")))
    for case_id in list(due.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            # An update, not a save: the reminder must not count as a change of the draft.
            claimed = (
                Case.objects.filter(pk=case_id, status=CaseStatus.DRAFT)
                .filter(Q(draft_reminded_at=None) | Q(draft_reminded_at__lt=F("updated_at")))
                .update(draft_reminded_at=now)
            )
            if not claimed:
                continue
            case = Case.objects.select_related("service_item").get(pk=case_id)
            expires = case.updated_at + dt.timedelta(days=DRAFT_EXPIRY_DAYS)
            notification_send(
                event=DRAFT_EXPIRING_EVENT,
                recipient=case.filed_by_id,
                context={
                    "service": case.service_item.name,
                    "expires_on": local_date(expires).isoformat(),
                },
                link=reverse("cases:detail", args=[case.pk]),
                dedupe_key=f"cases.draft_expiring:{case.pk}:{case.updated_at.isoformat()}",
            )
            done["reminded"] += 1
    return done
