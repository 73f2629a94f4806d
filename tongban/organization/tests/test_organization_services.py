import datetime as dt

import pytest
from django.utils import translation

from tongban.audit.constants import AuditEventKind
from tongban.audit.models import AuditEvent
from tongban.core.exceptions import Conflict, InvalidInput
from tongban.organization.constants import RegionLevel, StaffRole, StandardDepartmentType
from tongban.organization.factories import (
    DepartmentFactory,
    DepartmentTypeFactory,
    RegionFactory,
    ServiceHallFactory,
)
from tongban.organization.models import Department, Region, ServiceHall, StaffPosition
from tongban.organization.services import (
    department_create,
    region_create,
    service_hall_create,
    staff_position_grant,
    staff_position_revoke,
    window_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return RegionFactory.create(code="990200", name="海川市", level=RegionLevel.CITY)


@pytest.fixture
def district(city):
    return RegionFactory.create(
        code="990202", name="临江区", level=RegionLevel.DISTRICT, parent=city
    )


def test_region_create_records_who_created_it(administrator, city):
    region = region_create(
        actor_id=administrator.pk, code="990203", name="望潮区", level="district", parent=city
    )
    event = AuditEvent.objects.get(object_id=str(region.pk))
    assert (event.kind, event.actor_id, event.object_type) == (
        AuditEventKind.CREATED,
        administrator.pk,
        "organization.region",
    )


@pytest.mark.parametrize(
    ("code", "level", "parent_code", "field"),
    [
        ("99020", "district", "990200", "code"),  # five digits
        ("99O203", "district", "990200", "code"),  # a letter O
        ("990200", "district", "990200", "code"),  # a district code ending in 00
        ("990000", "city", None, "code"),  # a city code ending in 0000
        ("990210", "province", None, "code"),  # a province code must end in 0000
        ("990302", "district", "990200", "code"),  # not under its city's prefix
        ("990203", "street", "990200", "code"),  # a street needs 9 digits
        ("990202001", "street", None, "parent"),  # a street with no district
        ("990202001", "street", "990200", "parent"),  # parent two levels up
        ("990203", "nowhere", "990200", "level"),
    ],
)
def test_region_create_rejects_malformed_codes_and_trees(city, code, level, parent_code, field):
    parent = Region.objects.get(code=parent_code) if parent_code else None
    before = Region.objects.count()
    with pytest.raises(InvalidInput) as caught:
        region_create(actor_id=None, code=code, name="某区", level=level, parent=parent)
    assert field in caught.value.errors
    assert Region.objects.count() == before
    assert AuditEvent.objects.count() == 0


def test_region_create_rejects_a_duplicate_code(city):
    with pytest.raises(InvalidInput) as caught:
        region_create(actor_id=None, code="990200", name="重复", level="city")
    assert "code" in caught.value.errors


def test_a_region_may_not_have_two_top_level_departments_of_one_type(city):
    civil = DepartmentTypeFactory.create(code=StandardDepartmentType.CIVIL_AFFAIRS)
    first = department_create(
        actor_id=None, code="HC-MZJ", name="海川市民政局", department_type=civil, region=city
    )
    with pytest.raises(InvalidInput):
        department_create(
            actor_id=None, code="HC-MZJ2", name="海川市民政局二", department_type=civil, region=city
        )
    unit = department_create(
        actor_id=None,
        code="HC-MZJ-HY",
        name="婚姻登记处",
        department_type=civil,
        region=city,
        parent=first,
    )
    assert unit.parent == first
    assert Department.objects.count() == 2


@pytest.mark.parametrize("code", ["", "a", "has space", "中文代码", "-LEADING", "X" * 41])
def test_department_create_rejects_a_bad_code(city, code):
    with pytest.raises(InvalidInput) as caught:
        department_create(
            actor_id=None,
            code=code,
            name="部门",
            department_type=DepartmentTypeFactory.create(),
            region=city,
        )
    assert "code" in caught.value.errors
    assert Department.objects.count() == 0


def test_a_department_cannot_be_inside_itself(city):
    outer = DepartmentFactory.create(code="OUTER", region=city)
    inner = DepartmentFactory.create(code="INNER", region=city, parent=outer, type=outer.type)
    outer.parent = inner
    with translation.override("en"), pytest.raises(Exception, match="cannot be inside itself"):
        outer.full_clean()


def test_service_hall_create_stores_its_weekly_hours(district):
    hall = service_hall_create(
        actor_id=None,
        code="hc-centre",
        name="海川市政务服务中心",
        region=district,
        address="海川大道1号",
        opening_hours=[(0, dt.time(9), dt.time(12)), (0, dt.time(13, 30), dt.time(17, 30))],
    )
    with translation.override("en"):
        assert [str(p) for p in hall.opening_periods.all()] == [
            "Monday 09:00–12:00",
            "Monday 13:30–17:30",
        ]


@pytest.mark.parametrize(
    "hours",
    [
        [(0, dt.time(17), dt.time(9))],  # closes before it opens
        [(0, dt.time(9), dt.time(9))],  # closes when it opens
        [(7, dt.time(9), dt.time(17))],  # no eighth weekday
    ],
)
def test_service_hall_create_rejects_impossible_hours_and_writes_nothing(district, hours):
    with pytest.raises(InvalidInput):
        service_hall_create(
            actor_id=None,
            code="hc-centre",
            name="大厅",
            region=district,
            address="路1号",
            opening_hours=hours,
        )
    assert ServiceHall.objects.count() == 0


@pytest.mark.parametrize("number", ["", "a01", "A 01", "A01234567890"])
def test_window_create_rejects_a_bad_number(district, number):
    hall = ServiceHallFactory.create(region=district)
    with pytest.raises(InvalidInput) as caught:
        window_create(
            actor_id=None,
            hall=hall,
            number=number,
            name="窗口",
            department=DepartmentFactory.create(region=district),
        )
    assert "number" in caught.value.errors


def test_window_numbers_are_unique_within_a_hall(district):
    hall = ServiceHallFactory.create(region=district)
    department = DepartmentFactory.create(region=district)
    window_create(actor_id=None, hall=hall, number="A01", name="一号", department=department)
    with pytest.raises(InvalidInput):
        window_create(actor_id=None, hall=hall, number="A01", name="又一号", department=department)


def test_staff_position_grant_and_revoke_are_audited(administrator, citizen, persona_departments):
    department = persona_departments["civil_affairs"]
    position = staff_position_grant(
        actor_id=administrator.pk,
        user_id=citizen.pk,
        department=department,
        role=StaffRole.CASE_OFFICER,
    )
    with pytest.raises(Conflict):
        staff_position_grant(
            actor_id=administrator.pk,
            user_id=citizen.pk,
            department=department,
            role=StaffRole.CASE_OFFICER,
        )
    staff_position_revoke(actor_id=administrator.pk, position=position)
    with pytest.raises(Conflict):
        staff_position_revoke(actor_id=administrator.pk, position=position)
    assert StaffPosition.objects.get(pk=position.pk).active is False
    kinds = list(
        AuditEvent.objects.filter(subject_id=citizen.pk)
        .order_by("occurred_at")
        .values_list("kind", flat=True)
    )
    assert kinds == [AuditEventKind.CREATED, AuditEventKind.STATUS_CHANGED]


def test_staff_position_grant_rejects_an_unknown_role(citizen, persona_departments):
    with pytest.raises(InvalidInput) as caught:
        staff_position_grant(
            actor_id=None,
            user_id=citizen.pk,
            department=persona_departments["civil_affairs"],
            role="emperor",
        )
    assert "role" in caught.value.errors
    assert not StaffPosition.objects.filter(user=citizen).exists()


def test_personas_hold_the_roles_their_names_promise(
    clerk, supervisor, administrator, other_department_case_officer
):
    def roles(user):
        return list(user.staff_positions.values_list("department__code", "role"))

    assert roles(clerk) == [("HC-SCJG", StaffRole.CLERK)]
    assert roles(supervisor) == [("HC-SCJG", StaffRole.SUPERVISOR)]
    assert roles(administrator) == [("HC-SCJG", StaffRole.ADMINISTRATOR)]
    assert roles(other_department_case_officer) == [("HC-MZ", StaffRole.CASE_OFFICER)]
