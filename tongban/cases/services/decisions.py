"""Staff decisions on a case: accept, refuse acceptance, review, approve, reject; comments.

There is one path to a decision. Pages call ``case_task_complete``, which completes the
workflow task; the API's ``POST /api/v1/tasks/{id}/complete`` completes it directly. Either
way the engine fires ``task_completing`` before the process moves on, and
``case_task_completing`` (connected in ``CasesConfig.ready``) checks the reasons, moves the
case, issues the statutory notice and writes the timeline entry and the audit record — all in
the completing transaction, so a refused decision leaves the task, the process and the case
as they were.

The step a task decides comes from its BPMN ``tongban:caseStep`` (``acceptance``,
``decision``; anything else is a review that passes the case on). The outcome is the engine's:
``approved`` accepts or grants, ``rejected`` refuses. The reasons are the completion's
comment; a refusal of the licence also needs ``data.legal_basis``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record, personal_data_read_record
from tongban.cases.constants import (
    CASE_HANDLING_PURPOSE,
    FINAL_STATUSES,
    PROCESS_SUBJECT_TYPE,
    AutomaticStepStatus,
    CaseEventKind,
    CaseStatus,
    CaseStep,
    DecisionKind,
    NoticeKind,
)
from tongban.cases.exceptions import (
    CaseTransitionInvalid,
    DecisionAlreadyMade,
    ReasonsMissing,
    SupplementationPending,
)
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services.branches import (
    branch_cancelled_check,
    case_branch_agree,
    case_branch_refuse,
)
from tongban.cases.services.clocks import case_acceptance_record
from tongban.cases.services.notices import case_notice_issue
from tongban.cases.services.timeline import case_event_record, case_transition
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.organization.models import Department
from tongban.workflow.constants import TaskOutcome
from tongban.workflow.services import TaskCompletion, task_complete

COMMENT_MAX_CHARS = 4000


def case_step_of(properties: dict[str, str] | Any) -> CaseStep:
    value = str(dict(properties).get("caseStep", "")).strip()
    return CaseStep(value) if value in CaseStep.values else CaseStep.REVIEW


def case_task_complete(
    *,
    task_id: uuid.UUID,
    actor: User,
    outcome: str,
    reasons: str = "",
    legal_basis: str = "",
) -> None:
    """A staff decision from the pages: the same path as ``POST /api/v1/tasks/{id}/complete``."""
    data = {"legal_basis": legal_basis.strip()[:COMMENT_MAX_CHARS]} if legal_basis.strip() else {}
    # A branch ended by another department's refusal says so, with the reason.
    branch_cancelled_check(task_id=task_id, actor=actor)
    task_complete(task_id=task_id, actor=actor, outcome=outcome, comment=reasons.strip(), data=data)


def _reasons_required(reasons: str, legal_basis: str | None) -> None:
    errors: dict[str, list[FieldError]] = {}
    if not reasons:
        errors["reasons"] = [FieldError("required", _("Give the reasons for the refusal."))]
    if legal_basis is not None and not legal_basis:
        errors["legal_basis"] = [FieldError("required", _("Name the legal basis of the refusal."))]
    if errors:
        raise ReasonsMissing(errors=errors)


def case_task_completing(completion: TaskCompletion) -> None:
    """Checks and records a staff decision on a case (receiver of ``task_completing``)."""
    if completion.subject_type != PROCESS_SUBJECT_TYPE:
        return
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "service_item", "handling_department")
        .filter(pk=completion.subject_id)
        .first()
    )
    if case is None:
        return
    if case.status in FINAL_STATUSES:
        raise DecisionAlreadyMade()
    step = case_step_of(completion.properties)
    reasons = completion.comment.strip()
    legal_basis = str(completion.data.get("legal_basis", "") or "").strip()[:COMMENT_MAX_CHARS]
    department = Department.objects.select_related("region").get(pk=completion.department_id)
    actor_id = completion.actor_id
    approved = completion.outcome == TaskOutcome.APPROVED
    rejected = completion.outcome == TaskOutcome.REJECTED
    if case.status == CaseStatus.SUPPLEMENTING and not (step == CaseStep.ACCEPTANCE and rejected):
        # The task stays open while the applicant supplements; only refusing acceptance
        # (the applicant never supplemented) may end it meanwhile.
        raise SupplementationPending()
    now = timezone.now()
    if step == CaseStep.ACCEPTANCE:
        if rejected:
            _reasons_required(reasons, None)
            if case.status not in (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENTING):
                raise CaseTransitionInvalid()
            case.decided_at, case.decided_by_id = now, actor_id
            case.decision_reason, case.decision_legal_basis = reasons, legal_basis
            case_transition(
                case=case,
                to=CaseStatus.ACCEPTANCE_REFUSED,
                event=CaseEventKind.ACCEPTANCE_REFUSED,
                actor_id=actor_id,
                department=department,
                note=reasons,
                update_fields=(
                    "decided_at",
                    "decided_by",
                    "decision_reason",
                    "decision_legal_basis",
                ),
            )
            case_notice_issue(
                case=case,
                kind=NoticeKind.NON_ACCEPTANCE,
                department=department,
                actor_id=actor_id,
                reasons=reasons,
                legal_basis=legal_basis,
            )
        elif approved:
            if case.status == CaseStatus.ACCEPTED and case.deemed_accepted:
                # Deemed accepted by law (行政许可法 Art. 32(4)): the clerk's acceptance only
                # confirms it in writing; the clock already runs from the day of receipt.
                case_event_record(
                    case=case,
                    kind=CaseEventKind.TASK_COMPLETED,
                    actor_id=actor_id,
                    department=department,
                    visible_to_applicant=False,
                    note=reasons,
                    details={"step": str(step), "outcome": completion.outcome},
                )
            elif case.status in (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENTING):
                case_acceptance_record(case=case, actor_id=actor_id, at=now)
            else:
                raise CaseTransitionInvalid()
            case_notice_issue(
                case=case, kind=NoticeKind.ACCEPTANCE, department=department, actor_id=actor_id
            )
        else:
            raise CaseTransitionInvalid()
    elif step == CaseStep.DECISION:
        if case.status != CaseStatus.ACCEPTED:
            raise CaseTransitionInvalid()
        if rejected:
            _reasons_required(reasons, legal_basis)
        elif not approved:
            raise CaseTransitionInvalid()
        version = case.service_version
        certificate_type = version.result_certificate_type if approved else None
        case.decided_at, case.decided_by_id = now, actor_id
        case.decision_kind = DecisionKind.APPROVED if approved else DecisionKind.REJECTED
        case.decision_reason = reasons
        case.decision_legal_basis = legal_basis or (version.legal_basis if approved else "")
        fields = ["decided_at", "decided_by", "decision_kind", "decision_reason"]
        fields.append("decision_legal_basis")
        if certificate_type is not None:
            case.certificate_status = AutomaticStepStatus.PENDING
            fields.append("certificate_status")
        case_transition(
            case=case,
            to=CaseStatus.APPROVED if approved else CaseStatus.REJECTED,
            event=CaseEventKind.APPROVED if approved else CaseEventKind.REJECTED,
            actor_id=actor_id,
            department=department,
            note=reasons,
            update_fields=tuple(fields),
        )
        case_notice_issue(
            case=case,
            kind=NoticeKind.GRANT if approved else NoticeKind.REFUSAL,
            department=department,
            actor_id=actor_id,
            reasons=reasons,
            legal_basis=case.decision_legal_basis,
            certificate_name=certificate_type.name if certificate_type is not None else "",
        )
        if certificate_type is not None:
            from tongban.cases.tasks import case_certificate_issue_later

            case_id = case.pk
            transaction.on_commit(lambda: case_certificate_issue_later(case_id))
    elif step == CaseStep.BRANCH:
        if rejected:
            _reasons_required(reasons, legal_basis)
            case_branch_refuse(
                case=case,
                completion=completion,
                department=department,
                reasons=reasons,
                legal_basis=legal_basis,
            )
        elif approved:
            case_branch_agree(case=case, completion=completion, department=department)
        else:
            raise CaseTransitionInvalid()
    else:
        if case.status != CaseStatus.ACCEPTED:
            raise CaseTransitionInvalid()
        if rejected:
            _reasons_required(reasons, None)
        case_event_record(
            case=case,
            kind=CaseEventKind.TASK_COMPLETED,
            actor_id=actor_id,
            department=department,
            visible_to_applicant=False,
            note=reasons,
            details={"step": str(step), "outcome": completion.outcome},
        )
        audit_event_record(
            kind=AuditEventKind.STATUS_CHANGED,
            actor_id=actor_id,
            object_type="cases.case",
            object_id=str(case.pk),
            summary={"step": str(step), "outcome": completion.outcome, "number": case.number},
        )


@transaction.atomic
def case_comment_add(*, case: Case, actor: User, department: Department, text: str) -> CaseEvent:
    """An internal comment on a case (staff only: never shown to the applicant).

    The caller has scoped ``case`` to the actor's department (``case_get_for_staff``).
    """
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(errors={"text": [FieldError("required", _("Write a comment."))]})
    if len(cleaned) > COMMENT_MAX_CHARS:
        raise InvalidInput(errors={"text": [FieldError("too_long", _("The comment is too long."))]})
    event = case_event_record(
        case=case,
        kind=CaseEventKind.COMMENT,
        actor_id=actor.pk,
        department=department,
        visible_to_applicant=False,
        note=cleaned,
    )
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor.pk,
        object_type="cases.comment",
        object_id=str(event.pk),
        summary={"case": str(case.pk)},
    )
    return event


def case_personal_data_read_record(
    *, case: Case, reader: User, fields: list[str], task_id: uuid.UUID
) -> None:
    """Records that a staff member saw the applicant's data for case handling (shown to the
    applicant in "who accessed my data")."""
    if not fields:
        return
    enterprise = case.applicant_enterprise
    personal_data_read_record(
        reader_id=reader.pk,
        purpose=CASE_HANDLING_PURPOSE,
        fields=fields,
        subject_id=case.applicant_person_id,
        subject_identifier=enterprise.credit_code if enterprise is not None else "",
        object_type="cases.case",
        object_id=str(case.pk),
        summary={"task": str(task_id), "number": case.number},
    )
