"""Regions, departments, halls and staff for the tests and the demo city.

Every factory looks rows up by their natural key (``django_get_or_create``), so the demo seed
can run twice without creating anything new, and tests can ask for "the civil affairs
department type" without caring whether a migration already made it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.declarations import LazyAttribute, Sequence, SubFactory

from tongban.organization.constants import RegionLevel, StaffRole, StandardDepartmentType
from tongban.organization.models import (
    Department,
    DepartmentType,
    OpeningPeriod,
    Region,
    ServiceHall,
    StaffPosition,
    Window,
)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    """A city by default; use ``district_of(city)`` and ``street_of(district)`` below it."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"98{n % 100:02d}00")
    name = Sequence(lambda n: f"测试市{n}")
    level = RegionLevel.CITY
    parent = None


def district_of(city: Region, number: int, name: str = "") -> Region:
    region: Region = factory_create(
        RegionFactory,
        code=f"{city.code[:4]}{number:02d}",
        name=name or f"{city.name}第{number}区",
        level=RegionLevel.DISTRICT,
        parent=city,
    )
    return region


def street_of(district: Region, number: int, name: str = "") -> Region:
    region: Region = factory_create(
        RegionFactory,
        code=f"{district.code}{number:03d}",
        name=name or f"第{number}街道",
        level=RegionLevel.STREET,
        parent=district,
    )
    return region


class DepartmentTypeFactory(factory.django.DjangoModelFactory[DepartmentType]):
    class Meta:
        model = DepartmentType
        django_get_or_create = ("code",)

    code = StandardDepartmentType.MARKET_REGULATION.value
    name = LazyAttribute(lambda t: str(StandardDepartmentType(t.code).label))


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"DEPT-{n:04d}")
    name = Sequence(lambda n: f"测试部门{n}")
    type = SubFactory(DepartmentTypeFactory)
    region = SubFactory(RegionFactory)
    parent = None


class ServiceHallFactory(factory.django.DjangoModelFactory[ServiceHall]):
    class Meta:
        model = ServiceHall
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"hall-{n}")
    name = Sequence(lambda n: f"测试大厅{n}")
    region = SubFactory(RegionFactory)
    address = "测试路1号"


class OpeningPeriodFactory(factory.django.DjangoModelFactory[OpeningPeriod]):
    class Meta:
        model = OpeningPeriod
        django_get_or_create = ("hall", "weekday", "opens_at")

    hall = SubFactory(ServiceHallFactory)
    weekday = 0
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)


class WindowFactory(factory.django.DjangoModelFactory[Window]):
    class Meta:
        model = Window
        django_get_or_create = ("hall", "number")

    hall = SubFactory(ServiceHallFactory)
    number = Sequence(lambda n: f"A{n:02d}")
    name = Sequence(lambda n: f"综合窗口{n}")
    department = SubFactory(DepartmentFactory)


class StaffPositionFactory(factory.django.DjangoModelFactory[StaffPosition]):
    class Meta:
        model = StaffPosition
        django_get_or_create = ("user", "department", "role")

    # The user comes from the caller (accounts is a higher layer than organization).
    user = None
    department = SubFactory(DepartmentFactory)
    role = StaffRole.CLERK
    hall = None
    active = True


def factory_create(factory_class: Any, **fields: Any) -> Any:
    """``factory_class.create(**fields)`` for typed code (factory_boy has no type hints)."""
    return factory_class.create(**fields)
