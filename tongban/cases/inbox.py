"""Reads of the staff side: the department's inbox, and a case as one task needs to see it.

One path to a case for staff: ``staff_task_get`` scopes the task through the engine's own
``task_get_for_staff`` (the user's departments and roles), then finds the task's case; a task
that is not the user's, or not a case's, is not found. What the task shows of the
application is declared on the BPMN user task (``tongban:fields``, space-separated keys;
``tongban:materials``, material names separated by ``;``). A task that declares nothing sees
every field, with identifiers masked, and every material (the paper file, as on a desk).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from tongban.accounts.models import User
from tongban.cases.constants import PROCESS_SUBJECT_TYPE, CaseEventKind, CaseStep
from tongban.cases.exceptions import CaseNotFound
from tongban.cases.models import Case, CaseEvent, CaseMaterial, CaseNotice
from tongban.cases.services import case_step_of
from tongban.catalog.constants import PERSONAL_FIELD_TYPES, FieldType
from tongban.catalog.models import FieldRow
from tongban.core.exceptions import NotFound
from tongban.core.masking import mask_email, mask_phone, mask_resident_id_number
from tongban.workflow.models import HumanTask
from tongban.workflow.selectors import (
    INBOX_PAGE_MAX,
    task_get_for_staff,
    task_list_for_staff,
    task_properties_of,
)

MASKS = {
    FieldType.RESIDENT_ID_NUMBER: mask_resident_id_number,
    FieldType.MOBILE: mask_phone,
    FieldType.EMAIL: mask_email,
}


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    case: Case
    step: CaseStep
    due_on: dt.date | None


def _case_of(task: HumanTask) -> Case | None:
    if task.instance.subject_type != PROCESS_SUBJECT_TYPE:
        return None
    try:
        case_id = uuid.UUID(task.instance.subject_id)
    except ValueError:
        return None
    return (
        Case.objects.select_related("service_item", "service_version", "handling_department")
        .filter(pk=case_id)
        .first()
    )


def _due_of(task: HumanTask, case: Case, step: CaseStep) -> dt.date | None:
    if task.due_date is not None:
        return task.due_date
    return case.acceptance_due if step == CaseStep.ACCEPTANCE else case.decision_due


# How many open tasks the inbox reads to find the soonest due: far more than one department
# holds open at once, so the first page is never missing a task that is due sooner.
INBOX_SCAN_MAX = 5000


def _open_tasks(user: User) -> list[HumanTask]:
    """Every open task of the user's departments and roles, in the engine's pages."""
    tasks: list[HumanTask] = []
    after = None
    while len(tasks) < INBOX_SCAN_MAX:
        page = task_list_for_staff(user=user, limit=INBOX_PAGE_MAX, after=after)
        tasks += page
        if len(page) < INBOX_PAGE_MAX:
            break
        after = (page[-1].created_at, page[-1].pk)
    return tasks


def staff_inbox(*, user: User, limit: int = INBOX_PAGE_MAX) -> list[InboxRow]:
    """The open tasks on cases of the user's departments and roles, soonest due first.

    A task's due date is often its case's (the acceptance or decision period), which the
    engine's inbox cannot order by: all open tasks are read, sorted here, and cut to ``limit``.
    """
    tasks = [
        task for task in _open_tasks(user) if task.instance.subject_type == PROCESS_SUBJECT_TYPE
    ]
    ids = {}
    for task in tasks:
        try:
            ids[task.pk] = uuid.UUID(task.instance.subject_id)
        except ValueError:
            continue
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in=set(ids.values())).select_related(
            "service_item", "service_version"
        )
    }
    rows = []
    for task in tasks:
        case = cases.get(ids.get(task.pk))  # type: ignore[arg-type]
        if case is None:
            continue
        step = case_step_of(task_properties_of(task=task))
        rows.append(InboxRow(task=task, case=case, step=step, due_on=_due_of(task, case, step)))
    rows.sort(key=lambda row: (row.due_on is None, row.due_on or dt.date.max, row.task.created_at))
    return rows[:limit]


@dataclass(frozen=True)
class ShownField:
    key: str
    label: str
    value: str
    personal: bool
    masked: bool


@dataclass
class StaffCaseView:
    """What one task shows of its case."""

    task: HumanTask
    case: Case
    step: CaseStep
    fields: list[ShownField]
    materials: list[CaseMaterial]
    events: list[CaseEvent]
    notices: list[CaseNotice]
    declared: bool
    outcomes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def personal_keys(self) -> list[str]:
        keys = [shown.key for shown in self.fields if shown.personal]
        return keys + [f"material:{row.material.name}" for row in self.materials]


def staff_task_get(*, user: User, task_id: uuid.UUID) -> tuple[HumanTask, Case]:
    """A task of the user's departments and roles, with its case; otherwise not found."""
    try:
        task = task_get_for_staff(user=user, task_id=task_id)
    except NotFound:
        raise CaseNotFound() from None
    case = _case_of(task)
    if case is None:
        raise CaseNotFound()
    return task, case


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return str(value)


