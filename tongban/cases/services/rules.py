"""Instant approval (秒批): the service version's rules decide a submitted case with no person.

Runs after the submission has committed (a task scheduled on commit), in one transaction:
the rules are evaluated over the answers and registry facts, the outcome is stored on the case
with the rule-set version and an explanation per rule, and then

* every rule passed: each open task of the process is completed through the workflow's
  ``task_complete_automatically`` — the same ``task_completing`` path as an officer's
  decision, so acceptance, the statutory notices, the approval and the certificate follow
  exactly as they would after a person; the decision says it was taken by rules;
* a rule did not pass: nothing is decided; the case stays in the acceptance inbox and the
  timeline says, in plain words, which rule a person now checks.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import CaseEventKind, CaseStatus
from tongban.cases.models import Case
from tongban.cases.services.timeline import case_event_record
from tongban.catalog.services import FactSubject, rules_evaluate
from tongban.workflow.constants import ACTIVE_TASK_STATUSES, TaskOutcome
from tongban.workflow.selectors import task_list_for_instance
from tongban.workflow.services import task_complete_automatically

# A process longer than this is not something rules should walk through unattended.
AUTOMATIC_STEPS_MAX = 10


def rules_outcome_plain(case: Case) -> list[dict[str, Any]]:
    """The rules' results for the applicant: the explanation and whether it held."""
    results = (case.rules_outcome or {}).get("results") or []
    return [
        {"explanation": r.get("explanation", ""), "passed": bool(r.get("passed"))} for r in results
    ]


def case_rules_apply(*, case_id: uuid.UUID) -> Case | None:
    """Evaluates a submitted case's instant-approval rules once; approves it if all pass.

    Idempotent: a case already evaluated, or no longer waiting for acceptance, is left alone.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("service_version", "applicant_person", "process_instance")
            .filter(pk=case_id)
            .first()
        )
        if case is None or case.status != CaseStatus.SUBMITTED or case.rules_outcome:
            return case
        version = case.service_version
        rules = version.auto_approval_rules or []
        if not rules or case.process_instance is None:
            return case
        person = case.applicant_person
        outcome = rules_evaluate(
            rules=rules,
            answers=case.answers,
            subject=FactSubject(id_number=person.resident_id_number if person else ""),
        )
        now = timezone.now()
        case.rules_outcome = {
            "rule_set": {"service_version": version.number, "digest": outcome.digest},
            "passed": outcome.passed,
            "evaluated_at": now.isoformat(),
            "results": [result.as_dict() for result in outcome.results],
        }
        case.save(update_fields=["rules_outcome", "updated_at"])
        audit_event_record(
            kind=AuditEventKind.STATUS_CHANGED,
            actor_id=None,
            object_type="cases.case",
            object_id=str(case.pk),
            summary={
                "rules": version.number,
                "digest": outcome.digest,
                "passed": outcome.passed,
                "failed": [result.id for result in outcome.failed()],
            },
        )
        if not outcome.passed:
            case_event_record(
                case=case,
                kind=CaseEventKind.RULES_FAILED,
                department=case.handling_department,
                note="；".join(result.explanation for result in outcome.failed()),
                details={"failed": [result.id for result in outcome.failed()]},
            )
            return case
        case_event_record(
            case=case,
            kind=CaseEventKind.RULES_PASSED,
            department=case.handling_department,
            note="；".join(result.explanation for result in outcome.results),
            details={"rules": version.number, "digest": outcome.digest},
        )
        comment = _("Decided by the service's instant approval rules (version %(number)s).") % {
            "number": version.number
        }
        return case_open_tasks_complete_automatically(case=case, comment=comment)


def case_open_tasks_complete_automatically(*, case: Case, comment: str) -> Case:
    """Approves every open task of the case's process in turn, with no person, through the
    same path as an officer's decision (inside the caller's transaction)."""
    instance = case.process_instance
    for _step in range(AUTOMATIC_STEPS_MAX):
        task = (
            task_list_for_instance(instance=instance)  # type: ignore[arg-type]
            .filter(status__in=ACTIVE_TASK_STATUSES)
            .first()
        )
        if task is None:
            break
        task_complete_automatically(task_id=task.pk, outcome=TaskOutcome.APPROVED, comment=comment)
    case.refresh_from_db()
    if case.status == CaseStatus.APPROVED:
        case.decided_automatically = True
        case.save(update_fields=["decided_automatically", "updated_at"])
    return case
