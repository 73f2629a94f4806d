"""The deadline clock: every working-day period on a case, in one place.

The two statutory clocks (DESIGN.md §2): receipt → acceptance, acceptance → decision. A
department that neither accepts nor refuses acceptance within the acceptance period is
deemed to have accepted on the day of receipt (Administrative Licensing Law Art. 32); the
decision period then runs from that day.

Beside them, every workflow task of a case has its own clock (``ClockKind.TASK``): by
default it follows the case's running period; a task whose BPMN names
``tongban:workingDays`` has its own period, so each branch of a parallel review has its own
due date and escalates in its own department. All clocks of a case stop together while the
applicant supplements (补正) or during a formal suspension, and resume with the paused working
days added. One extension with a supervisor's approval, within the service version's legal
limit (行政许可法 Art. 42). States: on time, due soon (≤ 1 working day), overdue, paused.

The periodic escalation job warns the handler when due soon, escalates overdue work to the
department's supervisors, then one level up; each step once (a conditional update claims it).
When a year's holiday schedule is entered later, the open clocks are recomputed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import (
    DUE_SOON_WORKING_DAYS,
    ESCALATE_UP_AFTER_WORKING_DAYS,
    PROCESS_SUBJECT_TYPE,
    CaseEventKind,
    CaseStatus,
    ClockKind,
    ClockState,
    EscalationLevel,
    ExtensionStatus,
    PauseKind,
    SupplementationStatus,
)
from tongban.cases.exceptions import (
    CaseNotFound,
    CaseTransitionInvalid,
    ClockNotPaused,
    ClockPaused,
    ExtensionAlreadyDecided,
    ExtensionAlreadyUsed,
    ExtensionBeyondLimit,
    ExtensionInvalid,
    ExtensionOwnRequest,
)
from tongban.cases.models import Case, CaseClock, ClockExtension, ClockPause, Supplementation
from tongban.cases.services.timeline import case_event_record, case_transition
from tongban.catalog.models import ServiceVersion
from tongban.core.exceptions import FieldError, InvalidInput, NotFound
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import (
    WorkingCalendar,
    add_working_days,
    local_date,
    working_days_between,
)
from tongban.notifications.services import notification_send
from tongban.organization.constants import StaffRole
from tongban.organization.models import Department, Region, StaffPosition
from tongban.organization.selectors import department_responsible, staff_positions_of
from tongban.workflow.models import HumanTask
from tongban.workflow.selectors import task_properties_of
from tongban.workflow.services import TaskCompletion, TaskEvent

DUE_SOON_EVENT = "cases.clock_due_soon"
ESCALATED_EVENT = "cases.clock_escalated"
# Who handles a case's own clock in its department (a task clock: the task's role).
HANDLER_ROLES = (StaffRole.CLERK, StaffRole.CASE_OFFICER, StaffRole.APPROVER)
REASON_MAX_CHARS = 2000


def decision_due_from(case: Case, accepted_on: dt.date) -> dt.date:
    """The decision due date for a case accepted on ``accepted_on`` (the critical path of a
    process whose tasks have their own periods)."""
    from tongban.cases.services.branches import decision_period_days

    return add_working_days(working_calendar_get(), accepted_on, decision_period_days(case)).day


def case_acceptance_record(
    *, case: Case, actor_id: uuid.UUID | None, deemed: bool = False, at: dt.datetime | None = None
) -> None:
    """Sets the acceptance date and the decision due date on ``case`` (locked by the caller)
    and moves it to accepted; for the staff side's acceptance and for deemed acceptance."""
    moment = at or timezone.now()
    accepted_on = case.received_on if deemed and case.received_on else local_date(moment)
    case.accepted_at = moment
    case.accepted_on = accepted_on
    case.deemed_accepted = deemed
    case.decision_due = decision_due_from(case, accepted_on)
    # The acceptance period ends here (kept unless deemed); the decision period starts.
    case_clock_close(case=case, kind=ClockKind.ACCEPTANCE, on=local_date(moment), kept=not deemed)
    from tongban.cases.services.branches import decision_period_days

    case_clock_open(
        case=case,
        kind=ClockKind.DECISION,
        starts_on=accepted_on,
        days=decision_period_days(case),
        department=case.handling_department,
        save_case=False,
    )
    case_transition(
        case=case,
        to=CaseStatus.ACCEPTED,
        event=CaseEventKind.DEEMED_ACCEPTED if deemed else CaseEventKind.ACCEPTED,
        actor_id=actor_id,
        department=case.handling_department,
        note=(
            _(
                "The department neither accepted nor refused within the acceptance period: "
                "the application is deemed accepted as of the day of receipt, %(day)s."
            )
            % {"day": accepted_on.isoformat()}
            if deemed
            else ""
        ),
        details={
            "accepted_on": accepted_on.isoformat(),
            "decision_due": case.decision_due.isoformat(),
        },
        update_fields=("accepted_at", "accepted_on", "deemed_accepted", "decision_due"),
    )


