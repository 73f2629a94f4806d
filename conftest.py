"""Fixtures shared by the whole suite."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection

if TYPE_CHECKING:
    from tongban.accounts.models import User


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need what only PostgreSQL has; on SQLite they skip cleanly."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _celery_joins_allowed() -> None:
    """Eager Celery marks "a task is running, do not wait for results" in one process-wide
    flag that it sets and restores around each task. Tests that run tasks from many threads at
    once (the PostgreSQL races) can interleave those restores and leave it set, which would
    fail a later test's ``.get()`` in the same worker; each test starts with it clear."""
    from celery._state import _set_task_join_will_block  # type: ignore[attr-defined]

    _set_task_join_will_block(False)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- personas: the people every permission test talks about (from the app factories) -------


@pytest.fixture
def persona_departments(db: None) -> dict[str, Any]:
    """A small slice of Haichuan: the city, one district, and two departments in the city."""
    from tongban.organization.constants import RegionLevel, StandardDepartmentType
    from tongban.organization.factories import (
        DepartmentFactory,
        DepartmentTypeFactory,
        RegionFactory,
        district_of,
        factory_create,
    )

    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    district = district_of(city, 2, "临江区")
    market = factory_create(
        DepartmentFactory,
        code="HC-SCJG",
        name="海川市市场监督管理局",
        type=factory_create(DepartmentTypeFactory, code=StandardDepartmentType.MARKET_REGULATION),
        region=city,
    )
    civil = factory_create(
        DepartmentFactory,
        code="HC-MZ",
        name="海川市民政局",
        type=factory_create(DepartmentTypeFactory, code=StandardDepartmentType.CIVIL_AFFAIRS),
        region=city,
    )
    return {"city": city, "district": district, "market_regulation": market, "civil_affairs": civil}


def _staff(username: str, department: Any, role: str, **fields: Any) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user: User = factory_create(UserFactory, username=username, staff=True, **fields)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


@pytest.fixture
def citizen(db: None) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import factory_create

    user: User = factory_create(UserFactory, username="citizen", real_name="林𠇔")
    return user


@pytest.fixture
def other_citizen(db: None) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import factory_create

    user: User = factory_create(UserFactory, username="other-citizen", real_name="陈堃")
    return user


@pytest.fixture
def enterprise_agent(db: None) -> User:
    """An agent (经办人) of an enterprise, for all its services, granted by its legal
    representative; ``enterprise_agent.grants_held.get().principal_enterprise`` is the
    enterprise."""
    from tongban.accounts.constants import RealNameLevel
    from tongban.accounts.factories import AgentGrantFactory, EnterpriseFactory, UserFactory
    from tongban.organization.factories import factory_create

    user: User = factory_create(
        UserFactory,
        username="enterprise-agent",
        real_name="王芳",
        real_name_level=RealNameLevel.L2,
    )
    representative = factory_create(
        UserFactory,
        username="legal-representative",
        real_name="欧阳娜娜",
        real_name_level=RealNameLevel.L2,
    )
    enterprise = factory_create(EnterpriseFactory, legal_representative=representative)
    factory_create(AgentGrantFactory, agent=user, principal_enterprise=enterprise)
    return user


@pytest.fixture
def clerk(persona_departments: dict[str, Any]) -> User:
    return _staff("clerk", persona_departments["market_regulation"], "clerk")


@pytest.fixture
def other_department_case_officer(persona_departments: dict[str, Any]) -> User:
    """A case officer of civil affairs: must not see market regulation's cases."""
    return _staff("civil-case-officer", persona_departments["civil_affairs"], "case_officer")


@pytest.fixture
def supervisor(persona_departments: dict[str, Any]) -> User:
    return _staff("supervisor", persona_departments["market_regulation"], "supervisor")


@pytest.fixture
def administrator(persona_departments: dict[str, Any]) -> User:
    return _staff(
        "administrator",
        persona_departments["market_regulation"],
        "administrator",
        superuser=True,
    )
