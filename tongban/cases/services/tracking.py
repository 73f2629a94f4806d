"""What the applicant does after submitting: withdraw before a decision."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from tongban.cases.constants import FINAL_STATUSES, OPEN_STATUSES, CaseEventKind, CaseStatus
from tongban.cases.exceptions import CaseAlreadyDecided, CaseNotFound, CaseTransitionInvalid
from tongban.cases.models import Case
from tongban.cases.services.timeline import case_transition
from tongban.workflow.services import process_cancel


@transaction.atomic
def case_withdraw(*, case_id: uuid.UUID, actor_id: uuid.UUID, reason: str = "") -> Case:
    """Withdraws a submitted case before its decision and stops its process."""
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise CaseNotFound()
    if case.status in FINAL_STATUSES:
        raise CaseAlreadyDecided()
    if case.status not in OPEN_STATUSES or case.bundle_id is not None:
        # A bundle is withdrawn part by part: each department's case is withdrawn on its own
        # page, and the bundle follows.
        raise CaseTransitionInvalid()
    case.withdrawn_at = timezone.now()
    case_transition(
        case=case,
        to=CaseStatus.WITHDRAWN,
        event=CaseEventKind.WITHDRAWN,
        actor_id=actor_id,
        note=reason.strip()[:500],
        update_fields=("withdrawn_at",),
    )
    if case.process_instance_id is not None:
        process_cancel(instance_id=case.process_instance_id, actor_id=actor_id, reason="withdrawn")
    return case
