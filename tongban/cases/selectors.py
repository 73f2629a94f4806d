"""Reads of applications, always scoped to who asks: one path to every case (STYLE.md 4).

An applicant sees a case when it is about them, about an enterprise they represent or act
for under a grant that is still in force, or about a person who authorised them (while the
grant lasts). Anything else answers "not found", whether or not the row exists.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import AgentGrant, User
from tongban.cases.constants import FINAL_STATUSES, OPEN_STATUSES, BundleStatus, CaseStatus
from tongban.cases.exceptions import CaseNotFound
from tongban.cases.models import (
    Case,
    CaseClock,
    CaseEvent,
    CaseMaterial,
    CaseUrge,
    ClockExtension,
    CorrectionRequest,
)
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import local_date, working_days_between


def _visible_to(user: Any) -> Q:
    """My own cases, those of the enterprises I represent, and those of each party that
    authorised me, limited to the services its grant covers."""
    now = timezone.now()
    grants = AgentGrant.objects.filter(agent_id=user.pk, revoked_at=None, valid_until__gt=now)
    query = Q(applicant_person_id=user.pk)
    represented = list(user.represented_enterprises.values_list("pk", flat=True))
    if represented:
        query |= Q(applicant_enterprise_id__in=represented)
    for grant in grants.only(
        "principal_person_id", "principal_enterprise_id", "all_services", "service_codes"
    ):
        party = (
            Q(applicant_person_id=grant.principal_person_id)
            if grant.principal_person_id
            else Q(applicant_enterprise_id=grant.principal_enterprise_id)
        )
        if not grant.all_services:
            party &= Q(service_item__code__in=list(grant.service_codes))
        query |= party
    return query


def cases_visible_to_applicant(*, user: Any) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(_visible_to(user))


def case_get_for_applicant(*, user: Any, case_id: uuid.UUID | str) -> Case:
    """The case if ``user`` may see it as applicant or agent; else ``CaseNotFound``."""
    try:
        key = uuid.UUID(str(case_id))
    except ValueError as error:
        raise CaseNotFound() from error
    case = (
        cases_visible_to_applicant(user=user)
        .select_related("service_item", "service_version", "handling_department", "region")
        .filter(pk=key)
        .first()
    )
    if case is None:
        raise CaseNotFound()
    return case


# --- lists with a keyset cursor -----------------------------------------------------------


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str


def _cursor_encode(case: Case) -> str:
    raw = f"{case.created_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    invalid = InvalidInput(
        errors={"cursor": [FieldError("invalid_cursor", _("This page link is not valid."))]}
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, _bar, id_text = raw.partition("|")
        moment = parse_datetime(moment_text)
        key = uuid.UUID(id_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise invalid from error
    if moment is None:
        raise invalid
    return moment, key


def case_list_for_applicant(*, user: Any, cursor: str = "", limit: int = 20) -> CasePage:
    """The applicant's cases, newest first; ``next_cursor`` is empty on the last page."""
    limit = max(1, min(limit, 100))
    queryset = (
        cases_visible_to_applicant(user=user)
        # A bundle's parts are listed on the bundle's page, not one by one.
        .filter(parent__isnull=True)
        .select_related("service_item", "service_version", "handling_department", "bundle")
        .order_by("-created_at", "-id")
    )
    if cursor:
        moment, key = _cursor_decode(cursor)
        queryset = queryset.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=key))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return CasePage(cases=rows, next_cursor=_cursor_encode(rows[-1]) if more else "")


def case_events_for_applicant(*, case: Case) -> list[CaseEvent]:
    return list(
        case.events.filter(visible_to_applicant=True)
        .select_related("department")
        .order_by("at", "id")
    )


def case_materials(*, case: Case) -> list[CaseMaterial]:
    return list(case.materials.select_related("material").order_by("created_at"))


def case_material_get(*, case: Case, row_id: uuid.UUID | str) -> CaseMaterial:
    try:
        key = uuid.UUID(str(row_id))
    except ValueError as error:
        raise CaseNotFound() from error
    row = case.materials.filter(pk=key).first()
    if row is None:
        raise CaseNotFound()
    return row


# --- the clocks as the applicant sees them --------------------------------------------------


@dataclass(frozen=True)
class Clock:
    label: str | Promise
    due: dt.date
    working_days_left: int
    provisional: bool
    # While the applicant supplements or the case is suspended: since when it stands still.
    paused_since: dt.date | None = None
    state: str = ""


CLOCK_LABELS = {"acceptance": _("Acceptance due"), "decision": _("Decision due")}


