"""Parallel review (串联改并联): each department decides its own branch of one case.

A user task whose BPMN says ``tongban:caseStep="branch"`` is one department's part. Its
department is the lane's type resolved by jurisdiction from the case's region; it sees only
the fields and materials its task declares (``tongban:fields``/``tongban:materials``); its
own period (``tongban:workingDays``) gives it its own clock, escalated in its department.

Agreeing records the department's part on the applicant's timeline. Refusing (with reasons
and the legal basis) rejects the case with that department's refusal notice, and writes on
the timeline, for every other open branch, that it ended and why; the process routes the
refusal to a terminate end event, so the engine cancels those branches' tasks in the same
transaction. A cancelled branch cannot be completed afterwards (``BranchCancelled``).

The case's decision period is the process's critical path: the longest chain of working
days through it (``decision_period_days``), so two branches of 3 and 5 days followed by a
2-day decision give 7 working days, not the sum.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.constants import CaseEventKind, CaseStatus, DecisionKind, NoticeKind
from tongban.cases.exceptions import BranchCancelled, CaseTransitionInvalid
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services.notices import case_notice_issue
from tongban.cases.services.timeline import case_event_record, case_transition
from tongban.organization.models import Department
from tongban.organization.selectors import staff_positions_of
from tongban.workflow.constants import ACTIVE_TASK_STATUSES, TaskStatus
from tongban.workflow.models import HumanTask
from tongban.workflow.selectors import process_critical_path_days
from tongban.workflow.services import TaskCompletion


def case_branch_agree(*, case: Case, completion: TaskCompletion, department: Department) -> None:
    """A department agreed to its part (``case`` locked by the caller)."""
    if case.status != CaseStatus.ACCEPTED:
        raise CaseTransitionInvalid()
    case_event_record(
        case=case,
        kind=CaseEventKind.BRANCH_COMPLETED,
        actor_id=completion.actor_id,
        department=department,
        note=completion.comment.strip(),
        details={"task": str(completion.task_id), "branch": completion.element_id},
    )


def case_branch_refuse(
    *,
    case: Case,
    completion: TaskCompletion,
    department: Department,
    reasons: str,
    legal_basis: str,
) -> None:
    """A department refused its part: the case is rejected and the other branches end."""
    if case.status != CaseStatus.ACCEPTED:
        raise CaseTransitionInvalid()
    others = list(
        HumanTask.objects.filter(
            instance_id=completion.instance_id, status__in=ACTIVE_TASK_STATUSES
        )
        .exclude(pk=completion.task_id)
        .select_related("department")
    )
    ended = f"{department.name}：{reasons}"
    for task in others:
        case_event_record(
            case=case,
            kind=CaseEventKind.BRANCH_CANCELLED,
            department=task.department,
            note=ended,
            details={"task": str(task.pk), "branch": task.element_id, "ended_by": department.name},
        )
    case.decided_at, case.decided_by_id = timezone.now(), completion.actor_id
    case.decision_kind = DecisionKind.REJECTED
    case.decision_reason, case.decision_legal_basis = reasons, legal_basis
    case_transition(
        case=case,
        to=CaseStatus.REJECTED,
        event=CaseEventKind.REJECTED,
        actor_id=completion.actor_id,
        department=department,
        note=reasons,
        details={"branch": completion.element_id, "ended": [str(task.pk) for task in others]},
        update_fields=(
            "decided_at",
            "decided_by",
            "decision_kind",
            "decision_reason",
            "decision_legal_basis",
        ),
    )
    case_notice_issue(
        case=case,
        kind=NoticeKind.REFUSAL,
        department=department,
        actor_id=completion.actor_id,
        reasons=reasons,
        legal_basis=legal_basis,
    )


def branch_cancelled_check(*, task_id: uuid.UUID, actor: User) -> None:
    """Raises ``BranchCancelled`` (with the reason) for a cancelled task of the actor's own
    department and role; anything else is left to the engine's checks (not found)."""
    task = HumanTask.objects.filter(pk=task_id, status=TaskStatus.CANCELLED).first()
    if task is None:
        return
    positions = {(p.department_id, p.role) for p in staff_positions_of(user_id=actor.pk)}
    if (task.department_id, task.role) not in positions:
        return
    entry = (
        CaseEvent.objects.filter(kind=CaseEventKind.BRANCH_CANCELLED, details__task=str(task.pk))
        .order_by("-at")
        .first()
    )
    if entry is None:
        raise BranchCancelled()
    raise BranchCancelled(f"{BranchCancelled.default_message} {entry.note}")


def decision_period_days(case: Case) -> int:
    """The working days from acceptance to decision: the process's critical path when its
    tasks declare their own periods, else the service's promised period."""
    instance = case.process_instance
    if instance is not None:
        days = process_critical_path_days(definition=instance.definition)
        if days is not None:
            return days
    return case.service_version.promised_days
