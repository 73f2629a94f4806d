"""The organization in the Django admin: validation answers bad input with form errors."""

import pytest
from django.urls import reverse

from tongban.audit.constants import AuditEventKind
from tongban.audit.models import AuditEvent
from tongban.organization.constants import RegionLevel
from tongban.organization.factories import DepartmentFactory, RegionFactory, ServiceHallFactory
from tongban.organization.models import Region, ServiceHall

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(client, administrator):
    client.force_login(administrator)
    # Messages are asserted in English (the msgids); the admin follows Accept-Language.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.parametrize(
    "model", ["region", "departmenttype", "department", "servicehall", "staffposition"]
)
def test_every_organization_list_and_add_page_opens(admin_client_for, persona_departments, model):
    ServiceHallFactory.create(region=persona_departments["district"])
    for view in ("changelist", "add"):
        response = admin_client_for.get(reverse(f"admin:organization_{model}_{view}"))
        assert response.status_code == 200


def test_adding_a_region_in_the_admin_is_audited(admin_client_for, administrator):
    city = RegionFactory.create(code="990200", level=RegionLevel.CITY)
    response = admin_client_for.post(
        reverse("admin:organization_region_add"),
        {"code": "990204", "name": "青石区", "level": "district", "parent": city.pk},
    )
    assert response.status_code == 302
    region = Region.objects.get(code="990204")
    event = AuditEvent.objects.get(object_id=str(region.pk))
    assert event.kind == AuditEventKind.CREATED
    assert event.actor_id == administrator.pk
    assert event.summary == {"changed_fields": ["code", "level", "name", "parent"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "12", "name": "区", "level": "district"}, "A region code has 6 digits"),
        ({"code": "990200", "name": "区", "level": "district"}, "does not end in 00"),
        ({"code": "990204", "name": "区", "level": "moon"}, "Select a valid choice"),
        ({"code": "990204", "name": "", "level": "district"}, "This field is required"),
    ],
)
def test_the_admin_rejects_a_bad_region_and_saves_nothing(admin_client_for, data, message):
    city = RegionFactory.create(code="990200", level=RegionLevel.CITY)
    before = Region.objects.count()
    response = admin_client_for.post(
        reverse("admin:organization_region_add"), {**data, "parent": city.pk}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Region.objects.count() == before
    assert AuditEvent.objects.count() == 0


def test_the_admin_rejects_a_hall_closing_before_it_opens(admin_client_for, persona_departments):
    data = {
        "code": "hall-x",
        "name": "大厅",
        "region": persona_departments["district"].pk,
        "address": "路1号",
        "opening_periods-TOTAL_FORMS": "1",
        "opening_periods-INITIAL_FORMS": "0",
        "opening_periods-0-weekday": "0",
        "opening_periods-0-opens_at": "17:00",
        "opening_periods-0-closes_at": "09:00",
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
    }
    response = admin_client_for.post(reverse("admin:organization_servicehall_add"), data)
    assert response.status_code == 200
    assert "A hall closes after it opens." in response.content.decode()
    assert ServiceHall.objects.count() == 0


def test_the_admin_rejects_a_second_department_of_a_type_in_a_region(
    admin_client_for, persona_departments
):
    existing = persona_departments["civil_affairs"]
    response = admin_client_for.post(
        reverse("admin:organization_department_add"),
        {
            "code": "HC-MZ-2",
            "name": "另一个民政局",
            "type": existing.type.pk,
            "region": existing.region.pk,
        },
    )
    assert response.status_code == 200
    assert "already has a department of this type" in response.content.decode()
    assert not DepartmentFactory._meta.model.objects.filter(code="HC-MZ-2").exists()


def test_a_citizen_cannot_open_the_organization_admin(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("admin:organization_region_changelist"))
    assert response.status_code == 302
