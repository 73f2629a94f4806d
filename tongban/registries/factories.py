"""Registry records for the tests, made by the same generator as the demo population."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from factory.declarations import Iterator, LazyAttribute, Sequence, SubFactory

from tongban.registries.constants import EnterpriseKind, EnterpriseStatus, HouseholdRelation, Sex
from tongban.registries.models import (
    DemoEnterprise,
    DemoHousehold,
    DemoInsuranceActivity,
    DemoPensionAward,
    DemoResident,
    DemoResidentIdCard,
)
from tongban.registries.plugins.demo.synthetic import (
    DemoStreet,
    credit_code_make,
    id_number_make,
)

TEST_STREETS = (
    DemoStreet(
        code="990202001", city_name="海川市", district_name="临江区", street_name="滨江街道"
    ),
    DemoStreet(
        code="990203001", city_name="海川市", district_name="望潮区", street_name="观澜街道"
    ),
)

_id_sequence = itertools.count(1)


def resident_id_number_next(birth_date: dt.date = dt.date(1985, 3, 1), sex: str = Sex.MALE) -> str:
    """A fresh, valid ID number (odd sequence for men, even for women)."""
    while True:
        sequence = next(_id_sequence) % 999 or 1
        if (sequence % 2 == 1) == (sex == Sex.MALE):
            return id_number_make("110101", birth_date, sequence)


class DemoHouseholdFactory(factory.django.DjangoModelFactory[DemoHousehold]):
    class Meta:
        model = DemoHousehold

    number = Sequence(lambda n: f"T{n:011d}")
    region_code = TEST_STREETS[0].code
    address = "海川市临江区滨江街道滨江路1号"


class DemoResidentFactory(factory.django.DjangoModelFactory[DemoResident]):
    class Meta:
        model = DemoResident

    household = SubFactory(DemoHouseholdFactory)
    birth_date = dt.date(1985, 3, 1)
    sex = Sex.MALE
    id_number = LazyAttribute(lambda r: resident_id_number_next(r.birth_date, r.sex))
    name = Iterator(["林𠇔", "陈堃", "王芳", "欧阳娜娜"])
    ethnicity = "汉族"
    relation_to_head = HouseholdRelation.HEAD
    deceased_on = None


class DemoResidentIdCardFactory(factory.django.DjangoModelFactory[DemoResidentIdCard]):
    class Meta:
        model = DemoResidentIdCard

    resident = SubFactory(DemoResidentFactory)
    issuing_authority = "海川市公安局临江分局"
    valid_from = dt.date(2020, 5, 1)
    valid_until = dt.date(2040, 5, 1)


class DemoEnterpriseFactory(factory.django.DjangoModelFactory[DemoEnterprise]):
    class Meta:
        model = DemoEnterprise

    credit_code = Sequence(
        lambda n: credit_code_make(
            kind=EnterpriseKind.LIMITED_COMPANY,
            region_code="990202",
            organization_digits=f"{n + 1:08d}",
        )
    )
    name = Sequence(lambda n: f"海川市测试{n}科技有限公司")
    kind = EnterpriseKind.LIMITED_COMPANY
    status = EnterpriseStatus.ACTIVE
    legal_representative = SubFactory(DemoResidentFactory)
    region_code = TEST_STREETS[0].code
    registered_address = "海川市临江区滨江路8号"
    registered_capital = 100
    established_on = dt.date(2018, 6, 1)
    business_scope = "软件开发"


class DemoInsuranceActivityFactory(factory.django.DjangoModelFactory[DemoInsuranceActivity]):
    class Meta:
        model = DemoInsuranceActivity

    resident = SubFactory(DemoResidentFactory)
    kind = "medical_visit"
    occurred_on = dt.date(2026, 11, 2)


class DemoPensionAwardFactory(factory.django.DjangoModelFactory[DemoPensionAward]):
    class Meta:
        model = DemoPensionAward

    resident = SubFactory(DemoResidentFactory, birth_date=dt.date(1955, 5, 4))
    started_on = dt.date(2015, 5, 4)
