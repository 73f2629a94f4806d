"""Background jobs of applications: thin wrappers around one service each."""

from __future__ import annotations

import uuid

from celery import shared_task

from tongban.cases.constants import AutomaticStepStatus

# Retries of one issuing right after the decision; the periodic job takes over after them.
CERTIFICATE_TASK_RETRIES = 3


@shared_task(
    bind=True,
    name="tongban.cases.tasks.case_certificate_issue",
    max_retries=CERTIFICATE_TASK_RETRIES,
)
def case_certificate_issue(self, case_id: str) -> str:  # type: ignore[no-untyped-def]
    """Issues the certificate of an approved case; retried with growing delays if it fails."""
    from tongban.cases.services import case_certificate_issue as issue

    case = issue(case_id=uuid.UUID(case_id))
    status = case.certificate_status if case is not None else ""
    # Run in-process (no broker), a retry would run at once inside the approving request:
    # there the periodic job retries instead.
    eager = bool(getattr(self.request, "is_eager", False))
    retry = not eager and self.request.retries < self.max_retries
    if status == AutomaticStepStatus.DELAYED and retry:
        raise self.retry(countdown=60 * 2**self.request.retries)
    return str(status)


@shared_task(name="tongban.cases.tasks.case_certificates_retry_due")
def case_certificates_retry_due() -> int:
    """Issues the certificates whose automatic issuing was delayed (periodic)."""
    from tongban.cases.services import case_certificates_retry_due as retry_due

    return retry_due()


@shared_task(name="tongban.cases.tasks.cases_deemed_accepted_apply")
def cases_deemed_accepted_apply() -> int:
    """Marks deemed accepted the cases whose acceptance period passed (periodic)."""
    from tongban.cases.services import cases_deemed_accepted_apply as apply

    return apply()


@shared_task(name="tongban.cases.tasks.clocks_escalate")
def clocks_escalate() -> dict[str, int]:
    """Warns, escalates to supervisors and one level up: the deadline job (periodic)."""
    from tongban.cases.services import clocks_escalate as escalate

    return escalate()


@shared_task(name="tongban.cases.tasks.drafts_expire")
def drafts_expire() -> dict[str, int]:
    """Reminds of drafts about to expire and deletes expired ones (periodic)."""
    from tongban.cases.services import drafts_expire as expire

    return expire()


@shared_task(name="tongban.cases.tasks.pension_checks_start_due")
def pension_checks_start_due() -> dict[str, int]:
    """Starts the silent pension qualification check of the retirees now due (periodic)."""
    from tongban.cases.services import pension_checks_start_due as start_due

    report = start_due()
    return {"started": report.started, "failed": report.failed}


@shared_task(name="tongban.cases.tasks.case_rules_apply")
def case_rules_apply(case_id: str) -> str:
    """Evaluates a submitted case's instant-approval rules (scheduled on commit of the submit)."""
    from tongban.cases.services import case_rules_apply as apply

    case = apply(case_id=uuid.UUID(case_id))
    return str(case.status) if case is not None else ""


def case_rules_apply_later(case_id: uuid.UUID) -> None:
    """Schedules the instant-approval rules (call on commit of the submission)."""
    case_rules_apply.delay(str(case_id))


def case_certificate_issue_later(case_id: uuid.UUID) -> None:
    """Schedules issuing (call on commit of the approval)."""
    case_certificate_issue.delay(str(case_id))


def register() -> None:
    """Connects the app's receivers to the hooks of lower apps (from ``CasesConfig.ready``)."""
    from tongban.cases.services.decisions import case_task_completing
    from tongban.workflow.services import task_completing

    task_completing.connect(case_task_completing)
    # The clocks: each task's own, stopped when it completes; recomputed with the calendar.
    from tongban.cases.services.clocks import (
        case_clocks_recompute_on_calendar_change,
        task_clock_close,
        task_clock_open,
    )
    from tongban.core.services import calendar_changed
    from tongban.workflow.services import task_created

    task_created.connect(task_clock_open)
    task_completing.connect(task_clock_close)
    calendar_changed.connect(case_clocks_recompute_on_calendar_change)
