"""Reading and checking a BPMN file: safe XML, the supported elements, the restricted grammar.

The file is untrusted input from a service designer's modeller. It is refused outright when it
carries a DTD (entity expansion bombs, external entities), then parsed by lxml with entities
and network access off, checked element by element, and only then handed to SpiffWorkflow's
parser (which validates it against the BPMN 2.0 schema).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from tongban.workflow.constants import TaskOutcome
from tongban.workflow.engine.expressions import UnsafeExpression, expression_check

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
TONGBAN = "urn:tongban:bpmn:1.0"
MAX_BPMN_BYTES = 2 * 1024 * 1024

# What the engine supports; anything else in a process is refused when it is validated.
SUPPORTED_FLOW_NODES = {
    "startEvent",
    "endEvent",
    "userTask",
    "serviceTask",
    "task",
    "parallelGateway",
    "inclusiveGateway",
    "exclusiveGateway",
    "boundaryEvent",
    "intermediateCatchEvent",
}
SCRIPT_NODES = {"scriptTask", "script", f"{{{SPIFF}}}preScript", f"{{{SPIFF}}}postScript"}
EXPRESSION_TAGS = {
    "conditionExpression",
    "completionCondition",
    "loopCardinality",
    "timeDuration",
    "timeDate",
    "timeCycle",
}


# The ``tongban:*`` attributes of a user task that the engine itself reads.
_ENGINE_ATTRIBUTES = {"departmentType", "role", "outcomes"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition: where (the element's id, or "") and why."""

    element_id: str
    code: str
    message: str


@dataclass(frozen=True)
class Assignment:
    department_type: str
    role: str


@dataclass(frozen=True)
class Layout:
    """BPMNDI: shape bounds and edge waypoints by element id, and the element's kind and name."""

    shapes: dict[str, tuple[float, float, float, float]]
    edges: dict[str, list[tuple[float, float]]]
    kinds: dict[str, str]
    names: dict[str, str]


@dataclass
class Definition:
    """A validated process: the spec SpiffWorkflow runs, and what Tongban reads beside it."""

    process_id: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, Any]
    assignments: dict[str, Assignment]
    outcomes_of_end_events: dict[str, str]
    allowed_outcomes: dict[str, tuple[str, ...]]
    layout: Layout
    service_handlers: dict[str, str] = field(default_factory=dict)
    # A user task's own ``tongban:*`` attributes (not its assignment or outcomes), for the
    # upper app that runs the process: the engine passes them on without reading them.
    task_properties: dict[str, dict[str, str]] = field(default_factory=dict)
    # The spec as the serializer writes it, made once per process on first load.
    spec_json: str | None = None


class DefinitionRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.element_id}: {p.message}" for p in problems))


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def xml_load(bpmn: bytes) -> etree._Element:
    """The parsed document, or ``DefinitionRefused`` for oversized, hostile or malformed XML."""
    if len(bpmn) > MAX_BPMN_BYTES:
        raise DefinitionRefused(
            [Problem("", "too_large", f"the file is larger than {MAX_BPMN_BYTES} bytes")]
        )
    try:
        # defusedxml refuses any DTD: no entity can be declared, expanded or fetched.
        defusedxml.ElementTree.fromstring(bpmn, forbid_dtd=True)
    except DefusedXmlException as error:
        raise DefinitionRefused(
            [Problem("", "forbidden_xml", f"DTDs and entities are not allowed ({error})")]
        ) from None
    except Exception as error:
        raise DefinitionRefused([Problem("", "malformed_xml", str(error))]) from None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(bpmn, parser=parser)
    except etree.XMLSyntaxError as error:
        raise DefinitionRefused([Problem("", "malformed_xml", str(error))]) from None


def _executable_process(root: etree._Element) -> etree._Element:
    processes = [p for p in root.iter(f"{{{BPMN}}}process") if p.get("isExecutable") == "true"]
    if len(processes) != 1:
        raise DefinitionRefused(
            [
                Problem(
                    "",
                    "one_executable_process",
                    "the file must have exactly one executable process "
                    f'(isExecutable="true"); it has {len(processes)}',
                )
            ]
        )
    return processes[0]


