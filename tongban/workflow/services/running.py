"""Starting processes, claiming and completing tasks, cancelling."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task as EngineTask

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, InvalidInput, NotFound
from tongban.core.jurisdiction import DepartmentRef, department_resolve
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import (
    CHINA,
    add_working_days,
    local_date,
)
from tongban.organization.constants import StaffRole
from tongban.organization.selectors import staff_positions_of
from tongban.workflow.callbacks import (
    ProcessFinished,
    ServiceCall,
    TaskCompletion,
    TaskEvent,
    process_finished,
    service_handlers,
    task_completing,
    task_created,
)
from tongban.workflow.constants import (
    ACTIVE_TASK_STATUSES,
    DEFAULT_PROCESS_OUTCOME,
    MAX_DATA_BYTES,
    InstanceStatus,
    TaskStatus,
)
from tongban.workflow.engine import runtime
from tongban.workflow.engine.definitions import (
    Definition,
)
from tongban.workflow.exceptions import (
    OutcomeNotAllowed,
    ProcessFailed,
    TaskAlreadyCompleted,
    TaskClaimedBySomeoneElse,
)
from tongban.workflow.models import HumanTask, ProcessDefinition, ProcessInstance
from tongban.workflow.services.definitions import definition_of

logger = logging.getLogger(__name__)

DATA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def _clean_data(data: Mapping[str, Any] | None, field: str) -> dict[str, Any]:
    if not data:
        return {}
    bad = [key for key in data if not isinstance(key, str) or not DATA_KEY.match(key)]
    if bad:
        raise InvalidInput(
            errors={field: [FieldError("invalid_key", "Use letters, digits and '_' in names.")]}
        )
    try:
        encoded = json.dumps(dict(data), ensure_ascii=False)
    except (TypeError, ValueError):
        raise InvalidInput(
            errors={field: [FieldError("not_json", "The data must be plain JSON values.")]}
        ) from None
    if len(encoded.encode()) > MAX_DATA_BYTES:
        raise InvalidInput(errors={field: [FieldError("too_large", "The data is too large.")]})
    cleaned: dict[str, Any] = json.loads(encoded)
    return cleaned


def _engine_for(instance: ProcessInstance) -> runtime.RestrictedScriptEngine:
    def call(operation: str, parameters: dict[str, Any], task: EngineTask) -> Any:
        handler = service_handlers[operation]
        result = handler(
            ServiceCall(
                instance_id=instance.pk,
                subject_type=instance.subject_type,
                subject_id=instance.subject_id,
                region_code=instance.region_code,
                element_id=str(task.task_spec.bpmn_id),
                parameters=parameters,
                data=dict(task.data),
            )
        )
        return dict(result or {})

    return runtime.RestrictedScriptEngine(call)


def _due_of(duration: str, now: dt.datetime) -> tuple[dt.datetime, dt.date, bool]:
    """A deadline timer's due moment: whole days count as working days (DESIGN.md §2.3)."""
    parsed = TimerEventDefinition.parse_iso_duration(duration)
    days = int(parsed.get("days", 0)) + 5 * int(parsed.get("weeks", 0))
    if set(parsed) <= {"days", "weeks"}:
        due = add_working_days(working_calendar_get(), local_date(now), days)
        moment = dt.datetime.combine(due.day + dt.timedelta(days=1), dt.time(), tzinfo=CHINA)
        return moment, due.day, due.provisional
    moment = now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
    return moment, local_date(moment), False


def _event_of(row: HumanTask, instance: ProcessInstance) -> TaskEvent:
    return TaskEvent(
        task_id=row.pk,
        instance_id=instance.pk,
        subject_type=instance.subject_type,
        subject_id=instance.subject_id,
        element_id=row.element_id,
        department_id=row.department_id,
        role=row.role,
        due_at=row.due_at,
    )


