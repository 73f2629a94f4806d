"""Urging (催办) and supervision (督办).

The applicant may urge once per working day when a case is due soon or overdue: the urge
reaches whoever handles the late work and shows in the supervisors' view. A supervisor of a
department may urge the handler of one of its clocks, and give its task to another officer
of the department who holds the task's role.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import (
    CaseEventKind,
    CaseStatus,
    ClockKind,
    ClockState,
)
from tongban.cases.exceptions import (
    CaseNotFound,
    CaseTransitionInvalid,
    UrgeAlreadySent,
    UrgeNotDue,
)
from tongban.cases.models import Case, CaseClock, CaseUrge
from tongban.cases.services.clocks import (
    clock_handlers,
    clock_state,
    staff_department_ids,
)
from tongban.cases.services.timeline import case_event_record
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import add_working_days, local_date
from tongban.notifications.services import notification_send
from tongban.organization.constants import StaffRole
from tongban.workflow.services import task_assign

URGED_EVENT = "cases.urged"


def urge_working_day(today: dt.date) -> dt.date:
    """The working day an urge made on ``today`` counts for (a weekend or holiday urge
    counts for the next working day)."""
    calendar = working_calendar_get()
    if calendar.is_working_day(today):
        return today
    return add_working_days(calendar, today, 1).day


def case_clocks_late(*, case: Case, today: dt.date) -> list[CaseClock]:
    """The case's open clocks that are due soon or overdue: its open tasks' clocks, or its
    own when no task is open."""
    rows = list(CaseClock.objects.filter(case=case, closed_on=None).select_related("department"))
    tasks = [clock for clock in rows if clock.kind == ClockKind.TASK]
    candidates = tasks or [clock for clock in rows if clock.task_id is None]
    return [
        clock
        for clock in candidates
        if clock_state(clock, today) in (ClockState.DUE_SOON, ClockState.OVERDUE)
    ]


def _handlers_notify(*, case: Case, clock: CaseClock, urge: CaseUrge) -> int:
    recipients = clock_handlers(clock)
    if not recipients:
        return 0
    notification_send(
        event=URGED_EVENT,
        recipients=recipients,
        context={
            "number": case.number,
            "service": case.service_item.name,
            "due_on": clock.due_on.isoformat() if clock.due_on else "",
        },
        link=(
            reverse("cases:staff_task", args=[clock.task_id])
            if clock.task_id
            else reverse("cases:staff_inbox")
        ),
        dedupe_key=f"cases.urge:{urge.pk}:{clock.pk}",
    )
    return len(recipients)


@transaction.atomic
def case_urge(*, case: Case, actor: User, today: dt.date | None = None) -> CaseUrge:
    """The applicant urges (``case`` already scoped to them by the caller)."""
    today = today or local_date(timezone.now())
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_item")
        .filter(pk=case.pk)
        .first()
    )
    if locked is None:
        raise CaseNotFound()
    if locked.status not in (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED):
        raise UrgeNotDue()
    late = case_clocks_late(case=locked, today=today)
    if not late:
        raise UrgeNotDue()
    day = urge_working_day(today)
    if CaseUrge.objects.filter(case=locked, working_day=day, by_supervisor=False).exists():
        raise UrgeAlreadySent()
    try:
        with transaction.atomic():
            urge = CaseUrge.objects.create(
                case=locked,
                clock=late[0],
                department=late[0].department,
                urged_by=actor,
                working_day=day,
                at=timezone.now(),
            )
    except IntegrityError:
        raise UrgeAlreadySent() from None
    notified = sum(_handlers_notify(case=locked, clock=clock, urge=urge) for clock in late)
    case_event_record(
        case=locked,
        kind=CaseEventKind.URGED,
        actor_id=actor.pk,
        department=late[0].department,
        note=_("The applicant urged the department."),
        details={"urge": urge.pk, "notified": notified},
    )
    return urge


def _supervised_clock(*, clock_id: uuid.UUID, actor: User) -> CaseClock:
    clock = (
        CaseClock.objects.select_for_update(of=("self",))
        .select_related("case__service_item", "department")
        .filter(pk=clock_id)
        .first()
    )
    supervised = staff_department_ids(user=actor, roles=[StaffRole.SUPERVISOR])
    if clock is None or clock.department_id not in supervised:
        raise CaseNotFound()
    if clock.closed_on is not None:
        raise CaseTransitionInvalid()
    return clock


@transaction.atomic
def clock_urge_by_supervisor(*, clock_id: uuid.UUID, actor: User) -> CaseUrge:
    """A supervisor urges the handler of one clock of their department (督办)."""
    clock = _supervised_clock(clock_id=clock_id, actor=actor)
    today = local_date(timezone.now())
    urge = CaseUrge.objects.create(
        case=clock.case,
        clock=clock,
        department=clock.department,
        urged_by=actor,
        by_supervisor=True,
        working_day=urge_working_day(today),
        at=timezone.now(),
    )
    notified = _handlers_notify(case=clock.case, clock=clock, urge=urge)
    case_event_record(
        case=clock.case,
        kind=CaseEventKind.URGED,
        actor_id=actor.pk,
        department=clock.department,
        visible_to_applicant=False,
        note=_("A supervisor urged the handler."),
        details={"urge": urge.pk, "clock": str(clock.pk), "notified": notified},
    )
    return urge


@transaction.atomic
def clock_task_reassign(*, clock_id: uuid.UUID, actor: User, assignee_id: uuid.UUID) -> CaseClock:
    """A supervisor gives the task of a clock to another officer of the department."""
    clock = _supervised_clock(clock_id=clock_id, actor=actor)
    if clock.task_id is None:
        raise CaseTransitionInvalid()
    assignee = User.objects.filter(pk=assignee_id).first()
    if assignee is None:
        raise InvalidInput(
            errors={
                "assignee": [FieldError("not_found", _("Choose an officer of the department."))]
            }
        )
    task_assign(task_id=clock.task_id, actor=actor, assignee=assignee)
    case_event_record(
        case=clock.case,
        kind=CaseEventKind.REASSIGNED,
        actor_id=actor.pk,
        department=clock.department,
        visible_to_applicant=False,
        note=_("Reassigned by a supervisor."),
        details={"clock": str(clock.pk), "task": str(clock.task_id), "to": str(assignee.pk)},
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor.pk,
        object_type="cases.case",
        object_id=str(clock.case_id),
        summary={"reassigned_task": str(clock.task_id)},
    )
    return clock