def _assignment_of(node: etree._Element, lanes: dict[str, etree._Element]) -> Assignment | None:
    lane = lanes.get(node.get("id", ""))
    department_type = node.get(f"{{{TONGBAN}}}departmentType") or (
        lane.get(f"{{{TONGBAN}}}departmentType") if lane is not None else None
    )
    role = node.get(f"{{{TONGBAN}}}role") or (
        lane.get(f"{{{TONGBAN}}}role") if lane is not None else None
    )
    if not department_type or not role:
        return None
    return Assignment(department_type=department_type, role=role)


def _layout(root: etree._Element) -> Layout:
    shapes: dict[str, tuple[float, float, float, float]] = {}
    edges: dict[str, list[tuple[float, float]]] = {}
    for shape in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape"):
        bounds = shape.find("{http://www.omg.org/spec/DD/20100524/DC}Bounds")
        if bounds is None:
            continue
        try:
            shapes[shape.get("bpmnElement", "")] = tuple(  # type: ignore[assignment]
                float(bounds.get(name, "")) for name in ("x", "y", "width", "height")
            )
        except ValueError:
            continue
    for edge in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNEdge"):
        try:
            edges[edge.get("bpmnElement", "")] = [
                (float(point.get("x", "")), float(point.get("y", "")))
                for point in edge.iter("{http://www.omg.org/spec/DD/20100524/DI}waypoint")
            ]
        except ValueError:
            continue
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}
    for node in root.iter():
        identifier = node.get("id") if isinstance(node.tag, str) else None
        if identifier and _local(node.tag) and etree.QName(node.tag).namespace == BPMN:
            kinds[identifier] = _local(node.tag)
            names[identifier] = node.get("name", "")
            if kinds[identifier] in {"startEvent", "endEvent", "boundaryEvent"}:
                for child in node:
                    if _local(child.tag) == "timerEventDefinition":
                        kinds[identifier] += ":timer"
    return Layout(shapes=shapes, edges=edges, kinds=kinds, names=names)


