"""The timeline and the status of a case: the only two things every other service writes.

``case_event_record`` appends a timeline entry; ``case_transition`` moves the status along a
legal edge, writes the entry and the audit record. Both expect to run inside the caller's
transaction (they are the inner step of a larger service) and take the case already locked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import FINAL_STATUSES, CaseEventKind, CaseStatus
from tongban.cases.exceptions import CaseTransitionInvalid
from tongban.cases.models import Case, CaseEvent
from tongban.organization.models import Department

# The legal moves. Anything else is a ``CaseTransitionInvalid``.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.DRAFT: frozenset({CaseStatus.SUBMITTED}),
    CaseStatus.SUBMITTED: frozenset(
        {
            CaseStatus.ACCEPTED,
            CaseStatus.ACCEPTANCE_REFUSED,
            CaseStatus.SUPPLEMENTING,
            CaseStatus.WITHDRAWN,
            # Instant approval (即办) decides at once.
            CaseStatus.APPROVED,
            CaseStatus.REJECTED,
        }
    ),
    CaseStatus.SUPPLEMENTING: frozenset(
        {
            CaseStatus.SUBMITTED,
            CaseStatus.ACCEPTED,
            CaseStatus.ACCEPTANCE_REFUSED,
            CaseStatus.WITHDRAWN,
        }
    ),
    CaseStatus.ACCEPTED: frozenset(
        {CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.SUPPLEMENTING, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.ACCEPTANCE_REFUSED: frozenset(),
    CaseStatus.APPROVED: frozenset(),
    CaseStatus.REJECTED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}


def case_event_record(
    *,
    case: Case,
    kind: CaseEventKind | str,
    actor_id: uuid.UUID | None = None,
    department: Department | None = None,
    visible_to_applicant: bool = True,
    note: str = "",
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Appends one entry to the case's timeline (internal when ``visible_to_applicant`` is off)."""
    return CaseEvent.objects.create(
        case=case,
        kind=str(kind),
        at=at or timezone.now(),
        actor_id=actor_id,
        department=department,
        visible_to_applicant=visible_to_applicant,
        note=note,
        details=dict(details or {}),
    )


def case_transition(
    *,
    case: Case,
    to: CaseStatus,
    event: CaseEventKind,
    actor_id: uuid.UUID | None,
    department: Department | None = None,
    note: str = "",
    details: Mapping[str, Any] | None = None,
    update_fields: tuple[str, ...] = (),
    audit: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Moves ``case`` (locked by the caller) to ``to``; saves it with ``update_fields``.

    Set the other fields the move changes (dates, decision) on ``case`` before calling and
    name them in ``update_fields``. Writes the timeline entry and the audit record.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_transition runs inside the caller's transaction")
    current = CaseStatus(case.status)
    if to not in TRANSITIONS[current]:
        raise CaseTransitionInvalid()
    case.status = to
    case.save(update_fields=["status", "updated_at", *update_fields])
    if to in FINAL_STATUSES:
        # Imported here: the clock module writes the timeline through this one.
        from tongban.cases.services.clocks import case_clocks_close_all

        case_clocks_close_all(case=case)
    entry = case_event_record(
        case=case,
        kind=event,
        actor_id=actor_id,
        department=department,
        note=note,
        details=details,
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        object_type="cases.case",
        object_id=str(case.pk),
        summary={"from": current.value, "to": to.value, "number": case.number},
        **({"actor_id": actor_id} | dict(audit or {})),
    )
    if case.parent_id is not None:
        # A bundle's parent follows its children, whichever service moved the child.
        from tongban.cases.services.bundles import bundle_parent_sync

        bundle_parent_sync(parent_id=case.parent_id, child=case)
    return entry
