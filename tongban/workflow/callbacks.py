"""What upper apps plug into the engine: service-task handlers and the engine's hooks.

Upper apps import these through ``tongban.workflow.services`` and connect from
``AppConfig.ready()``; the engine never imports them (DESIGN.md §4).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.callbacks import Hook
from tongban.core.registry import Registry


@dataclass(frozen=True)
class ServiceCall:
    """What a service-task handler is given: the instance's subject and the task's parameters."""

    instance_id: uuid.UUID
    subject_type: str
    subject_id: str
    region_code: str
    element_id: str
    parameters: Mapping[str, Any]
    data: Mapping[str, Any]


# A handler returns a JSON-serialisable mapping, stored under the task's result variable.
ServiceHandler = Callable[[ServiceCall], Mapping[str, Any] | None]

service_handlers: Registry[ServiceHandler] = Registry("workflow service handler")


@dataclass(frozen=True)
class ProcessFinished:
    instance_id: uuid.UUID
    subject_type: str
    subject_id: str
    outcome: str


@dataclass(frozen=True)
class TaskEvent:
    task_id: uuid.UUID
    instance_id: uuid.UUID
    subject_type: str
    subject_id: str
    element_id: str
    department_id: uuid.UUID
    role: str
    due_at: dt.datetime | None


@dataclass(frozen=True)
class TaskCompletion:
    """An officer is completing a human task: what they decided, before the process moves on.

    ``properties`` are the user task's ``tongban:*`` attributes from the BPMN file, which the
    engine passes on without reading (e.g. which step of a case the task is).
    """

    task_id: uuid.UUID
    instance_id: uuid.UUID
    subject_type: str
    subject_id: str
    element_id: str
    department_id: uuid.UUID
    role: str
    outcome: str
    comment: str
    data: Mapping[str, Any]
    # None when the task was completed by rules, with no person (秒批).
    actor_id: uuid.UUID | None
    properties: Mapping[str, str]


process_finished: Hook[[ProcessFinished]] = Hook(
    "workflow.process_finished",
    description="A process instance reached its end (in the finishing transaction).",
)
task_created: Hook[[TaskEvent]] = Hook(
    "workflow.task_created",
    description="A human task entered a department's inbox (in the creating transaction).",
)
task_completing: Hook[[TaskCompletion]] = Hook(
    "workflow.task_completing",
    description=(
        "A human task is being completed, before the process moves on (in the completing "
        "transaction): a receiver may refuse the completion by raising a domain error."
    ),
)
task_due_soon: Hook[[TaskEvent]] = Hook(
    "workflow.task_due_soon",
    description="An open task reaches its due date within a working day (fired once per task).",
)
task_overdue: Hook[[TaskEvent]] = Hook(
    "workflow.task_overdue",
    description="An open task passed its due moment (fired once per task).",
)