def cases_deemed_accepted_apply(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Marks deemed accepted every submitted case whose acceptance period has passed; how many.

    One short transaction per case, each re-checking the row under its lock, so a clerk who
    accepts at the same moment wins cleanly and the job can run on many workers.
    """
    today = today or local_date(timezone.now())
    candidates = list(
        Case.objects.filter(status=CaseStatus.SUBMITTED, acceptance_due__lt=today)
        .order_by("acceptance_due")
        .values_list("pk", flat=True)[:limit]
    )
    applied = 0
    for case_id in candidates:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("service_version", "handling_department")
                .filter(pk=case_id, status=CaseStatus.SUBMITTED, acceptance_due__lt=today)
                .first()
            )
            if case is None:
                continue
            case_acceptance_record(case=case, actor_id=None, deemed=True)
            applied += 1
    return applied


# --- the clock ---------------------------------------------------------------------------------


def _today(today: dt.date | None = None) -> dt.date:
    return today or local_date(timezone.now())


def clock_due_compute(clock: CaseClock, calendar: WorkingCalendar | None = None) -> None:
    """Sets ``due_on`` and ``provisional`` of a clock with its own period (not saved)."""
    calendar = calendar or working_calendar_get()
    days = clock.period_days + clock.extension_days + clock.paused_days
    due = add_working_days(calendar, clock.starts_on, days)
    clock.due_on, clock.provisional = due.day, due.provisional


def clock_days_left(clock: CaseClock, today: dt.date | None = None) -> int:
    """Working days left to the due date; while paused, those left when it stopped.

    Negative once overdue (at least -1 the day after the due date, even over a weekend).
    """
    if clock.due_on is None:
        return 0
    start = clock.paused_since or _today(today)
    left = working_days_between(working_calendar_get(), start, clock.due_on).days
    if start > clock.due_on:
        return min(left, -1)
    return left


def clock_state(clock: CaseClock, today: dt.date | None = None) -> ClockState:
    if clock.closed_on is not None:
        return ClockState.CLOSED
    if clock.paused_since is not None:
        return ClockState.PAUSED
    if clock.due_on is None:
        return ClockState.ON_TIME
    if _today(today) > clock.due_on:
        return ClockState.OVERDUE
    if clock_days_left(clock, today) <= DUE_SOON_WORKING_DAYS:
        return ClockState.DUE_SOON
    return ClockState.ON_TIME


def case_clock_running(case: Case) -> CaseClock | None:
    """The case's own open clock (acceptance, then decision), if any."""
    return (
        CaseClock.objects.filter(case=case, task_id=None, closed_on=None)
        .order_by("-created_at")
        .first()
    )


def _case_dates_sync(case: Case, clock: CaseClock, *, save: bool = True) -> None:
    """Keeps the case's own due date columns equal to its clocks (lists and the job read
    them), and the task clocks that follow the case equal to its running clock."""
    field = {ClockKind.ACCEPTANCE: "acceptance_due", ClockKind.DECISION: "decision_due"}.get(
        ClockKind(clock.kind)
    )
    if field and clock.due_on is not None and getattr(case, field) != clock.due_on:
        setattr(case, field, clock.due_on)
        if save:
            Case.objects.filter(pk=case.pk).update(**{field: clock.due_on})
    if clock.task_id is not None:
        return
    CaseClock.objects.filter(
        case=case, kind=ClockKind.TASK, follows_case=True, closed_on=None
    ).update(due_on=clock.due_on, provisional=clock.provisional, paused_since=clock.paused_since)


def case_clock_open(
    *,
    case: Case,
    kind: ClockKind,
    starts_on: dt.date,
    days: int,
    department: Department | None,
    save_case: bool = True,
) -> CaseClock:
    """Starts one of the case's own periods (inside the caller's transaction)."""
    clock = CaseClock(
        case=case,
        kind=kind,
        department=department,
        starts_on=starts_on,
        period_days=days,
        paused_since=case.paused_since,
    )
    clock_due_compute(clock)
    clock.save()
    _case_dates_sync(case, clock, save=save_case)
    return clock


def case_clock_close(
    *, case: Case, kind: ClockKind, on: dt.date | None = None, kept: bool | None = None
) -> None:
    on = _today(on)
    for clock in CaseClock.objects.filter(case=case, kind=kind, task_id=None, closed_on=None):
        _close(clock, on, kept)


def _close(clock: CaseClock, on: dt.date, kept: bool | None = None) -> None:
    if clock.paused_since is not None:
        clock.paused_days += working_days_between(
            working_calendar_get(), clock.paused_since, on
        ).days
        clock.paused_since = None
    clock.closed_on = on
    clock.on_time = kept if kept is not None else clock.due_on is None or on <= clock.due_on
    clock.save(update_fields=["closed_on", "on_time", "paused_days", "paused_since", "updated_at"])


def case_clocks_close_all(*, case: Case, on: dt.date | None = None) -> None:
    """Stops every clock of a case that has ended (decided, refused, withdrawn); a pause or
    a request to supplement still open ends with it."""
    on = _today(on)
    for clock in CaseClock.objects.filter(case=case, closed_on=None):
        _close(clock, on)
    ClockPause.objects.filter(case=case, ended_on=None).update(ended_on=on)
    Supplementation.objects.filter(case=case, status=SupplementationStatus.OPEN).update(
        status=SupplementationStatus.CANCELLED
    )
    if case.paused_since is not None:
        case.paused_since = None
        Case.objects.filter(pk=case.pk).update(paused_since=None)


def task_clock_open(event: TaskEvent) -> None:
    """Receiver of ``task_created``: the new task's own clock, in the task's department."""
    if event.subject_type != PROCESS_SUBJECT_TYPE:
        return
    case = Case.objects.filter(pk=event.subject_id).first()
    if case is None:
        return
    task = HumanTask.objects.select_related("instance__definition").get(pk=event.task_id)
    own_days = str(task_properties_of(task=task).get("workingDays", "")).strip()
    clock = CaseClock(
        case=case,
        kind=ClockKind.TASK,
        task_id=event.task_id,
        department_id=event.department_id,
        starts_on=_today(),
        paused_since=case.paused_since,
    )
    if own_days.isdigit():
        clock.period_days = int(own_days)
        clock_due_compute(clock)
    else:
        clock.follows_case = True
        running = case_clock_running(case)
        if running is not None:
            clock.due_on, clock.provisional = running.due_on, running.provisional
    clock.save()


def task_clock_close(completion: TaskCompletion) -> None:
    """Receiver of ``task_completing``: the completed task's clock stops."""
    if completion.subject_type != PROCESS_SUBJECT_TYPE:
        return
    for clock in CaseClock.objects.filter(task_id=completion.task_id, closed_on=None):
        _close(clock, _today())


def _clocks_pause(case: Case, on: dt.date) -> None:
    CaseClock.objects.filter(case=case, closed_on=None, paused_since=None).update(paused_since=on)
    case.paused_since = on
    case.save(update_fields=["paused_since", "updated_at"])


def _clocks_resume(case: Case, on: dt.date) -> int:
    """Adds the working days stood still to every open clock; the days of the case's own."""
    calendar = working_calendar_get()
    counted = 0
    running: CaseClock | None = None
    for clock in CaseClock.objects.filter(case=case, closed_on=None).exclude(paused_since=None):
        since = clock.paused_since or on
        stood = max(working_days_between(calendar, since, on).days, 0)
        clock.paused_since = None
        if not clock.follows_case:
            clock.paused_days += stood
            clock_due_compute(clock, calendar)
        clock.save()
        if clock.task_id is None:
            running, counted = clock, stood
    case.paused_since = None
    case.save(update_fields=["paused_since", "updated_at"])
    if running is not None:
        _case_dates_sync(case, running)
    return counted


def case_pause_start(
    *, case: Case, kind: PauseKind, reason: str, actor_id: uuid.UUID | None, on: dt.date
) -> ClockPause:
    """Stops the case's clocks (inside the caller's transaction; ``case`` locked)."""
    if case.paused_since is not None:
        raise ClockPaused()
    pause = ClockPause.objects.create(
        case=case, kind=kind, reason=reason, started_on=on, started_by_id=actor_id
    )
    _clocks_pause(case, on)
    return pause


def case_pause_end(*, case: Case, on: dt.date) -> ClockPause:
    """Restarts the case's clocks (inside the caller's transaction; ``case`` locked)."""
    pause = ClockPause.objects.filter(case=case, ended_on=None).first()
    if pause is None:
        raise ClockNotPaused()
    pause.working_days = _clocks_resume(case, on)
    pause.ended_on = on
    pause.save(update_fields=["working_days", "ended_on", "updated_at"])
    return pause


# --- staff: suspension and extension ------------------------------------------------------------


def _reason_clean(reason: str, error: type[InvalidInput] = ExtensionInvalid) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise error(errors={"reason": [FieldError("required", _("Give the reason."))]})
    if len(cleaned) > REASON_MAX_CHARS:
        raise error(errors={"reason": [FieldError("too_long", _("The reason is too long."))]})
    return cleaned


def staff_department_ids(*, user: User, roles: Iterable[str] | None = None) -> set[uuid.UUID]:
    positions = staff_positions_of(user_id=user.pk)
    if roles is not None:
        positions = positions.filter(role__in=list(roles))
    return set(positions.values_list("department_id", flat=True))


def _case_departments(case: Case) -> set[uuid.UUID]:
    """The departments handling a case: its own and those of its open task clocks."""
    found = {case.handling_department_id} if case.handling_department_id else set()
    found |= set(
        CaseClock.objects.filter(case=case, closed_on=None)
        .exclude(department=None)
        .values_list("department_id", flat=True)
    )
    return found


def case_for_staff_locked(*, case_id: uuid.UUID, user: User) -> Case:
    """The case locked, if ``user`` holds a position in a department handling it; else 404."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "service_item", "handling_department")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not _case_departments(case) & staff_department_ids(user=user):
        raise CaseNotFound()
    return case


@transaction.atomic
def case_suspend(
    *, case_id: uuid.UUID, actor: User, reason: str, today: dt.date | None = None
) -> ClockPause:
    """A formal suspension (expert review, hearing, inspection): the clocks stop."""
    cleaned = _reason_clean(reason, InvalidInput)
    case = case_for_staff_locked(case_id=case_id, user=actor)
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED):
        raise CaseTransitionInvalid()
    on = _today(today)
    pause = case_pause_start(
        case=case, kind=PauseKind.SUSPENSION, reason=cleaned, actor_id=actor.pk, on=on
    )
    case_event_record(
        case=case,
        kind=CaseEventKind.CLOCK_SUSPENDED,
        actor_id=actor.pk,
        department=case.handling_department,
        note=cleaned,
        details={"since": on.isoformat()},
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor.pk,
        object_type="cases.case",
        object_id=str(case.pk),
        summary={"clock": "suspended", "number": case.number},
    )
    return pause


@transaction.atomic
def case_suspension_end(
    *, case_id: uuid.UUID, actor: User, today: dt.date | None = None
) -> ClockPause:
    case = case_for_staff_locked(case_id=case_id, user=actor)
    current = ClockPause.objects.filter(case=case, ended_on=None).first()
    if current is None or current.kind != PauseKind.SUSPENSION:
        raise ClockNotPaused()
    pause = case_pause_end(case=case, on=_today(today))
    case_event_record(
        case=case,
        kind=CaseEventKind.CLOCK_RESUMED,
        actor_id=actor.pk,
        department=case.handling_department,
        details={"working_days_not_counted": pause.working_days},
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor.pk,
        object_type="cases.case",
        object_id=str(case.pk),
        summary={"clock": "resumed", "number": case.number},
    )
    return pause


def extension_limit(version: ServiceVersion) -> int:
    """The most working days the promised period may be extended by: up to the legal period
    plus the extension the law allows (20 + 10 under 行政许可法 Arts. 42)."""
    return max(version.legal_days + version.extension_days - version.promised_days, 0)


@transaction.atomic
def case_extension_request(
    *, case_id: uuid.UUID, actor: User, days: int, reason: str
) -> ClockExtension:
    """A case officer asks to extend the decision period once, with a reason."""
    cleaned = _reason_clean(reason)
    case = case_for_staff_locked(case_id=case_id, user=actor)
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENTING):
        raise CaseTransitionInvalid()
    clock = CaseClock.objects.filter(
        case=case, kind=ClockKind.DECISION, task_id=None, closed_on=None
    ).first()
    if clock is None:
        raise CaseTransitionInvalid()
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ExtensionInvalid(
            errors={"days": [FieldError("invalid", _("Give a whole number of working days."))]}
        )
    limit = extension_limit(case.service_version)
    if days > limit:
        raise ExtensionBeyondLimit(
            errors={
                "days": [
                    FieldError(
                        "beyond_limit",
                        _("At most %(limit)s working days may be added here.") % {"limit": limit},
                    )
                ]
            }
        )
    if clock.extensions.exclude(status=ExtensionStatus.REFUSED).exists():
        raise ExtensionAlreadyUsed()
    extension = ClockExtension.objects.create(
        case=case, clock=clock, days=days, reason=cleaned, requested_by=actor
    )
    case_event_record(
        case=case,
        kind=CaseEventKind.EXTENSION_REQUESTED,
        actor_id=actor.pk,
        department=case.handling_department,
        visible_to_applicant=False,
        note=cleaned,
        details={"days": days, "extension": str(extension.pk)},
    )
    return extension


@transaction.atomic
def case_extension_decide(
    *, extension_id: uuid.UUID, actor: User, approve: bool, note: str = ""
) -> ClockExtension:
    """A supervisor of the department, not the requester, approves or refuses an extension."""
    extension = (
        ClockExtension.objects.select_for_update()
        .select_related("clock", "case")
        .filter(pk=extension_id)
        .first()
    )
    if extension is None:
        raise NotFound()
    clock = extension.clock
    supervised = staff_department_ids(user=actor, roles=[StaffRole.SUPERVISOR])
    if clock.department_id not in supervised:
        raise NotFound()
    if extension.requested_by_id == actor.pk:
        raise ExtensionOwnRequest()
    if extension.status != ExtensionStatus.REQUESTED:
        raise ExtensionAlreadyDecided()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "handling_department")
        .get(pk=extension.case_id)
    )
    clock.refresh_from_db()
    if approve and clock.closed_on is not None:
        raise CaseTransitionInvalid()
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if approve:
        clock.extension_days = extension.days
        clock_due_compute(clock)
        # Escalations start over against the new due date.
        clock.escalation = EscalationLevel.NONE
        clock.save()
        _case_dates_sync(case, clock)
    case_event_record(
        case=case,
        kind=CaseEventKind.EXTENSION_APPROVED if approve else CaseEventKind.EXTENSION_REFUSED,
        actor_id=actor.pk,
        department=case.handling_department,
        visible_to_applicant=approve,
        note=extension.reason if approve else note.strip()[:REASON_MAX_CHARS],
        details={
            "days": extension.days,
            "due_on": clock.due_on.isoformat() if clock.due_on else "",
        },
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor.pk,
        object_type="cases.extension",
        object_id=str(extension.pk),
        summary={"status": extension.status, "days": extension.days, "number": case.number},
    )
    return extension


# --- a holiday schedule entered later -------------------------------------------------------


def case_clocks_recompute_on_calendar_change(year: int) -> None:
    """Receiver of ``calendar_changed``."""
    case_clocks_recompute(year)


def case_clocks_recompute(year: int) -> int:
    """Receiver of ``calendar_changed``: recomputes every open clock that was provisional or
    touches ``year``; the case's dates follow and the timeline says so. How many changed."""
    calendar = working_calendar_get()
    candidates = (
        CaseClock.objects.filter(closed_on=None, follows_case=False)
        .filter(Q(provisional=True) | Q(due_on__year__gte=year, starts_on__year__lte=year))
        .values_list("pk", flat=True)
    )
    changed = 0
    for clock_id in list(candidates):
        with transaction.atomic():
            clock = CaseClock.objects.select_for_update().filter(pk=clock_id).first()
            if clock is None or clock.closed_on is not None:
                continue
            before = clock.due_on
            clock_due_compute(clock, calendar)
            clock.save(update_fields=["due_on", "provisional", "updated_at"])
            case = Case.objects.get(pk=clock.case_id)
            _case_dates_sync(case, clock)
            if clock.due_on != before:
                changed += 1
                case_event_record(
                    case=case,
                    kind=CaseEventKind.DUE_DATE_RECOMPUTED,
                    department=clock.department,
                    visible_to_applicant=clock.task_id is None,
                    note=_(
                        "The official holiday schedule of %(year)s was published: the due "
                        "date moves from %(before)s to %(after)s."
                    )
                    % {
                        "year": year,
                        "before": before.isoformat() if before else "—",
                        "after": clock.due_on.isoformat() if clock.due_on else "—",
                    },
                    details={"clock": str(clock.pk), "year": year},
                )
    return changed


# --- escalation ----------------------------------------------------------------------------------


def clock_handlers(clock: CaseClock) -> list[uuid.UUID]:
    """Who works on a clock: the task's assignee, else everyone in its department and role;
    for the case's own clock, the department's case handlers."""
    if clock.task_id is not None:
        task = HumanTask.objects.filter(pk=clock.task_id).first()
        if task is not None:
            if task.claimed_by_id:
                return [task.claimed_by_id]
            return _holders(task.department_id, [task.role])
    if clock.department_id is None:
        return []
    return _holders(clock.department_id, HANDLER_ROLES)


def _holders(department_id: uuid.UUID | None, roles: Iterable[str]) -> list[uuid.UUID]:
    if department_id is None:
        return []
    return sorted(
        set(
            StaffPosition.objects.filter(
                department_id=department_id, role__in=list(roles)
            ).values_list("user_id", flat=True)
        ),
        key=str,
    )


def department_one_level_up(department: Department) -> Department | None:
    """Where overdue work goes after the department's supervisors: the department a unit
    belongs to, else the department of the same type of the parent region."""
    if department.parent_id:
        return Department.objects.filter(pk=department.parent_id).first()
    region = department.region
    if region is None or region.parent_id is None:
        return None
    parent_region = Region.objects.filter(pk=region.parent_id).first()
    if parent_region is None:
        return None
    found = department_responsible(
        department_type=department.type.code, region_code=parent_region.code
    )
    return found if found is not None and found.pk != department.pk else None


def _clock_link(clock: CaseClock) -> str:
    if clock.task_id is not None:
        return reverse("cases:staff_task", args=[clock.task_id])
    return reverse("cases:supervision")


def _step_take(clock_id: uuid.UUID, level: EscalationLevel, today: dt.date) -> bool:
    """Takes one escalation step of one clock, once; True when this call took it."""
    with transaction.atomic():
        claimed = CaseClock.objects.filter(
            pk=clock_id, closed_on=None, paused_since=None, escalation__lt=level
        ).update(escalation=level)
        if not claimed:
            return False
        clock = CaseClock.objects.select_related(
            "case__service_item", "department__region", "department__type"
        ).get(pk=clock_id)
        case = clock.case
        department = clock.department
        context = {
            "number": case.number,
            "service": case.service_item.name,
            "due_on": clock.due_on.isoformat() if clock.due_on else "",
        }
        recipients: list[uuid.UUID]
        target = department
        if level == EscalationLevel.HANDLER_WARNED:
            recipients = clock_handlers(clock)
            event, kind = DUE_SOON_EVENT, CaseEventKind.DUE_SOON_WARNED
        else:
            if level == EscalationLevel.LEVEL_UP and department is not None:
                target = department_one_level_up(department)
            recipients = _holders(target.pk if target else None, [StaffRole.SUPERVISOR])
            event, kind = ESCALATED_EVENT, CaseEventKind.ESCALATED
            context["department"] = department.name if department else ""
        if recipients:
            notification_send(
                event=event,
                recipients=recipients,
                context=context,
                link=_clock_link(clock),
                dedupe_key=f"cases.clock:{clock.pk}:{int(level)}",
            )
        case_event_record(
            case=case,
            kind=kind,
            department=target,
            # The applicant sees that the department is being supervised, not the warnings.
            visible_to_applicant=level != EscalationLevel.HANDLER_WARNED,
            note=str(EscalationLevel(level).label),
            details={
                "clock": str(clock.pk),
                "level": int(level),
                "due_on": context["due_on"],
                "notified": len(recipients),
                "today": today.isoformat(),
            },
        )
        return True


def clocks_escalate(*, today: dt.date | None = None, limit: int = 1000) -> dict[str, int]:
    """The periodic escalation job: one step per clock and run, each its own transaction.

    A task clock escalates in its own department; the case's own clock only when no task of
    the case is open (so a step is never notified twice, once per task and once per case).
    """
    today = _today(today)
    calendar = working_calendar_get()
    open_task = CaseClock.objects.filter(
        case_id=OuterRef("case_id"), kind=ClockKind.TASK, closed_on=None
    )
    # Only clocks due by the next working day or so can need a step: a bounded read.
    horizon = add_working_days(calendar, today, DUE_SOON_WORKING_DAYS).day
    rows = (
        CaseClock.objects.filter(
            closed_on=None,
            paused_since=None,
            due_on__lte=horizon,
            escalation__lt=EscalationLevel.LEVEL_UP,
            case__status__in=[CaseStatus.SUBMITTED, CaseStatus.ACCEPTED],
        )
        .filter(Q(kind=ClockKind.TASK) | ~Exists(open_task))
        .order_by("due_on")
        .values_list("pk", "due_on", "escalation")[:limit]
    )
    taken = {"warned": 0, "supervisor": 0, "level_up": 0}
    for clock_id, due_on, escalation in list(rows):
        if due_on is None:
            continue
        if today <= due_on:
            if escalation < EscalationLevel.HANDLER_WARNED and _step_take(
                clock_id, EscalationLevel.HANDLER_WARNED, today
            ):
                taken["warned"] += 1
            continue
        late = working_days_between(calendar, due_on, today).days
        if escalation < EscalationLevel.SUPERVISOR:
            if _step_take(clock_id, EscalationLevel.SUPERVISOR, today):
                taken["supervisor"] += 1
        elif late >= ESCALATE_UP_AFTER_WORKING_DAYS and _step_take(
            clock_id, EscalationLevel.LEVEL_UP, today
        ):
            taken["level_up"] += 1
    return taken