def case_clocks(*, case: Case, today: dt.date | None = None) -> list[Clock]:
    """The running clock(s): acceptance while submitted, decision once accepted; a stopped
    one (supplementation, suspension) with the working days it had left when it stopped."""
    from tongban.cases.services.clocks import clock_days_left, clock_state

    today = today or local_date(timezone.now())
    if case.status in OPEN_STATUSES:
        own = (
            CaseClock.objects.filter(case=case, task_id=None, closed_on=None)
            .exclude(due_on=None)
            .order_by("-created_at")
            .first()
        )
        if own is not None and own.due_on is not None:
            return [
                Clock(
                    CLOCK_LABELS.get(own.kind, _("Due")),
                    own.due_on,
                    clock_days_left(own, today),
                    own.provisional,
                    own.paused_since,
                    str(clock_state(own, today)),
                )
            ]
    calendar = working_calendar_get()
    clocks: list[Clock] = []
    if case.status == CaseStatus.SUBMITTED and case.acceptance_due:
        count = working_days_between(calendar, today, case.acceptance_due)
        clocks.append(
            Clock(_("Acceptance due"), case.acceptance_due, count.days, count.provisional)
        )
    if case.status == CaseStatus.ACCEPTED and case.decision_due:
        count = working_days_between(calendar, today, case.decision_due)
        clocks.append(Clock(_("Decision due"), case.decision_due, count.days, count.provisional))
    return clocks


def next_action(case: Case) -> str | Promise:
    """What the applicant is expected to do next, or ""."""
    if case.status == CaseStatus.DRAFT:
        return _("Complete and submit the application.")
    if case.status == CaseStatus.SUPPLEMENTING:
        return _("Supplement what the department asked for.")
    if case.status == CaseStatus.APPROVED and case.certificate_id:
        return _("Find the certificate in your wallet.")
    return ""


# --- prefill and corrections ----------------------------------------------------------------


def earlier_answers(
    *, person_id: uuid.UUID | None, enterprise_id: uuid.UUID | None, keys: Sequence[str]
) -> dict[str, Any]:
    """The applicant's latest answer to each of ``keys`` in their submitted applications."""
    if person_id is None and enterprise_id is None:
        return {}
    queryset = Case.objects.exclude(status=CaseStatus.DRAFT).exclude(submitted_at=None)
    if enterprise_id is not None:
        queryset = queryset.filter(applicant_enterprise_id=enterprise_id)
    else:
        queryset = queryset.filter(applicant_person_id=person_id, applicant_enterprise=None)
    found: dict[str, Any] = {}
    for case in queryset.order_by("-submitted_at")[:5]:
        answers = case.answers
        for key in keys:
            if key not in found and answers.get(key) not in (None, ""):
                found[key] = answers[key]
        if len(found) == len(keys):
            break
    return found


def corrections_for_user(*, user: User) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(requested_by=user).select_related("department")


def corrections_open_for_departments(
    *, department_ids: Sequence[uuid.UUID]
) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(department_id__in=department_ids).order_by(
        "status", "created_at"
    )


# --- the supervisors' view -------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisedClock:
    clock: CaseClock
    state: str
    days_left: int
    assignee: str
    officers: list[tuple[str, str]]


@dataclass(frozen=True)
class OnTimeRate:
    department: str
    service: str
    closed: int
    kept: int

    @property
    def percent(self) -> int:
        return round(100 * self.kept / self.closed) if self.closed else 0


@dataclass(frozen=True)
class Supervision:
    departments: list[Any]
    late: list[SupervisedClock]
    urges: list[CaseUrge]
    extensions: list[ClockExtension]
    rates: list[OnTimeRate]


