"""Validating and storing BPMN definitions: every problem reported, hostile XML refused."""

from __future__ import annotations

import pytest

from tongban.workflow import services
from tongban.workflow.exceptions import InvalidProcessDefinition
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.tests.conftest import bpmn_of

pytestmark = pytest.mark.django_db

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'xmlns:tongban="urn:tongban:bpmn:1.0" id="d" targetNamespace="urn:t">'
)


END = "</bpmn:definitions>"


def process(body: str) -> str:
    return (
        f'{HEAD}<bpmn:process id="p" isExecutable="true">{body}</bpmn:process></bpmn:definitions>'
    )


def flow_with_condition(condition: str) -> str:
    return process(
        '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gate" default="f3"/>'
        '<bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gate"/>'
        f'<bpmn:sequenceFlow id="f2" sourceRef="gate" targetRef="a">'
        f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f3" sourceRef="gate" targetRef="b"/>'
    )


def codes(bpmn: str | bytes) -> list[tuple[str, str]]:
    return [
        (problem.element_id, problem.code)
        for problem in services.workflow_validate_definition(bpmn=bpmn)
    ]


@pytest.mark.parametrize(
    "name", ["parallel_review.bpmn", "multi_instance.bpmn", "inclusive_service.bpmn"]
)
def test_the_sample_processes_are_valid(city, handler_calls, name):
    assert services.workflow_validate_definition(bpmn=bpmn_of(name)) == []


def test_a_safe_condition_is_accepted(city):
    assert codes(flow_with_condition('answers["area"] &gt; 100 and len(items) &lt; 3')) == []


@pytest.mark.parametrize(
    "condition",
    [
        '__import__("os").system("id")',
        "().__class__.__bases__[0].__subclasses__()",
        "answers.__dict__",
        "open('/etc/passwd')",
        "(lambda: 1)()",
        "x = 1",
        "answers[",
        "_secret",
    ],
)
def test_an_unsafe_or_unparseable_condition_is_refused_with_its_element(city, condition):
    assert codes(flow_with_condition(condition.replace("<", "&lt;"))) == [
        ("f2", "unsafe_expression")
    ]


def test_a_script_task_is_refused(city):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:scriptTask id="run_code" scriptFormat="python">'
        "<bpmn:script>import os</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="run_code"/>'
    )
    assert ("run_code", "script") in codes(process(body))


def test_pre_and_post_scripts_are_refused(city):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:userTask id="review" '
        'tongban:departmentType="market_regulation" tongban:role="case_officer">'
        "<bpmn:extensionElements><spiffworkflow:preScript>x = 1</spiffworkflow:preScript>"
        "<spiffworkflow:postScript>y = 2</spiffworkflow:postScript></bpmn:extensionElements>"
        "</bpmn:userTask>"
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>'
    )
    assert codes(process(body)) == [("review", "script")]


def test_an_unknown_handler_is_refused(city):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:serviceTask id="call"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="nobody_registered_this"/>'
        "</bpmn:extensionElements></bpmn:serviceTask>"
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>'
    )
    assert codes(process(body)) == [("call", "unknown_handler")]


def test_a_lane_naming_an_unknown_department_type_is_refused(city):
    body = (
        '<bpmn:laneSet id="lanes"><bpmn:lane id="lane_x" '
        'tongban:departmentType="ministry_of_magic" '
        'tongban:role="case_officer"><bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane>'
        '</bpmn:laneSet><bpmn:startEvent id="start"/><bpmn:userTask id="review"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>'
    )
    assert codes(process(body)) == [
        ("lane_x", "unknown_department_type"),
        ("review", "unknown_department_type"),
    ]


def test_a_user_task_without_department_and_role_is_refused(city):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:userTask id="review"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>'
    )
    assert codes(process(body)) == [("review", "no_assignee")]


def test_every_problem_is_reported_at_once(city):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:scriptTask id="s"><bpmn:script>1</bpmn:script>'
        '</bpmn:scriptTask><bpmn:serviceTask id="call"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="missing"/></bpmn:extensionElements>'
        '</bpmn:serviceTask><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s">'
        "<bpmn:conditionExpression>a.b</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )
    assert sorted(codes(process(body))) == [
        ("call", "unknown_handler"),
        ("f1", "unsafe_expression"),
        ("s", "script"),
    ]


@pytest.mark.parametrize(
    ("bpmn", "code"),
    [
        ("<bpmn:definitions", "malformed_xml"),
        ("not xml at all", "malformed_xml"),
        ("", "malformed_xml"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            "<lolz>&lol2;</lolz>",
            "forbidden_xml",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            "<d>&xxe;</d>",
            "forbidden_xml",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><d/>',
            "forbidden_xml",
        ),
        (HEAD + "</bpmn:definitions>", "one_executable_process"),
    ],
)
def test_malformed_or_hostile_xml_is_refused(city, bpmn, code):
    assert codes(bpmn) == [("", code)]


def test_a_file_the_bpmn_schema_rejects_is_refused(city):
    assert codes(process('<bpmn:startEvent id="start" bogus:x="1"/>'.replace("bogus:", ""))) == [
        ("", "invalid_bpmn")
    ]


def test_registering_a_refused_definition_stores_nothing_and_lists_the_problems(city):
    with pytest.raises(InvalidProcessDefinition) as raised:
        services.process_definition_register(key="bad", bpmn=flow_with_condition("a.b"))
    assert raised.value.payload()["errors"]["f2"][0]["code"] == "unsafe_expression"
    assert not ProcessDefinition.objects.exists()


def test_registering_versions_a_changed_file_and_ignores_the_same_file(city, handler_calls):
    first = services.process_definition_register(key="review", bpmn=bpmn_of("parallel_review.bpmn"))
    again = services.process_definition_register(key="review", bpmn=bpmn_of("parallel_review.bpmn"))
    changed = services.process_definition_register(
        key="review", bpmn=bpmn_of("parallel_review.bpmn").replace(b"5 working days", b"Deadline")
    )
    assert (first.version, again.pk, changed.version) == (1, first.pk, 2)