def _advance(
    instance: ProcessInstance, workflow: Any, definition: Definition, now: dt.datetime
) -> None:
    """Brings the task rows, the timers and the instance row in line with the engine."""
    ready = {task.id: task for task in runtime.ready_human_tasks(workflow)}
    active = {
        row.engine_task_id: row for row in instance.tasks.filter(status__in=ACTIVE_TASK_STATUSES)
    }
    gone = [row.pk for engine_id, row in active.items() if engine_id not in ready]
    if gone:
        HumanTask.objects.filter(pk__in=gone).update(status=TaskStatus.CANCELLED, updated_at=now)
    departments: dict[str, DepartmentRef] = {}
    created: list[HumanTask] = []
    for engine_id, task in ready.items():
        if engine_id in active:
            continue
        element_id = str(task.task_spec.bpmn_id)
        assignment = definition.assignments[element_id]
        if assignment.department_type not in departments:
            departments[assignment.department_type] = department_resolve(
                department_type=assignment.department_type, region_code=instance.region_code
            )
        row = HumanTask(
            instance=instance,
            engine_task_id=engine_id,
            element_id=element_id,
            name=(definition.layout.names.get(element_id) or element_id)[:200],
            department_id=departments[assignment.department_type].id,
            role=assignment.role,
        )
        for timer in runtime.deadline_timers_of(task):
            moment, day, provisional = _due_of(runtime.timer_duration_of(timer), now)
            runtime.timer_set(timer, moment)
            if row.due_at is None or moment < row.due_at:
                row.due_at, row.due_date, row.due_provisional = moment, day, provisional
        created.append(row)
    HumanTask.objects.bulk_create(created)
    moments = [m for m in map(runtime.timer_moment, runtime.waiting_timers(workflow)) if m]
    instance.next_timer_at = min(moments) if moments else None
    if workflow.is_completed():
        reached = [
            definition.outcomes_of_end_events.get(element_id, "")
            for element_id in runtime.finished_end_events(workflow)
        ]
        named = [outcome for outcome in reached if outcome]
        instance.status = InstanceStatus.COMPLETED
        instance.outcome = named[-1] if named else DEFAULT_PROCESS_OUTCOME
        instance.finished_at = now
        instance.next_timer_at = None
    instance.state = runtime.workflow_dump(workflow)
    instance.revision += 1
    instance.save()
    for row in created:
        task_created.fire(_event_of(row, instance))
    if instance.status == InstanceStatus.COMPLETED:
        process_finished.fire(
            ProcessFinished(
                instance_id=instance.pk,
                subject_type=instance.subject_type,
                subject_id=instance.subject_id,
                outcome=instance.outcome,
            )
        )


def _engine_failed(instance: ProcessInstance, error: Exception) -> ProcessFailed:
    logger.warning(
        "workflow engine failed",
        extra={"instance": str(instance.pk), "error": str(error)[:500]},
    )
    return ProcessFailed()


@transaction.atomic
def process_start(
    *,
    definition: ProcessDefinition,
    subject_type: str,
    subject_id: str,
    region_code: str,
    data: Mapping[str, Any] | None = None,
    actor_id: uuid.UUID | None = None,
) -> ProcessInstance:
    """Starts a process for a subject in a region and runs it to its first waits.

    Raises ``NoJurisdiction`` when the region has no department for a first task, and
    ``ProcessFailed`` when the process cannot run on the data given; nothing is stored then.
    """
    parsed = definition_of(definition)
    now = timezone.now()
    instance = ProcessInstance(
        definition=definition,
        subject_type=subject_type[:100],
        subject_id=str(subject_id)[:100],
        region_code=region_code,
    )
    instance.save()
    engine = _engine_for(instance)
    workflow = runtime.workflow_create(parsed, engine, _clean_data(data, "data"))
    try:
        workflow.do_engine_steps()
    except (SpiffWorkflowException, KeyError, ValueError, TypeError) as error:
        raise _engine_failed(instance, error) from error
    _advance(instance, workflow, parsed, now)
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor_id,
        object_type="workflow.processinstance",
        object_id=str(instance.pk),
        summary={"definition": f"{definition.key} v{definition.version}"},
    )
    return instance


def _positions(user: User) -> set[tuple[uuid.UUID, str]]:
    return {
        (position.department_id, position.role) for position in staff_positions_of(user_id=user.pk)
    }


def _task_for_actor(*, task_id: uuid.UUID, actor: User, lock: bool) -> HumanTask:
    query = HumanTask.objects.all()
    if lock:
        query = query.select_for_update()
    row = query.filter(pk=task_id).first()
    if row is None or (row.department_id, row.role) not in _positions(actor):
        raise NotFound()
    return row


@transaction.atomic
def task_claim(*, task_id: uuid.UUID, actor: User) -> HumanTask:
    """Takes a task from the department's inbox; claiming one's own claim again is a no-op."""
    row = _task_for_actor(task_id=task_id, actor=actor, lock=True)
    if row.status == TaskStatus.COMPLETED:
        raise TaskAlreadyCompleted()
    if row.status == TaskStatus.CANCELLED:
        raise NotFound()
    if row.claimed_by_id not in (None, actor.pk):
        raise TaskClaimedBySomeoneElse()
    if row.claimed_by_id == actor.pk:
        return row
    row.status = TaskStatus.CLAIMED
    row.claimed_by = actor
    row.save(update_fields=["status", "claimed_by", "updated_at"])
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor.pk,
        object_type="workflow.task",
        object_id=str(row.pk),
        summary={"status": TaskStatus.CLAIMED},
    )
    return row


@transaction.atomic
def task_assign(*, task_id: uuid.UUID, actor: User, assignee: User) -> HumanTask:
    """A supervisor of the task's department gives an open task to another of its officers
    (one who holds the task's role there), whether or not someone had claimed it."""
    row = HumanTask.objects.select_for_update().filter(pk=task_id).first()
    if row is None or (row.department_id, StaffRole.SUPERVISOR.value) not in _positions(actor):
        raise NotFound()
    if row.status not in ACTIVE_TASK_STATUSES:
        raise TaskAlreadyCompleted()
    if (row.department_id, row.role) not in _positions(assignee):
        raise InvalidInput(
            errors={
                "assignee": [
                    FieldError(
                        "not_eligible",
                        "The assignee does not hold the task's role in its department.",
                    )
                ]
            }
        )
    previous = row.claimed_by_id
    row.status = TaskStatus.CLAIMED
    row.claimed_by = assignee
    row.save(update_fields=["status", "claimed_by", "updated_at"])
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor.pk,
        object_type="workflow.task",
        object_id=str(row.pk),
        summary={
            "assigned_to": str(assignee.pk),
            "previous": str(previous) if previous else "",
        },
    )
    return row