def supervision_for(*, user: User, today: dt.date | None = None) -> Supervision:
    """Due-soon and overdue work in the departments ``user`` supervises, the urges, pending
    extensions, and the on-time rate per department and service (paused time is not
    counted: a pause moves the due date by the working days it lasted)."""
    from django.db.models import Count, Exists, OuterRef
    from django.db.models import Q as Query

    from tongban.cases.constants import ClockKind, ClockState
    from tongban.cases.services.clocks import (
        clock_days_left,
        clock_state,
        staff_department_ids,
    )
    from tongban.core.working_days import add_working_days
    from tongban.organization.constants import StaffRole
    from tongban.organization.models import Department, StaffPosition
    from tongban.workflow.models import HumanTask

    today = today or local_date(timezone.now())
    ids = staff_department_ids(user=user, roles=[StaffRole.SUPERVISOR])
    departments = list(Department.objects.filter(pk__in=ids).order_by("name"))
    horizon = add_working_days(working_calendar_get(), today, 1).day
    open_task = CaseClock.objects.filter(
        case_id=OuterRef("case_id"), kind=ClockKind.TASK, closed_on=None
    )
    rows = (
        CaseClock.objects.filter(
            department_id__in=ids, closed_on=None, paused_since=None, due_on__lte=horizon
        )
        .filter(Query(kind=ClockKind.TASK) | ~Exists(open_task))
        .select_related("case__service_item", "department")
        .order_by("due_on")[:500]
    )
    tasks = {
        task.pk: task
        for task in HumanTask.objects.filter(
            pk__in=[row.task_id for row in rows if row.task_id]
        ).select_related("claimed_by")
    }
    officers: dict[tuple[Any, str], list[tuple[str, str]]] = {}
    late: list[SupervisedClock] = []
    for row in rows:
        state = clock_state(row, today)
        if state not in (ClockState.DUE_SOON, ClockState.OVERDUE):
            continue
        task = tasks.get(row.task_id) if row.task_id else None
        choices: list[tuple[str, str]] = []
        if task is not None:
            key = (task.department_id, task.role)
            if key not in officers:
                officers[key] = [
                    (str(p.user_id), str(p.user.real_name or p.user.username))
                    for p in StaffPosition.objects.filter(
                        department_id=task.department_id, role=task.role
                    ).select_related("user")
                ]
            choices = officers[key]
        assignee = ""
        if task is not None and task.claimed_by is not None:
            assignee = str(task.claimed_by.real_name or task.claimed_by.username)
        late.append(
            SupervisedClock(row, str(state), clock_days_left(row, today), assignee, choices)
        )
    urges = list(
        CaseUrge.objects.filter(department_id__in=ids)
        .select_related("case__service_item", "department")
        .order_by("-at")[:100]
    )
    extensions = list(
        ClockExtension.objects.filter(clock__department_id__in=ids, status="requested")
        .select_related("case__service_item", "requested_by")
        .order_by("created_at")
    )
    grouped = (
        CaseClock.objects.filter(
            department_id__in=ids,
            task_id=None,
            closed_on__isnull=False,
            kind__in=[ClockKind.ACCEPTANCE, ClockKind.DECISION],
        )
        .values("department__name", "case__service_item__name")
        .annotate(closed=Count("id"), kept=Count("id", filter=Query(on_time=True)))
        .order_by("department__name", "case__service_item__name")
    )
    rates = [
        OnTimeRate(
            row["department__name"], row["case__service_item__name"], row["closed"], row["kept"]
        )
        for row in grouped
    ]
    return Supervision(departments, late, urges, extensions, rates)


# --- life-event bundles ---------------------------------------------------------------------


def bundle_status_of(children: Sequence[Case]) -> BundleStatus:
    statuses = [CaseStatus(child.status) for child in children]
    if not statuses or any(status not in FINAL_STATUSES for status in statuses):
        return BundleStatus.IN_PROGRESS
    approved = sum(1 for status in statuses if status == CaseStatus.APPROVED)
    if approved == len(statuses):
        return BundleStatus.DONE
    return BundleStatus.PARTLY_REFUSED if approved else BundleStatus.REFUSED


def bundle_children(*, parent: Case) -> list[Case]:
    return list(
        Case.objects.filter(parent=parent)
        .select_related("service_item", "handling_department", "service_version")
        .order_by("created_at", "id")
    )


def bundle_child_events(*, children: Sequence[Case]) -> dict[uuid.UUID, list[CaseEvent]]:
    """The applicant-visible timeline of every child, in one query."""
    events: dict[uuid.UUID, list[CaseEvent]] = {child.pk: [] for child in children}
    for event in (
        CaseEvent.objects.filter(case__in=list(children), visible_to_applicant=True)
        .select_related("department")
        .order_by("at", "id")
    ):
        events[event.case_id].append(event)
    return events


# --- trips and paper (最多跑一次, 减材料) ----------------------------------------------------


@dataclass(frozen=True)
class ServiceBurden:
    """The totals of one service's submitted cases: what applicants were spared."""

    code: str
    name: str
    cases: int
    counter_cases: int
    trips: int
    pages_uploaded: int
    pages_reused: int
    decided_automatically: int

    @property
    def pages_avoided(self) -> int:
        return self.pages_uploaded + self.pages_reused


def burden_totals_by_service() -> list[ServiceBurden]:
    """One aggregate query over the submitted cases, grouped by service."""
    from django.db.models import Count, Sum

    rows = (
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .values("service_item__code", "service_item__name")
        .annotate(
            cases=Count("id"),
            counter_cases=Count("id", filter=Q(channel="counter")),
            trips=Sum("trips_in_person"),
            pages_uploaded=Sum("pages_uploaded"),
            pages_reused=Sum("pages_reused"),
            decided_automatically=Count("id", filter=Q(decided_automatically=True)),
        )
        .order_by("service_item__code")
    )
    return [
        ServiceBurden(
            code=row["service_item__code"],
            name=row["service_item__name"],
            cases=row["cases"],
            counter_cases=row["counter_cases"],
            trips=row["trips"] or 0,
            pages_uploaded=row["pages_uploaded"] or 0,
            pages_reused=row["pages_reused"] or 0,
            decided_automatically=row["decided_automatically"],
        )
        for row in rows
    ]
