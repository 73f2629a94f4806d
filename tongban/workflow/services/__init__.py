"""Every write of the approval engine: definitions, instances, tasks and their deadlines.

Each service is one transaction. Completing a task locks its instance row first
(``select_for_update``): two departments finishing parallel branches at the same moment are
applied one after the other to the latest state, so neither branch is lost.
"""

from __future__ import annotations

from tongban.workflow.callbacks import (
    ProcessFinished,
    ServiceCall,
    ServiceHandler,
    TaskCompletion,
    TaskEvent,
    process_finished,
    service_handlers,
    task_completing,
    task_created,
    task_due_soon,
    task_overdue,
)
from tongban.workflow.engine.definitions import Problem
from tongban.workflow.services.deadlines import task_deadlines_check
from tongban.workflow.services.definitions import (
    process_definition_register,
    workflow_validate_definition,
)
from tongban.workflow.services.running import (
    process_cancel,
    process_start,
    task_assign,
    task_claim,
    task_complete,
    task_complete_automatically,
)

__all__ = [
    "Problem",
    "ProcessFinished",
    "ServiceCall",
    "ServiceHandler",
    "TaskCompletion",
    "TaskEvent",
    "process_cancel",
    "process_definition_register",
    "process_finished",
    "process_start",
    "service_handlers",
    "task_assign",
    "task_claim",
    "task_complete",
    "task_complete_automatically",
    "task_completing",
    "task_created",
    "task_deadlines_check",
    "task_due_soon",
    "task_overdue",
    "workflow_validate_definition",
]
