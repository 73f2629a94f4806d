"""The appointment journey in a real browser: book a driving test, download the .ics, check
in at the kiosk, and see the ticket called on the hall's display; axe on the citizen pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _signed_in(visit, live_server, user, **options):
    client = Client()
    client.force_login(user)
    browser = visit(**options)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    browser.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return browser


@pytest.fixture
def traffic_hall(persona_departments):
    """The traffic police hall taking driving-test appointments today (whatever day it is)."""
    from django.core.cache import cache

    from tongban.appointments.factories import schedule_create, service_published, slot_create
    from tongban.appointments.models import ScheduleException
    from tongban.core.working_days import local_date
    from tongban.organization.factories import (
        DepartmentFactory,
        DepartmentTypeFactory,
        ServiceHallFactory,
        WindowFactory,
        factory_create,
    )

    cache.clear()
    police = factory_create(
        DepartmentFactory,
        code="HC-JJ",
        name="海川市公安局交通警察支队",
        type=factory_create(DepartmentTypeFactory, code="traffic_police"),
        region=persona_departments["city"],
    )
    hall = factory_create(
        ServiceHallFactory,
        code="hc-traffic-police-hall",
        name="海川市车管所服务大厅",
        region=persona_departments["city"],
        address="海川市望潮区临港路88号",
    )
    window = factory_create(
        WindowFactory, hall=hall, number="B01", name="驾驶证业务", department=police
    )
    service = service_published(
        code="HC-JJ-001",
        name="机动车驾驶人考试预约",
        department_type=police.type,
        materials=["居民身份证", "机动车驾驶人身体条件证明"],
    )
    schedule = schedule_create(hall=hall, service=service, windows=2, people_per_slot=3)
    now = timezone.now()
    # Open all day today, so the journey can book and check in on the same day.
    ScheduleException.objects.create(
        schedule=schedule,
        day=local_date(now),
        closed=False,
        starts_at=dt.time(0, 0),
        ends_at=dt.time(23, 59),
    )
    slot = slot_create(
        schedule=schedule, starts_at=now.replace(second=0, microsecond=0) + dt.timedelta(minutes=5)
    )
    return {"hall": hall, "window": window, "slot": slot, "department": police}


@pytest.fixture
def hall_clerk(traffic_hall):
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user = factory_create(UserFactory, username="hall-clerk", staff=True, real_name="赵敏")
    factory_create(
        StaffPositionFactory,
        user=user,
        department=traffic_hall["department"],
        role="clerk",
        hall=traffic_hall["hall"],
    )
    return user


def test_book_download_check_in_and_see_the_ticket_called(
    visit, live_server, citizen, traffic_hall, hall_clerk, tmp_path: Path
):
    slot = traffic_hall["slot"]
    browser = _signed_in(visit, live_server, citizen, language="en-US")

    page = browser.open("/appointments/book/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="机动车驾驶人考试预约").click()
    page.wait_for_load_state()
    assert page.get_by_text("机动车驾驶人身体条件证明").is_visible()
    assert axe_violations(page) == []
    page.locator(f"#slot-{slot.pk}").check()
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_load_state()

    code = page.get_by_test_id("booking-code").inner_text()
    assert len(code) == 8
    assert page.get_by_role("img", name="QR code to check in").is_visible()
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "appointment.ics"
    download_info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == slot.starts_at
    assert code in str(event["DESCRIPTION"])
    assert "海川市车管所服务大厅" in str(event["LOCATION"])

    page = browser.open("/appointments/")
    assert page.get_by_role("link", name="机动车驾驶人考试预约").is_visible()
    assert axe_violations(page) == []

    display = visit(language="en-US")
    board = display.open("/appointments/halls/hc-traffic-police-hall/display/")
    assert axe_violations(board) == []

    kiosk = visit(language="en-US")
    kiosk_page = kiosk.open("/appointments/halls/hc-traffic-police-hall/kiosk/")
    assert axe_violations(kiosk_page) == []
    kiosk_page.get_by_label("Type your resident ID number").fill(citizen.resident_id_number)
    kiosk_page.get_by_role("button", name="Get my queue number").click()
    kiosk_page.wait_for_load_state()
    assert kiosk_page.get_by_test_id("ticket-number").inner_text() == "A001"
    assert axe_violations(kiosk_page) == []

    clerk = _signed_in(visit, live_server, hall_clerk, language="en-US")
    desk = clerk.open("/appointments/staff/hc-traffic-police-hall/")
    desk.get_by_label("My window").select_option(str(traffic_hall["window"].pk))
    desk.get_by_role("button", name="Call next").click()
    desk.wait_for_load_state()

    # The display was never reloaded: htmx polling brings the called ticket in.
    board.locator('[data-ticket="A001"]').wait_for(timeout=15_000)
    assert "B01" in board.locator('[data-ticket="A001"]').inner_text()
    assert axe_violations(board) == []
    for visited in (browser, display, kiosk, clerk):
        assert visited.console_errors == []


@pytest.mark.parametrize("elderly", [False, True])
def test_the_citizen_pages_in_chinese_have_no_accessibility_violations(
    visit, live_server, citizen, traffic_hall, elderly
):
    from tongban.appointments import services

    booking = services.booking_create(user=citizen, slot_id=traffic_hall["slot"].pk)
    browser = _signed_in(visit, live_server, citizen, elderly=elderly)
    for path in [
        "/appointments/book/",
        "/appointments/book/?service=HC-JJ-001&hall=hc-traffic-police-hall",
        f"/appointments/bookings/{booking.pk}/",
        "/appointments/",
        "/appointments/halls/hc-traffic-police-hall/kiosk/",
        "/appointments/halls/hc-traffic-police-hall/display/",
    ]:
        page = browser.open(path)
        assert browser.last_status == 200, path
        assert axe_violations(page) == [], path
    assert page.get_by_role("heading", name="正在叫号").is_visible()
    assert browser.console_errors == []
