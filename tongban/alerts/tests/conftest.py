from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tongban.accounts.models import User
from tongban.organization.constants import StaffRole
from tongban.organization.factories import district_of, factory_create, street_of
from tongban.organization.models import Region


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _staff(username: str, department: Any, *roles: str) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory

    user: User = factory_create(UserFactory, username=username, staff=True)
    for role in roles:
        factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


@pytest.fixture
def city(persona_departments: dict[str, Any]) -> Region:
    region: Region = persona_departments["city"]
    return region


@pytest.fixture
def district(persona_departments: dict[str, Any]) -> Region:
    """临江区 (990202)."""
    region: Region = persona_departments["district"]
    return region


@pytest.fixture
def other_district(city: Region) -> Region:
    return district_of(city, 3, "东港区")


@pytest.fixture
def street(district: Region) -> Region:
    return street_of(district, 1, "滨江街道")


@pytest.fixture
def department(persona_departments: dict[str, Any]) -> Any:
    """The city's civil affairs bureau stands in for the emergency management office."""
    return persona_departments["civil_affairs"]


@pytest.fixture
def drafter(department: Any) -> User:
    return _staff("alert-drafter", department, StaffRole.ALERT_DRAFTER)


@pytest.fixture
def approver(department: Any) -> User:
    return _staff("alert-approver", department, StaffRole.ALERT_APPROVER)


@pytest.fixture
def drafter_and_approver(department: Any) -> User:
    """Holds both roles: may draft and may approve, but never their own alert."""
    return _staff("alert-both", department, StaffRole.ALERT_DRAFTER, StaffRole.ALERT_APPROVER)


@pytest.fixture
def other_department_approver(persona_departments: dict[str, Any]) -> User:
    return _staff(
        "market-alert-approver", persona_departments["market_regulation"], StaffRole.ALERT_APPROVER
    )


@pytest.fixture
def send_now(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs what a service schedules on commit (the fan-out tasks run eagerly in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
