"""The demo city takes appointments: driving tests and vehicle inspections at the traffic
police hall, marriage registrations for two at the marriage registry."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from tongban.appointments.models import Schedule, Slot
from tongban.organization.models import StaffPosition

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_seed_demo_opens_the_appointment_schedules_once():
    call_command("seed_demo", stdout=StringIO())
    slots = Slot.objects.count()
    call_command("seed_demo", stdout=StringIO())

    schedules = {
        (s.hall.code, s.service.code): s for s in Schedule.objects.select_related("hall", "service")
    }
    assert set(schedules) == {
        ("hc-traffic-police-hall", "HC-JJ-001"),
        ("hc-traffic-police-hall", "HC-JJ-002"),
        ("hc-marriage-registry", "HC-MZ-001"),
    }
    assert schedules[("hc-marriage-registry", "HC-MZ-001")].party_size == 2
    assert {
        s.service_group for s in schedules.values() if s.hall.code.startswith("hc-traffic")
    } == {
        "A",
        "B",
    }
    assert slots > 0
    assert Slot.objects.count() == slots
    assert StaffPosition.objects.filter(hall__code="hc-traffic-police-hall", role="clerk").exists()