@transaction.atomic
def task_complete(
    *,
    task_id: uuid.UUID,
    actor: User,
    outcome: str,
    comment: str = "",
    data: Mapping[str, Any] | None = None,
) -> HumanTask:
    """Records an officer's decision and runs the process on to its next waits.

    The instance row is locked first, then the task row is read again under that lock: of two
    concurrent completions of parallel branches the second sees the first's state, and of two
    completions of the same task the second finds it completed.
    """
    cleaned = _clean_data(data, "data")
    found = _task_for_actor(task_id=task_id, actor=actor, lock=False)
    return _task_run(found=found, actor=actor, outcome=outcome, comment=comment, data=cleaned)


@transaction.atomic
def task_complete_automatically(
    *, task_id: uuid.UUID, outcome: str, comment: str = "", data: Mapping[str, Any] | None = None
) -> HumanTask:
    """Completes a task with no person: an upper app's declarative rules decided it (秒批).

    The caller has checked that the rules allow this; the completion goes through the same
    ``task_completing`` hook as an officer's, with no actor.
    """
    cleaned = _clean_data(data, "data")
    found = HumanTask.objects.filter(pk=task_id).first()
    if found is None:
        raise NotFound()
    return _task_run(found=found, actor=None, outcome=outcome, comment=comment, data=cleaned)


def _task_run(
    *, found: HumanTask, actor: User | None, outcome: str, comment: str, data: dict[str, Any]
) -> HumanTask:
    cleaned = data
    actor_id = actor.pk if actor is not None else None
    instance = ProcessInstance.objects.select_for_update().get(pk=found.instance_id)
    row = HumanTask.objects.get(pk=found.pk)
    if row.status == TaskStatus.COMPLETED:
        raise TaskAlreadyCompleted()
    if row.status == TaskStatus.CANCELLED or instance.status != InstanceStatus.RUNNING:
        raise NotFound()
    if actor_id is not None and row.claimed_by_id not in (None, actor_id):
        raise TaskClaimedBySomeoneElse()
    parsed = definition_of(instance.definition)
    if outcome not in parsed.allowed_outcomes.get(row.element_id, ()):
        raise OutcomeNotAllowed()
    # Upper apps check and record the decision first: a refusal leaves the process untouched.
    task_completing.fire(
        TaskCompletion(
            task_id=row.pk,
            instance_id=instance.pk,
            subject_type=instance.subject_type,
            subject_id=instance.subject_id,
            element_id=row.element_id,
            department_id=row.department_id,
            role=row.role,
            outcome=outcome,
            comment=comment[:4000],
            data=cleaned,
            actor_id=actor_id,
            properties=dict(parsed.task_properties.get(row.element_id, {})),
        )
    )
    now = timezone.now()
    workflow = runtime.workflow_load(instance.state, parsed, _engine_for(instance))
    task = runtime.task_find(workflow, row.engine_task_id)
    if task is None:
        raise NotFound()
    task.data.update(cleaned)
    task.data[row.element_id] = outcome
    output = runtime.multi_instance_output_of(task)
    if output:
        task.data[output] = outcome
    try:
        task.run()
        workflow.do_engine_steps()
    except (SpiffWorkflowException, KeyError, ValueError, TypeError) as error:
        raise _engine_failed(instance, error) from error
    row.status = TaskStatus.COMPLETED
    row.outcome = outcome
    row.comment = comment[:4000]
    row.completed_by = actor
    row.claimed_by = row.claimed_by or actor
    row.completed_at = now
    row.save()
    _advance(instance, workflow, parsed, now)
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor_id,
        object_type="workflow.task",
        object_id=str(row.pk),
        summary={"status": TaskStatus.COMPLETED, "outcome": outcome},
    )
    return row


@transaction.atomic
def process_cancel(
    *, instance_id: uuid.UUID, actor_id: uuid.UUID | None, reason: str = ""
) -> ProcessInstance:
    """Stops a running instance (e.g. the applicant withdrew); its open tasks leave inboxes."""
    instance = ProcessInstance.objects.select_for_update().filter(pk=instance_id).first()
    if instance is None:
        raise NotFound()
    if instance.status != InstanceStatus.RUNNING:
        return instance
    now = timezone.now()
    instance.tasks.filter(status__in=ACTIVE_TASK_STATUSES).update(
        status=TaskStatus.CANCELLED, updated_at=now
    )
    instance.status = InstanceStatus.CANCELLED
    instance.finished_at = now
    instance.next_timer_at = None
    instance.save()
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor_id,
        object_type="workflow.processinstance",
        object_id=str(instance.pk),
        summary={"status": InstanceStatus.CANCELLED, "reason": reason[:200]},
    )
    return instance
