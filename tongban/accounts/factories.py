"""Users for the tests and the demo city (personas live in the root conftest.py).

The demo seed passes every value explicitly and looks users up by username, so running it
twice finds the same accounts instead of creating new ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory, Trait

from tongban.accounts.constants import GrantKind
from tongban.accounts.models import AgentGrant, Enterprise, User

# One cheap hash shared by every factory-made user; tests that sign in use this password.
TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 (test and demo data)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def synthetic_resident_id_number(sequence: int) -> str:
    """A valid, fictional resident ID number that differs for every sequence number."""
    from stdnum.cn import ric

    birth_date = dt.date(1960, 1, 1) + dt.timedelta(days=(sequence * 37) % 20000)
    body = f"110101{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda user: f"{user.username}@example.invalid")
    password = LazyFunction(lambda: _hashed_test_password())
    real_name = Sequence(lambda n: _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % 20])
    resident_id_number = Sequence(synthetic_resident_id_number)
    mobile = Sequence(lambda n: f"139{n:08d}")

    class Params:
        staff = Trait(is_staff=True)
        superuser = Trait(is_staff=True, is_superuser=True)


_password_cache: dict[str, str] = {}


def _hashed_test_password() -> str:
    if "hash" not in _password_cache:
        _password_cache["hash"] = make_password(TEST_PASSWORD)
    return _password_cache["hash"]


def user_create(**fields: Any) -> User:
    """A user from the factory (typed for callers outside the tests)."""
    user: User = UserFactory.create(**fields)
    return user


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise
        django_get_or_create = ("credit_code",)

    credit_code = "91990202MA0000001J"
    name = Sequence(lambda n: f"海川市测试{n}贸易有限公司")
    legal_representative = SubFactory(UserFactory)
    verified_at = LazyFunction(timezone.now)


class AgentGrantFactory(factory.django.DjangoModelFactory[AgentGrant]):
    """An enterprise agent's grant by default; ``family`` makes it a family member's."""

    class Meta:
        model = AgentGrant

    kind = GrantKind.ENTERPRISE_AGENT
    agent = SubFactory(UserFactory)
    principal_enterprise = SubFactory(EnterpriseFactory)
    principal_person = None
    granted_by = LazyAttribute(
        lambda grant: (
            grant.principal_person
            or (
                grant.principal_enterprise.legal_representative
                if grant.principal_enterprise
                else None
            )
        )
    )
    all_services = True
    service_codes = LazyFunction(list)
    valid_until = LazyFunction(lambda: timezone.now() + dt.timedelta(days=365))

    class Params:
        family = Trait(kind=GrantKind.FAMILY_MEMBER, principal_enterprise=None)
