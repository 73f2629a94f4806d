import pytest

from tongban.core.exceptions import NoJurisdiction
from tongban.core.jurisdiction import DepartmentRef, department_resolve
from tongban.organization.constants import RegionLevel, StandardDepartmentType
from tongban.organization.factories import (
    DepartmentFactory,
    DepartmentTypeFactory,
    RegionFactory,
    district_of,
    street_of,
)
from tongban.organization.selectors import department_responsible

pytestmark = pytest.mark.django_db

CIVIL = StandardDepartmentType.CIVIL_AFFAIRS
HEALTH = StandardDepartmentType.HEALTH


@pytest.fixture
def city():
    province = RegionFactory.create(code="990000", name="测试省", level=RegionLevel.PROVINCE)
    city = RegionFactory.create(
        code="990200", name="海川市", level=RegionLevel.CITY, parent=province
    )
    linjiang = district_of(city, 2, "临江区")
    street_of(linjiang, 1, "滨江街道")
    district_of(city, 3, "望潮区")
    DepartmentFactory.create(
        code="HC-MZJ",
        name="海川市民政局",
        type=DepartmentTypeFactory.create(code=CIVIL),
        region=city,
    )
    DepartmentFactory.create(
        code="LJ-MZJ",
        name="临江区民政局",
        type=DepartmentTypeFactory.create(code=CIVIL),
        region=linjiang,
    )
    DepartmentFactory.create(
        code="P-WJW",
        name="测试省卫生健康委",
        type=DepartmentTypeFactory.create(code=HEALTH),
        region=province,
    )
    return city


def test_a_district_without_its_own_department_is_served_by_the_city(city):
    department = department_resolve(department_type=CIVIL, region_code="990203")
    assert department == DepartmentRef(
        id=department.id, code="HC-MZJ", name="海川市民政局", region_code="990200"
    )


def test_a_district_with_its_own_department_is_served_by_it(city):
    assert department_resolve(department_type=CIVIL, region_code="990202").code == "LJ-MZJ"


def test_a_street_is_served_by_its_district(city):
    assert department_resolve(department_type=CIVIL, region_code="990202001").code == "LJ-MZJ"


def test_resolution_walks_up_to_the_province_when_the_city_has_none(city):
    assert department_resolve(department_type=HEALTH, region_code="990202001").code == "P-WJW"


def test_the_city_is_served_by_its_own_department(city):
    assert department_resolve(department_type=CIVIL, region_code="990200").code == "HC-MZJ"


def test_a_unit_inside_a_department_never_answers_for_the_region(city):
    parent = department_responsible(department_type=CIVIL, region_code="990203")
    DepartmentFactory.create(
        code="WC-MZ-UNIT",
        name="望潮区婚姻登记处",
        type=DepartmentTypeFactory.create(code=CIVIL),
        region=RegionFactory.create(code="990203"),
        parent=parent,
    )
    assert department_resolve(department_type=CIVIL, region_code="990203").code == "HC-MZJ"


@pytest.mark.parametrize(
    ("department_type", "region_code"),
    [
        (StandardDepartmentType.TAXATION, "990202"),  # no such department anywhere above
        (CIVIL, "110101"),  # a region we do not know
        (CIVIL, ""),
        ("no_such_type", "990202"),
    ],
)
def test_it_raises_no_jurisdiction_when_nobody_handles_it(city, department_type, region_code):
    with pytest.raises(NoJurisdiction):
        department_resolve(department_type=department_type, region_code=region_code)


def test_resolution_takes_two_queries_whatever_the_depth(city, django_assert_num_queries):
    with django_assert_num_queries(2):
        department_resolve(department_type=HEALTH, region_code="990202001")


def test_the_organization_app_installs_the_resolver_at_start_up():
    from tongban.core import jurisdiction
    from tongban.organization.selectors import RegionTreeJurisdictionResolver

    assert isinstance(jurisdiction._resolver, RegionTreeJurisdictionResolver)
