"""Issuers, holders and certificates of the persona city for the certificates tests."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.accounts.factories import UserFactory
from tongban.certificates import services
from tongban.certificates.constants import BUSINESS_LICENCE, HolderKind
from tongban.certificates.models import Certificate, Issuer
from tongban.certificates.selectors import Holder
from tongban.organization.factories import StaffPositionFactory, factory_create


def credit_code(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


LICENCE_DATA = {
    "name": "海川市临江区林𠇔小吃店",
    "credit_code": credit_code("92990202MA0000001"),
    "kind": "个体工商户",
    "legal_representative": "林𠇔",
    "established_on": "2025-03-14",
    "address": "海川市临江区滨江街道江堤路18号",
    "business_scope": "餐饮服务；食品销售",
}


@pytest.fixture
def market_issuer(persona_departments: dict[str, Any]) -> Issuer:
    # A browser test's flush removes the migration's rows; bring them back for the next test.
    services.certificate_types_ensure()
    return services.issuer_register(
        department=persona_departments["market_regulation"],
        credit_code=credit_code("11990200MB0000001"),
        actor=None,
    )


@pytest.fixture
def civil_issuer(persona_departments: dict[str, Any]) -> Issuer:
    services.certificate_types_ensure()
    return services.issuer_register(
        department=persona_departments["civil_affairs"],
        credit_code=credit_code("11990200MB0000002"),
        actor=None,
    )


@pytest.fixture
def approver(persona_departments: dict[str, Any]):
    user = factory_create(UserFactory, username="approver", staff=True)
    factory_create(
        StaffPositionFactory,
        user=user,
        department=persona_departments["market_regulation"],
        role="approver",
    )
    return user


@pytest.fixture
def civil_approver(persona_departments: dict[str, Any]):
    user = factory_create(UserFactory, username="civil-approver", staff=True)
    factory_create(
        StaffPositionFactory,
        user=user,
        department=persona_departments["civil_affairs"],
        role="approver",
    )
    return user


def issue_licence(issuer: Issuer, user, **overrides: Any) -> Certificate:
    """A business licence of the citizen's sole proprietorship, held through their account."""
    data = {**LICENCE_DATA, **overrides.pop("data", {})}
    return services.certificate_issue(
        certificate_type_code=BUSINESS_LICENCE,
        department=issuer.department,
        holder=Holder(HolderKind.ENTERPRISE, data["credit_code"], data["name"], user),
        data=data,
        **overrides,
    )


@pytest.fixture
def licence(market_issuer: Issuer, citizen) -> Certificate:
    return issue_licence(market_issuer, citizen)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Published documents and rate limits live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def social_security_issuer(persona_departments: dict[str, Any]) -> Issuer:
    from tongban.organization.factories import DepartmentFactory, DepartmentTypeFactory

    department = factory_create(
        DepartmentFactory,
        code="HC-RSJ",
        name="海川市人力资源和社会保障局",
        type=factory_create(DepartmentTypeFactory, code="human_resources_social_security"),
        region=persona_departments["city"],
    )
    services.certificate_types_ensure()
    return services.issuer_register(
        department=department, credit_code=credit_code("11990200MB0000003"), actor=None
    )


@pytest.fixture
def pension_record(social_security_issuer: Issuer, citizen) -> Certificate:
    return services.certificate_issue(
        certificate_type_code="pension_qualification_record",
        department=social_security_issuer.department,
        holder=Holder.person(citizen),
        data={
            "name": citizen.real_name,
            "resident_id_number": citizen.resident_id_number,
            "confirmed_on": "2025-06-01",
            "method": "人脸识别",
        },
    )