def definition_check(
    bpmn: bytes,
    *,
    known_handlers: Container[str],
    known_department_types: Container[str],
    known_roles: Container[str],
    known_outcomes: set[str],
) -> tuple[Definition | None, list[Problem]]:
    """Every problem of the file, and the definition when there is none."""
    try:
        root = xml_load(bpmn)
        process = _executable_process(root)
    except DefinitionRefused as refused:
        return None, refused.problems
    problems: list[Problem] = []
    lanes: dict[str, etree._Element] = {}
    for lane in process.iter(f"{{{BPMN}}}lane"):
        for ref in lane.iter(f"{{{BPMN}}}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane
        department_type = lane.get(f"{{{TONGBAN}}}departmentType")
        if department_type and department_type not in known_department_types:
            problems.append(
                Problem(
                    lane.get("id", ""),
                    "unknown_department_type",
                    f"the lane names the unknown department type {department_type!r}",
                )
            )
    assignments: dict[str, Assignment] = {}
    end_outcomes: dict[str, str] = {}
    allowed_outcomes: dict[str, tuple[str, ...]] = {}
    handlers: dict[str, str] = {}
    task_properties: dict[str, dict[str, str]] = {}
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        tag = _local(node.tag)
        element_id = node.get("id", "")
        owner = node
        while not owner.get("id") and owner.getparent() is not None:
            owner = owner.getparent()
        owner_id = owner.get("id", "")
        if tag in SCRIPT_NODES or node.tag in SCRIPT_NODES:
            problems.append(Problem(owner_id, "script", "scripts are not allowed in processes"))
            continue
        if (
            etree.QName(node.tag).namespace == BPMN
            and node.getparent() is process
            and tag not in SUPPORTED_FLOW_NODES | {"sequenceFlow", "laneSet", "documentation"}
        ):
            problems.append(Problem(element_id, "unsupported_element", f"{tag} is not supported"))
        if tag in EXPRESSION_TAGS:
            _expression_problem(problems, owner_id, node.text or "")
        if tag == "userTask":
            assignment = _assignment_of(node, lanes)
            if assignment is None:
                problems.append(
                    Problem(
                        element_id,
                        "no_assignee",
                        "the task names no department type and role (on itself or its lane)",
                    )
                )
            else:
                assignments[element_id] = assignment
                if assignment.department_type not in known_department_types:
                    problems.append(
                        Problem(
                            element_id,
                            "unknown_department_type",
                            f"unknown department type {assignment.department_type!r}",
                        )
                    )
                if assignment.role not in known_roles:
                    problems.append(
                        Problem(element_id, "unknown_role", f"unknown role {assignment.role!r}")
                    )
            outcomes = tuple((node.get(f"{{{TONGBAN}}}outcomes") or "").split()) or tuple(
                sorted(known_outcomes)
            )
            for outcome in outcomes:
                if outcome not in known_outcomes:
                    problems.append(
                        Problem(element_id, "unknown_outcome", f"unknown outcome {outcome!r}")
                    )
            allowed_outcomes[element_id] = outcomes
            task_properties[element_id] = {
                etree.QName(name).localname: str(value)
                for name, value in node.attrib.items()
                if etree.QName(name).namespace == TONGBAN
                and etree.QName(name).localname not in _ENGINE_ATTRIBUTES
            }
        if tag == "endEvent":
            end_outcomes[element_id] = node.get(f"{{{TONGBAN}}}outcome") or ""
        if tag == "serviceTask":
            operator = node.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}serviceTaskOperator")
            if operator is None:
                problems.append(
                    Problem(element_id, "no_handler", "the service task names no handler")
                )
            else:
                name = operator.get("id", "")
                handlers[element_id] = name
                if name not in known_handlers:
                    problems.append(
                        Problem(element_id, "unknown_handler", f"no handler is named {name!r}")
                    )
                for parameter in operator.iter(f"{{{SPIFF}}}parameter"):
                    _expression_problem(problems, element_id, parameter.get("value", ""))
        if tag in {"boundaryEvent", "intermediateCatchEvent", "startEvent", "endEvent"}:
            for child in node:
                kind = _local(child.tag)
                # A terminate end event ends every branch at once: a department's refusal in
                # a parallel review (串联改并联) stops the others.
                terminating = kind == "terminateEventDefinition" and tag == "endEvent"
                if (
                    kind.endswith("EventDefinition")
                    and kind != "timerEventDefinition"
                    and not terminating
                ):
                    problems.append(
                        Problem(element_id, "unsupported_element", f"{kind} is not supported")
                    )
    if problems:
        return None, list(dict.fromkeys(problems))
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename="definition.bpmn")
        process_id = process.get("id", "")
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as error:
        return None, [Problem(getattr(error, "id", "") or "", "invalid_bpmn", str(error))]
    except SpiffWorkflowException as error:
        return None, [Problem("", "invalid_bpmn", str(error))]
    definition = Definition(
        process_id=process_id,
        name=process.get("name", "") or process_id,
        spec=spec,
        subprocess_specs=subprocess_specs,
        assignments=assignments,
        outcomes_of_end_events=end_outcomes,
        allowed_outcomes=allowed_outcomes,
        layout=_layout(root),
        service_handlers=handlers,
        task_properties=task_properties,
    )
    return definition, []


def _expression_problem(problems: list[Problem], element_id: str, expression: str) -> None:
    try:
        expression_check(expression)
    except UnsafeExpression as error:
        problems.append(Problem(element_id, "unsafe_expression", f"{expression!r}: {error}"))


def bpmn_digest(bpmn: bytes) -> str:
    return hashlib.sha256(bpmn).hexdigest()


@functools.lru_cache(maxsize=256)
def definition_parse_cached(bpmn: bytes, digest: str) -> Definition:
    """A stored (already validated) definition, parsed once per process.

    Stored definitions were checked against the handlers known when they were stored; a handler
    that disappeared since then fails the service task at run time, not the parse.
    """
    definition, problems = definition_check(
        bpmn,
        known_handlers=_AnySet(),
        known_department_types=_AnySet(),
        known_roles=_AnySet(),
        known_outcomes=set(TaskOutcome.values),
    )
    if definition is None:
        raise DefinitionRefused(problems)
    return definition


class _AnySet:
    def __contains__(self, item: object) -> bool:
        return True
