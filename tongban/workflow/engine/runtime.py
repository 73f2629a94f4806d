"""Running a process: SpiffWorkflow with the restricted evaluator, saved as JSON.

The stored state leaves out the process spec (half its size): the definition row has it, and
it is put back when the instance is loaded.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from tongban.workflow.engine.definitions import Definition
from tongban.workflow.engine.expressions import UnsafeExpression, expression_evaluate

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

# (operation name, evaluated parameters, the task) -> a JSON-serialisable result.
ServiceCaller = Callable[[str, dict[str, Any], Task], Any]


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        return expression_evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> Any:
        raise UnsafeExpression("scripts are not run")


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with ``eval``/``exec`` replaced (DESIGN.md §5)."""

    def __init__(self, call_service: ServiceCaller) -> None:
        super().__init__(environment=RestrictedEnvironment())
        self._call_service = call_service

    def validate(self, expression: str) -> None:
        from tongban.workflow.engine.expressions import expression_check

        expression_check(expression)

    def evaluate(self, task: Task, expression: str, external_context: Any = None) -> Any:
        context = dict(task.data)
        parent = task.parent
        # SpiffWorkflow evaluates a multi-instance completion condition in the last finished
        # instance's copy of the data, where the output collection is stale; "k of n approved"
        # needs the collection as the multi-instance task holds it.
        if (
            parent is not None
            and isinstance(parent.task_spec, MultiInstanceTask)
            and expression == parent.task_spec.condition
        ):
            context.update(parent.data)
        try:
            return expression_evaluate(expression, {**(external_context or {}), **context})
        except Exception as error:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}'", task=task, exception=error
            ) from error

    def execute(self, task: Task, script: str, external_context: Any = None) -> Any:
        raise WorkflowTaskException("scripts are not run", task=task)

    def call_service(self, task: Task, **kwargs: Any) -> str:
        parameters = {
            name: parameter["value"]
            for name, parameter in (kwargs.get("operation_params") or {}).items()
        }
        result = self._call_service(str(kwargs["operation_name"]), parameters, task)
        return json.dumps(result, ensure_ascii=False, default=str)


def workflow_create(
    definition: Definition, engine: RestrictedScriptEngine, data: dict[str, Any]
) -> BpmnWorkflow:
    """A new run whose first task carries ``data`` (tasks pass their data on to the next)."""
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def workflow_dump(workflow: BpmnWorkflow) -> str:
    state: dict[str, Any] = SERIALIZER.to_dict(workflow)
    state.pop("spec", None)
    state.pop("subprocess_specs", None)
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def workflow_load(
    text: str, definition: Definition, engine: RestrictedScriptEngine
) -> BpmnWorkflow:
    state = json.loads(text)
    if definition.spec_json is None:
        fresh = SERIALIZER.to_dict(BpmnWorkflow(definition.spec, definition.subprocess_specs))
        definition.spec_json = json.dumps(
            {"spec": fresh["spec"], "subprocess_specs": fresh["subprocess_specs"]}
        )
    # Parsed afresh each time: restoring consumes the dictionaries it is given.
    restored: BpmnWorkflow = SERIALIZER.from_dict({**state, **json.loads(definition.spec_json)})
    restored.script_engine = engine
    return restored


def ready_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def deadline_timers_of(task: Task) -> Iterator[Task]:
    """The waiting boundary timers attached to a user task (its siblings under the split)."""
    parent = task.parent
    if parent is None or not parent.task_spec.name.endswith(".BoundaryEventSplit"):
        return
    for sibling in parent.children:
        spec = sibling.task_spec
        if (
            sibling is not task
            and isinstance(spec, CatchingEvent)
            and isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)
            and sibling.state == TaskState.WAITING
        ):
            yield sibling


def timer_duration_of(timer: Task) -> str:
    """The duration a boundary timer waits, e.g. ``P5D``, evaluated by the restricted engine."""
    definition = timer.task_spec.event_definition
    return str(timer.workflow.script_engine.evaluate(timer, definition.expression))


def timer_set(timer: Task, moment: dt.datetime) -> None:
    timer._set_internal_data(event_value=moment.isoformat())


def waiting_timers(workflow: BpmnWorkflow) -> list[Task]:
    return [
        task
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
    ]


def timer_moment(timer: Task) -> dt.datetime | None:
    value = timer._get_internal_data("event_value")
    if not isinstance(value, str):
        return None
    try:
        moment: dt.datetime = TimerEventDefinition.get_datetime(value)
        return moment
    except ValueError:
        return None


def timers_fire(workflow: BpmnWorkflow, *, now: dt.datetime) -> int:
    """Fires every timer due by ``now`` (the caller's clock, not SpiffWorkflow's), then runs on."""
    fired = 0
    for timer in waiting_timers(workflow):
        moment = timer_moment(timer)
        if moment is not None and moment <= now:
            timer._set_internal_data(event_fired=True)
            fired += 1
    if fired:
        workflow.refresh_timers()
        workflow.do_engine_steps()
    return fired


def task_find(workflow: BpmnWorkflow, task_id: uuid.UUID) -> Task | None:
    task: Task | None = workflow.get_task_from_id(task_id)
    return task


def multi_instance_output_of(task: Task) -> str | None:
    """The variable a multi-instance child writes its result to, if it is one."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, MultiInstanceTask):
        return None
    output = parent.task_spec.output_item
    return str(output.bpmn_id) if output is not None else None


def element_states(workflow: BpmnWorkflow) -> dict[str, str]:
    """``done``, ``active`` or absent (pending) for each BPMN element id, for the diagram."""
    states: dict[str, str] = {}
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state in (TaskState.READY, TaskState.STARTED) or (
            task.state == TaskState.WAITING and task.task_spec.manual
        ):
            states[bpmn_id] = "active"
        elif task.state == TaskState.COMPLETED and states.get(bpmn_id) != "active":
            states[bpmn_id] = "done"
    return states


def finished_end_events(workflow: BpmnWorkflow) -> list[str]:
    """The end events reached, in the order they were reached."""
    reached = [
        task
        for task in workflow.get_tasks(state=TaskState.COMPLETED)
        if type(task.task_spec).__name__ == "EndEvent"
    ]
    reached.sort(key=lambda task: task.last_state_change)
    return [str(task.task_spec.bpmn_id) for task in reached]
