"""Fixtures of the engine's tests: the sample processes, handlers and staff of the persona city."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tongban.accounts.factories import UserFactory
from tongban.organization.constants import StandardDepartmentType
from tongban.organization.factories import (
    DepartmentFactory,
    DepartmentTypeFactory,
    StaffPositionFactory,
    factory_create,
)
from tongban.workflow import services

BPMN_DIR = Path(__file__).parent / "bpmn"


def bpmn_of(name: str) -> bytes:
    return (BPMN_DIR / name).read_bytes()


class Calls:
    """What the test handlers were called with."""

    def __init__(self) -> None:
        self.items: list[services.ServiceCall] = []


@pytest.fixture
def handler_calls() -> Iterator[Calls]:
    calls = Calls()

    def supervision_notify(call: services.ServiceCall) -> dict[str, Any]:
        calls.items.append(call)
        return {"notified": True}

    def registry_lookup(call: services.ServiceCall) -> dict[str, Any]:
        calls.items.append(call)
        return {"registered": call.parameters["credit_code"] != "unknown"}

    with (
        services.service_handlers.override("supervision_notify", supervision_notify),
        services.service_handlers.override("registry_lookup", registry_lookup),
    ):
        yield calls


@pytest.fixture
def city(persona_departments: dict[str, Any]) -> dict[str, Any]:
    """The persona city with the departments the sample processes name."""
    for code, type_code in [
        ("HC-GA", StandardDepartmentType.PUBLIC_SECURITY),
        ("HC-WJ", StandardDepartmentType.HEALTH),
    ]:
        persona_departments[type_code.value] = factory_create(
            DepartmentFactory,
            code=code,
            name=f"海川市{type_code.label}",
            type=factory_create(DepartmentTypeFactory, code=type_code),
            region=persona_departments["city"],
        )
    return persona_departments


def staff_member(username: str, department: Any, role: str) -> Any:
    user = factory_create(UserFactory, username=username, staff=True)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


@pytest.fixture
def market_officer(city: dict[str, Any]) -> Any:
    return staff_member("market-officer", city["market_regulation"], "case_officer")


@pytest.fixture
def other_market_officer(city: dict[str, Any]) -> Any:
    return staff_member("market-officer-2", city["market_regulation"], "case_officer")


@pytest.fixture
def civil_officer(city: dict[str, Any]) -> Any:
    return staff_member("civil-officer", city["civil_affairs"], "case_officer")


@pytest.fixture
def parallel_review(city: dict[str, Any], handler_calls: Calls) -> Any:
    return services.process_definition_register(
        key="parallel-review", bpmn=bpmn_of("parallel_review.bpmn")
    )


@pytest.fixture
def expert_review(city: dict[str, Any]) -> Any:
    return services.process_definition_register(
        key="expert-review", bpmn=bpmn_of("multi_instance.bpmn")
    )


@pytest.fixture
def shop_opening(city: dict[str, Any], handler_calls: Calls) -> Any:
    return services.process_definition_register(
        key="shop-opening", bpmn=bpmn_of("inclusive_service.bpmn")
    )


def start(definition: Any, city: dict[str, Any], **data: Any) -> Any:
    return services.process_start(
        definition=definition,
        subject_type="test.case",
        subject_id="case-1",
        region_code=city["district"].code,
        data=data,
    )