def staff_case_view(*, user: User, task_id: uuid.UUID) -> StaffCaseView:
    """The case as the task needs it: its declared fields and materials, timeline, notices."""
    task, case = staff_task_get(user=user, task_id=task_id)
    properties = task_properties_of(task=task)
    answers = case.answers
    rows = list(FieldRow.objects.filter(version_id=case.service_version_id).order_by("position"))
    declared_fields = properties.get("fields")
    declared_materials = properties.get("materials")
    wanted = set(declared_fields.split()) if declared_fields is not None else None
    shown = []
    for row in rows:
        if wanted is not None and row.key not in wanted:
            continue
        if row.key not in answers:
            continue
        personal = row.type in PERSONAL_FIELD_TYPES or bool(row.purpose)
        value = _value(answers.get(row.key))
        mask = MASKS.get(FieldType(row.type)) if row.type in MASKS else None
        # Undeclared, a task sees identifiers masked: only a task that names them needs them.
        masked = wanted is None and mask is not None and bool(value)
        shown.append(
            ShownField(
                key=row.key,
                label=row.label,
                value=mask(value) if masked and mask is not None else value,
                personal=personal,
                masked=masked,
            )
        )
    materials = list(
        CaseMaterial.objects.filter(case=case).select_related("material").order_by("created_at")
    )
    if declared_materials is not None:
        names = {name.strip() for name in declared_materials.split(";") if name.strip()}
        materials = [row for row in materials if row.material.name in names]
    return StaffCaseView(
        task=task,
        case=case,
        step=case_step_of(properties),
        fields=shown,
        materials=materials,
        # In a parallel review each department keeps its internal comments to itself.
        events=list(
            CaseEvent.objects.filter(case=case)
            .exclude(Q(kind=CaseEventKind.COMMENT) & ~Q(department_id=task.department_id))
            .order_by("at", "id")
        ),
        notices=list(CaseNotice.objects.filter(case=case).order_by("created_at")),
        declared=declared_fields is not None,
    )


def staff_material_get(*, user: User, task_id: uuid.UUID, row_id: uuid.UUID) -> CaseMaterial:
    """A material the task shows (the same rule as ``staff_case_view``); else not found."""
    task, case = staff_task_get(user=user, task_id=task_id)
    row = CaseMaterial.objects.filter(case=case, pk=row_id).select_related("material").first()
    if row is None:
        raise CaseNotFound()
    declared = task_properties_of(task=task).get("materials")
    if declared is not None:
        names = {name.strip() for name in declared.split(";") if name.strip()}
        if row.material.name not in names:
            raise CaseNotFound()
    return row


def staff_notice_get(*, user: User, task_id: uuid.UUID, notice_id: uuid.UUID) -> CaseNotice:
    _task, case = staff_task_get(user=user, task_id=task_id)
    notice = CaseNotice.objects.filter(case=case, pk=notice_id).first()
    if notice is None:
        raise CaseNotFound()
    return notice


def notice_for_verification(*, notice_id: uuid.UUID) -> CaseNotice | None:
    return (
        CaseNotice.objects.select_related("case", "case__service_item", "department")
        .filter(pk=notice_id)
        .first()
    )
