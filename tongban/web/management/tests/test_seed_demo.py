"""seed_demo builds Haichuan once, only in demo mode; a second run changes nothing."""

from io import StringIO

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tongban.accounts.models import User
from tongban.core.jurisdiction import department_resolve
from tongban.organization.constants import StaffRole, StandardDepartmentType
from tongban.organization.models import (
    Department,
    OpeningPeriod,
    Region,
    ServiceHall,
    StaffPosition,
    Window,
)
from tongban.registries.models import DemoEnterprise, DemoResident, DemoResidentIdCard
from tongban.web.management.demo_city import demo_totp_secret

pytestmark = pytest.mark.django_db

SNAPSHOT_MODELS = [
    Region,
    Department,
    ServiceHall,
    OpeningPeriod,
    Window,
    StaffPosition,
    User,
    DemoResident,
    DemoResidentIdCard,
    DemoEnterprise,
]


def snapshot():
    rows = {}
    for model in SNAPSHOT_MODELS:
        stamp = "last_login" if model is User else "updated_at"
        rows[model.__name__] = sorted(
            (str(pk), str(value)) for pk, value in model._default_manager.values_list("pk", stamp)
        )
    rows["passwords"] = sorted(User.objects.values_list("username", "password"))
    return rows


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@override_settings(DEMO_MODE=False)
def test_seed_demo_refuses_outside_demo_mode_and_creates_nothing():
    with pytest.raises(CommandError, match="runs only in demo mode"):
        seed()
    assert not Region.objects.exists()
    assert not User.objects.exists()
    assert not DemoResident.objects.exists()


@override_settings(DEMO_MODE=True)
def test_seed_demo_builds_haichuan_and_running_it_again_changes_nothing():
    output = seed()
    first = snapshot()

    city = Region.objects.get(code="990200")
    assert city.name == "海川市"
    assert sorted(city.children.values_list("name", flat=True)) == ["临江区", "望潮区", "青石区"]
    departments = Department.objects.filter(region=city, parent=None)
    assert sorted(departments.values_list("type__code", flat=True)) == sorted(
        StandardDepartmentType.values
    )
    for department_type in StandardDepartmentType.values:
        # Districts have no departments of their own: the city serves them.
        served = department_resolve(department_type=department_type, region_code="990203002")
        assert served.region_code == "990200"

    centre = ServiceHall.objects.get(code="hc-service-centre")
    assert set(centre.windows.values_list("department__type__code", flat=True)) == set(
        StandardDepartmentType.values
    )
    assert ServiceHall.objects.count() == 3
    assert Window.objects.filter(hall__code="hc-traffic-police-hall").count() == 4
    assert Window.objects.filter(hall__code="hc-marriage-registry").count() == 3

    assert StaffPosition.objects.count() == len(StandardDepartmentType.values) * len(StaffRole)
    for department in departments:
        assert sorted(department.staff_positions.values_list("role", flat=True)) == sorted(
            StaffRole.values
        )
    assert DemoResident.objects.count() >= 1000
    assert DemoEnterprise.objects.count() >= 200

    # The demo accounts and their TOTP secrets are printed, and the secrets work.
    assert "scjg-clerk" in output
    secret = demo_totp_secret("scjg-clerk")
    assert secret in output
    assert pyotp.TOTP(secret).verify(pyotp.TOTP(secret).now())
    assert User.objects.get(username="scjg-clerk").check_password("haichuan-demo-2025")

    second_output = seed()
    assert snapshot() == first
    assert "0 residents and 0 enterprises added" in second_output
    assert "scjg-clerk" in second_output
