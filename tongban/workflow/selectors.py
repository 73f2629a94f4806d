"""Reads of the engine, scoped to who asks: inboxes, one task, an instance's diagram."""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from django.db.models import Q, QuerySet
from lxml import etree

from tongban.accounts.models import User
from tongban.core.exceptions import NotFound
from tongban.organization.selectors import staff_positions_of
from tongban.workflow.constants import ACTIVE_TASK_STATUSES, InstanceStatus
from tongban.workflow.engine import runtime
from tongban.workflow.engine.definitions import BPMN, TONGBAN, definition_parse_cached, xml_load
from tongban.workflow.engine.diagram import diagram_svg
from tongban.workflow.models import HumanTask, ProcessDefinition, ProcessInstance

INBOX_PAGE_MAX = 100


def _positions_filter(user: User) -> Q | None:
    """Tasks of the departments where the user holds a position with the task's role."""
    condition: Q | None = None
    for position in staff_positions_of(user_id=user.pk):
        clause = Q(department_id=position.department_id, role=position.role)
        condition = clause if condition is None else condition | clause
    return condition


def task_list_for_staff(
    *,
    user: User,
    limit: int = 50,
    after: tuple[dt.datetime, uuid.UUID] | None = None,
) -> list[HumanTask]:
    """The user's inbox: open and claimed tasks of their departments and roles, oldest first.

    Cursor-paginated on ``(created_at, id)``, the inbox index's order; never counts.
    """
    condition = _positions_filter(user)
    if condition is None:
        return []
    query = HumanTask.objects.filter(condition, status__in=ACTIVE_TASK_STATUSES)
    if after is not None:
        created_at, task_id = after
        query = query.filter(
            Q(created_at__gt=created_at) | Q(created_at=created_at, id__gt=task_id)
        )
    return list(
        query.select_related("instance", "department").order_by("created_at", "id")[
            : max(1, min(limit, INBOX_PAGE_MAX))
        ]
    )


def task_get_for_staff(*, user: User, task_id: uuid.UUID) -> HumanTask:
    """One task of the user's departments and roles (done ones too); others are not found."""
    condition = _positions_filter(user)
    task = (
        HumanTask.objects.filter(condition, pk=task_id)
        .select_related("instance__definition", "department")
        .first()
        if condition is not None
        else None
    )
    if task is None:
        raise NotFound()
    return task


def task_list_for_instance(*, instance: ProcessInstance) -> QuerySet[HumanTask]:
    return instance.tasks.select_related("department").order_by("created_at", "id")


def process_instance_for_subject(*, subject_type: str, subject_id: str) -> ProcessInstance | None:
    """The latest instance started for a subject (for the upper app that started it)."""
    return (
        ProcessInstance.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("definition")
        .order_by("-created_at")
        .first()
    )


def process_definition_latest(*, key: str) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key).order_by("-version").first()


def process_diagram_svg(*, instance: ProcessInstance) -> str:
    """The instance's process as SVG, with done, active and pending elements marked.

    Callers scope access first (e.g. through ``task_get_for_staff``).
    """
    stored = instance.definition
    definition = definition_parse_cached(stored.bpmn.encode(), stored.digest)
    states: dict[str, str] = {}
    if instance.state and instance.state != "{}":
        workflow = runtime.workflow_load(
            instance.state, definition, runtime.RestrictedScriptEngine(_no_service)
        )
        states = runtime.element_states(workflow)
        if instance.status != InstanceStatus.RUNNING:
            states = {key: "done" for key, value in states.items() if value == "done"}
    return diagram_svg(definition.layout, states, title=stored.name)


def _no_service(*args: object) -> None:
    raise RuntimeError("drawing a diagram runs no service")


def task_properties_of(*, task: HumanTask) -> dict[str, str]:
    """The task's own ``tongban:*`` attributes in its BPMN file (see ``TaskCompletion``)."""
    stored = task.instance.definition
    definition = definition_parse_cached(stored.bpmn.encode(), stored.digest)
    return dict(definition.task_properties.get(task.element_id, {}))


def process_critical_path_days(*, definition: ProcessDefinition) -> int | None:
    """The longest chain of ``tongban:workingDays`` from the start to an end of the process.

    Parallel branches count once (the slowest); a chain of tasks adds up. None when no task
    declares its own period. Loops (a return for correction) are counted once.
    """
    return _critical_path_cached(definition.bpmn.encode(), definition.digest)


@functools.lru_cache(maxsize=256)
def _critical_path_cached(bpmn: bytes, digest: str) -> int | None:
    root = xml_load(bpmn)
    days: dict[str, int] = {}
    following: dict[str, list[str]] = {}
    starts: list[str] = []
    declared = False
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node.tag).namespace != BPMN:
            continue
        tag = etree.QName(node.tag).localname
        if tag == "sequenceFlow":
            following.setdefault(node.get("sourceRef", ""), []).append(node.get("targetRef", ""))
        elif tag == "startEvent":
            starts.append(node.get("id", ""))
        elif tag == "userTask":
            value = (node.get(f"{{{TONGBAN}}}workingDays") or "").strip()
            if value.isdigit():
                days[node.get("id", "")] = int(value)
                declared = True
    if not declared:
        return None
    longest: dict[str, int] = {}

    def walk(element: str, path: frozenset[str]) -> int:
        if element in longest:
            return longest[element]
        later = [
            walk(target, path | {element})
            for target in following.get(element, [])
            if target not in path
        ]
        longest[element] = days.get(element, 0) + max(later, default=0)
        return longest[element]

    return max((walk(start, frozenset()) for start in starts), default=0)
