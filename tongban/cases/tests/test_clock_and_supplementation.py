"""Supplementation, the deadline clock, urging and supervision, on the demo's provident fund
withdrawal: a district office (临江区) under the city's centre, so escalation has a level up."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongban.accounts.models import User
from tongban.cases import selectors, services
from tongban.cases.constants import (
    CaseEventKind,
    CaseStatus,
    ClockKind,
    ClockState,
    EscalationLevel,
    NoticeKind,
)
from tongban.cases.exceptions import (
    ExtensionBeyondLimit,
    ExtensionOwnRequest,
    ItemNotRequested,
    SupplementationInvalid,
    SupplementationNotOpen,
    SupplementationPending,
    UrgeAlreadySent,
    UrgeNotDue,
)
from tongban.cases.models import Case, CaseClock, CaseEvent, CaseUrge
from tongban.cases.tests.conftest import PREMISES_PDF, applicant_prepare, draft_create
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
from tongban.core.exceptions import NotFound
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import ScheduledDay, add_working_days, working_days_between
from tongban.notifications.models import Recipient as InboxEntry
from tongban.organization.constants import StaffRole
from tongban.workflow.models import HumanTask
from tongban.workflow.services import task_complete

D = dt.date
WITHDRAWAL = "HC-GJJ-002"
ANSWERS = {
    "name": "张三",
    "mobile": "13800138000",
    "reason": "租住商品住房",
    "amount": 1500,
    "bank_card": "6222020200112233445",
}


def withdrawal_load(directory: Path) -> ServiceItem:
    from tongban.certificates.services import certificate_types_ensure
    from tongban.organization.constants import StandardDepartmentType
    from tongban.organization.models import DepartmentType

    for department_type in StandardDepartmentType:
        DepartmentType.objects.get_or_create(
            code=department_type.value, defaults={"name": str(department_type.label)}
        )
    certificate_types_ensure()
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (directory / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] == WITHDRAWAL]), encoding="utf-8"
    )
    (directory / "bundles.json").write_text("[]", encoding="utf-8")
    if not (directory / "processes").exists():
        shutil.copytree(DEMO_DIRECTORY / "processes", directory / "processes")
    demo_catalog_load(directory=directory)
    return ServiceItem.objects.select_related("published_version").get(code=WITHDRAWAL)


def fund_offices(persona_departments: dict[str, Any]) -> dict[str, Any]:
    """The city's provident fund centre and its 临江区 office, each with staff."""
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import (
        DepartmentFactory,
        StaffPositionFactory,
        factory_create,
    )
    from tongban.organization.models import DepartmentType

    kind = DepartmentType.objects.get(code="housing_provident_fund")
    city = factory_create(
        DepartmentFactory,
        code="HC-GJJ",
        name="海川市住房公积金管理中心",
        type=kind,
        region=persona_departments["city"],
    )
    district = factory_create(
        DepartmentFactory,
        code="HC-GJJ-LJ",
        name="海川市住房公积金管理中心临江分中心",
        type=kind,
        region=persona_departments["district"],
    )
    people: dict[str, Any] = {"city": city, "district": district}
    for name, department, role in (
        ("officer", district, StaffRole.CASE_OFFICER),
        ("officer2", district, StaffRole.CASE_OFFICER),
        ("supervisor", district, StaffRole.SUPERVISOR),
        ("supervisor2", district, StaffRole.SUPERVISOR),
        ("city_supervisor", city, StaffRole.SUPERVISOR),
    ):
        user = factory_create(UserFactory, username=f"gjj-{name}", staff=True)
        factory_create(StaffPositionFactory, user=user, department=department, role=role)
        people[name] = user
    return people


@pytest.fixture
def offices(persona_departments: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    item = withdrawal_load(tmp_path)
    found = fund_offices(persona_departments)
    found["item"] = item
    return found


def withdrawal_submit(item: ServiceItem, user: User, region_code: str) -> Case:
    case = draft_create(item, user, region_code=region_code)
    answers = {**ANSWERS, "id_number": user.resident_id_number, "name": str(user.real_name)}
    services.case_draft_update(case_id=case.pk, actor_id=user.pk, answers=answers)
    for material in case.service_version.materials.filter(name__in=["本人银行卡", "居民身份证"]):
        if not case.materials.filter(material=material).exists():
            services.case_material_upload(
                case_id=case.pk,
                actor_id=user.pk,
                material_id=material.pk,
                name="材料.pdf",
                data=PREMISES_PDF,
            )
    case.refresh_from_db()
    problems = services.case_problems(
        case, commitment_version=services.commitment_current().version, confirmed=True
    )
    assert not problems, {k: [str(e.message) for e in v] for k, v in problems.items()}
    return services.case_submit(
        case_id=case.pk,
        actor_id=user.pk,
        idempotency_key=str(uuid.uuid4()),
        commitment_version=services.commitment_current().version,
        confirmed=True,
    )


@pytest.fixture
def submitted(offices: dict[str, Any], citizen: User, persona_departments: dict[str, Any]) -> Case:
    applicant = applicant_prepare(citizen)
    return withdrawal_submit(offices["item"], applicant, persona_departments["district"].code)


def open_task(case: Case) -> HumanTask:
    return HumanTask.objects.get(instance=case.process_instance, status__in=["open", "claimed"])


def two_items(case: Case) -> list[dict[str, str]]:
    card = case.service_version.materials.get(name="本人银行卡")
    return [
        {"kind": "field", "key": "amount", "reason": "提取金额超过可提取额度，请按月租金填写。"},
        {"kind": "material", "key": str(card.pk), "reason": "银行卡照片不清晰，请重新上传。"},
    ]


# --- supplementation ---------------------------------------------------------------------------


def test_supplementation_pauses_the_case_with_one_notice_and_resumes_it(submitted, offices):
    case = submitted
    task = open_task(case)
    assert CaseClock.objects.get(task_id=task.pk).due_on == case.acceptance_due
    day = case.received_on
    supplementation = services.case_supplementation_request(
        task_id=task.pk, actor=offices["officer"], items=two_items(case), today=day
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENTING
    assert case.paused_since == day
    notice = supplementation.notice
    assert notice is not None
    assert notice.kind == NoticeKind.SUPPLEMENTATION
    assert "提取金额" in notice.reasons
    assert "本人银行卡" in notice.reasons
    with notice.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    # The task waits open in the inbox; no decision while the applicant supplements.
    assert open_task(case).pk == task.pk
    with pytest.raises(SupplementationPending):
        task_complete(task_id=task.pk, actor=offices["officer"], outcome="approved")
    assert CaseClock.objects.get(task_id=task.pk).paused_since == day
    # The applicant supplies both items: a new file, and the amount.
    card = case.service_version.materials.get(name="本人银行卡")
    services.case_supplement_material_upload(
        case_id=case.pk,
        actor_id=case.filed_by_id,
        material_id=card.pk,
        name="新卡.pdf",
        data=PREMISES_PDF,
    )
    assert case.materials.filter(material=card).count() == 1
    # A second file for the same item replaces the first, as the first replaced the old one.
    services.case_supplement_material_upload(
        case_id=case.pk,
        actor_id=case.filed_by_id,
        material_id=card.pk,
        name="新卡（清晰）.pdf",
        data=PREMISES_PDF,
    )
    assert list(case.materials.filter(material=card).values_list("original_name", flat=True)) == [
        "新卡（清晰）.pdf"
    ]
    later = day + dt.timedelta(days=7)
    services.case_supplement_submit(
        case_id=case.pk, actor_id=case.filed_by_id, answers={"amount": 1200}, today=later
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.paused_since is None
    assert case.answers["amount"] == 1200
    clock = CaseClock.objects.get(case=case, kind=ClockKind.ACCEPTANCE)
    assert clock.paused_days == 5
    assert case.acceptance_due == clock.due_on
    assert CaseClock.objects.get(task_id=task.pk).due_on == clock.due_on
    kinds = list(case.events.filter(visible_to_applicant=True).values_list("kind", flat=True))
    assert CaseEventKind.SUPPLEMENTATION_REQUESTED in kinds
    assert CaseEventKind.SUPPLEMENTED in kinds
    resumed = case.events.get(kind=CaseEventKind.SUPPLEMENTED)
    assert resumed.details["working_days_paused"] == 5
    # Now the officer can accept.
    task_complete(task_id=task.pk, actor=offices["officer"], outcome="approved")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_the_officer_names_every_item_with_a_reason(submitted, offices):
    task = open_task(submitted)
    with pytest.raises(SupplementationInvalid) as caught:
        services.case_supplementation_request(
            task_id=task.pk,
            actor=offices["officer"],
            items=[
                {"kind": "field", "key": "amount", "reason": ""},
                {"kind": "field", "key": "no_such_field", "reason": "x"},
            ],
        )
    assert set(caught.value.errors) == {"items.0.reason", "items.1"}
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    assert not submitted.notices.exists()


def test_another_department_cannot_return_the_case(
    submitted, offices, other_department_case_officer
):
    from tongban.cases.exceptions import CaseNotFound

    with pytest.raises(CaseNotFound):
        services.case_supplementation_request(
            task_id=open_task(submitted).pk,
            actor=other_department_case_officer,
            items=two_items(submitted),
        )


def test_supplementing_an_item_not_requested_is_refused(submitted, offices):
    case = submitted
    services.case_supplementation_request(
        task_id=open_task(case).pk, actor=offices["officer"], items=two_items(case)
    )
    with pytest.raises(ItemNotRequested) as caught:
        services.case_supplement_submit(
            case_id=case.pk, actor_id=case.filed_by_id, answers={"amount": 1000, "name": "李四"}
        )
    assert caught.value.errors["name"][0].code == "not_requested"
    other = case.service_version.materials.exclude(name="本人银行卡").first()
    with pytest.raises(ItemNotRequested):
        services.case_supplement_material_upload(
            case_id=case.pk,
            actor_id=case.filed_by_id,
            material_id=other.pk,
            name="x.pdf",
            data=PREMISES_PDF,
        )
    # The requested material must come back too.
    from tongban.cases.exceptions import CaseInvalid

    with pytest.raises(CaseInvalid) as missing:
        services.case_supplement_submit(
            case_id=case.pk, actor_id=case.filed_by_id, answers={"amount": 1000}
        )
    assert any(key.startswith("material.") for key in missing.value.errors)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENTING
    assert case.answers["amount"] == 1500


def test_resubmitting_after_withdrawal_is_refused(submitted, offices):
    case = submitted
    services.case_supplementation_request(
        task_id=open_task(case).pk, actor=offices["officer"], items=two_items(case)
    )
    services.case_withdraw(case_id=case.pk, actor_id=case.filed_by_id, reason="")
    with pytest.raises(SupplementationNotOpen):
        services.case_supplement_submit(
            case_id=case.pk, actor_id=case.filed_by_id, answers={"amount": 1000}
        )
    assert not CaseClock.objects.filter(case=case, closed_on=None).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert case.paused_since is None


# --- the clock across the 2026 National Day holiday and a provisional 2027 ---------------------


def test_due_dates_skip_national_day_2026_and_count_its_make_up_saturday(submitted):
    case = submitted
    clock = CaseClock(case=case, kind=ClockKind.TASK, starts_on=D(2026, 9, 29), period_days=3)
    services.clocks.clock_due_compute(clock)
    # 30 Sep (1), 8 Oct (2), 9 Oct (3): 1–7 October is the holiday.
    assert clock.due_on == D(2026, 10, 9)
    assert not clock.provisional
    clock.period_days = 4
    services.clocks.clock_due_compute(clock)
    assert clock.due_on == D(2026, 10, 10)  # Saturday, a make-up working day
    clock.due_on = D(2026, 9, 30)
    assert services.clock_state(clock, D(2026, 9, 29)) == ClockState.DUE_SOON
    assert services.clock_state(clock, D(2026, 9, 28)) == ClockState.ON_TIME
    assert services.clock_state(clock, D(2026, 10, 1)) == ClockState.OVERDUE
    # A pause over the holiday adds only the working days it lasted: 30 Sep, 8 Oct.
    assert working_days_between(working_calendar_get(), D(2026, 9, 29), D(2026, 10, 8)).days == 2


def test_a_provisional_2027_due_date_is_recomputed_when_the_schedule_is_entered(
    submitted, django_capture_on_commit_callbacks
):
    from tongban.core.services import holiday_schedule_enter

    case = submitted
    CaseClock.objects.filter(case=case).delete()
    clock = CaseClock(
        case=case, kind=ClockKind.ACCEPTANCE, starts_on=D(2026, 12, 30), period_days=3
    )
    services.clocks.clock_due_compute(clock)
    clock.save()
    # 31 Dec, (1 Jan fixed holiday), 4 Jan, 5 Jan — 2027 has no official schedule yet.
    assert clock.due_on == D(2027, 1, 5)
    assert clock.provisional
    days = [
        ScheduledDay(D(2027, 1, 1), True, "元旦"),
        ScheduledDay(D(2027, 1, 4), True, "元旦"),
        ScheduledDay(D(2027, 1, 9), False, "元旦"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        holiday_schedule_enter(year=2027, days=days)
    clock = CaseClock.objects.get(pk=clock.pk)
    case.refresh_from_db()
    assert clock.due_on == D(2027, 1, 6)
    assert clock.provisional is False
    assert case.acceptance_due == D(2027, 1, 6)
    event = case.events.get(kind=CaseEventKind.DUE_DATE_RECOMPUTED)
    assert "2027-01-06" in event.note
    assert event.visible_to_applicant


def test_a_formal_suspension_stops_the_clock(submitted, offices):
    case = submitted
    day = case.received_on
    services.case_suspend(case_id=case.pk, actor=offices["officer"], reason="专家评审", today=day)
    with pytest.raises(Exception):  # noqa: B017,PT011 (already stopped)
        services.case_suspend(case_id=case.pk, actor=offices["officer"], reason="again", today=day)
    before = case.acceptance_due
    pause = services.case_suspension_end(
        case_id=case.pk, actor=offices["officer"], today=day + dt.timedelta(days=14)
    )
    case.refresh_from_db()
    assert pause.working_days >= 9
    assert case.acceptance_due > before
    assert case.events.filter(kind=CaseEventKind.CLOCK_SUSPENDED, note="专家评审").exists()


def _accepted(case: Case, offices: dict[str, Any]) -> Case:
    task_complete(task_id=open_task(case).pk, actor=offices["officer"], outcome="approved")
    case.refresh_from_db()
    return case


def test_one_extension_approved_by_another_supervisor_within_the_legal_limit(submitted, offices):
    case = _accepted(submitted, offices)
    version = case.service_version
    assert services.extension_limit(version) == version.legal_days + 10 - version.promised_days
    with pytest.raises(ExtensionBeyondLimit):
        services.case_extension_request(
            case_id=case.pk,
            actor=offices["officer"],
            days=services.extension_limit(version) + 1,
            reason="复杂",
        )
    extension = services.case_extension_request(
        case_id=case.pk, actor=offices["supervisor"], days=2, reason="需核查租赁备案"
    )
    # Approved by the requester: refused.
    with pytest.raises(ExtensionOwnRequest):
        services.case_extension_decide(
            extension_id=extension.pk, actor=offices["supervisor"], approve=True
        )
    # Not a supervisor of the department: not found.
    with pytest.raises(NotFound):
        services.case_extension_decide(
            extension_id=extension.pk, actor=offices["officer2"], approve=True
        )
    before = case.decision_due
    services.case_extension_decide(
        extension_id=extension.pk, actor=offices["supervisor2"], approve=True
    )
    case.refresh_from_db()
    assert case.decision_due is not None
    assert before is not None
    assert case.decision_due > before
    assert CaseClock.objects.get(task_id=open_task(case).pk).due_on == case.decision_due
    from tongban.cases.exceptions import ExtensionAlreadyUsed

    with pytest.raises(ExtensionAlreadyUsed):
        services.case_extension_request(
            case_id=case.pk, actor=offices["officer"], days=1, reason="再延"
        )


# --- escalation --------------------------------------------------------------------------------


def test_escalation_warns_then_supervisor_then_one_level_up_each_once(submitted, offices):
    case = _accepted(submitted, offices)
    task = open_task(case)
    clock = CaseClock.objects.get(task_id=task.pk)
    due = clock.due_on
    assert due is not None
    calendar = working_calendar_get()
    before_due = due  # the due day itself: due soon
    assert services.clocks_escalate(today=before_due)["warned"] == 1
    assert services.clocks_escalate(today=before_due)["warned"] == 0
    officers = {offices["officer"].pk, offices["officer2"].pk}
    assert (
        set(
            InboxEntry.objects.filter(notification__event_code="cases.clock_due_soon").values_list(
                "user_id", flat=True
            )
        )
        == officers
    )
    late1 = add_working_days(calendar, due, 1).day
    assert services.clocks_escalate(today=late1) == {"warned": 0, "supervisor": 1, "level_up": 0}
    assert services.clocks_escalate(today=late1)["supervisor"] == 0
    late2 = add_working_days(calendar, due, 2).day
    assert services.clocks_escalate(today=late2)["level_up"] == 1
    assert services.clocks_escalate(today=late2) == {"warned": 0, "supervisor": 0, "level_up": 0}
    escalated = InboxEntry.objects.filter(notification__event_code="cases.clock_escalated")
    recipients = sorted(str(r) for r in escalated.values_list("user_id", flat=True))
    expected = sorted(
        str(offices[name].pk) for name in ("supervisor", "supervisor2", "city_supervisor")
    )
    assert recipients == expected
    clock.refresh_from_db()
    assert clock.escalation == EscalationLevel.LEVEL_UP
    steps = list(
        CaseEvent.objects.filter(case=case, kind__in=["due_soon_warned", "escalated"])
        .order_by("id")
        .values_list("details__level", flat=True)
    )
    assert steps == [1, 2, 3]


def test_a_paused_case_does_not_escalate(submitted, offices):
    case = submitted
    services.case_supplementation_request(
        task_id=open_task(case).pk, actor=offices["officer"], items=two_items(case)
    )
    far = case.acceptance_due + dt.timedelta(days=30)
    assert services.clocks_escalate(today=far) == {"warned": 0, "supervisor": 0, "level_up": 0}


# --- urging ------------------------------------------------------------------------------------


def test_the_applicant_urges_once_per_working_day_when_due_soon(submitted, offices):
    case = submitted
    early = case.received_on
    clock = CaseClock.objects.get(case=case, kind=ClockKind.ACCEPTANCE)
    if services.clock_state(clock, early) == ClockState.ON_TIME:
        with pytest.raises(UrgeNotDue):
            services.case_urge(case=case, actor=case.filed_by, today=early)
    day = case.acceptance_due
    urge = services.case_urge(case=case, actor=case.filed_by, today=day)
    with pytest.raises(UrgeAlreadySent):
        services.case_urge(case=case, actor=case.filed_by, today=day)
    assert CaseUrge.objects.filter(case=case).count() == 1
    assert urge.department == offices["district"]
    assert InboxEntry.objects.filter(
        notification__event_code="cases.urged", user_id=offices["officer"].pk
    ).exists()
    assert case.events.filter(kind=CaseEventKind.URGED, visible_to_applicant=True).exists()
    view = selectors.supervision_for(user=offices["supervisor"], today=day)
    assert [u.pk for u in view.urges] == [urge.pk]
    # Next working day: allowed again (now overdue).
    calendar = working_calendar_get()
    next_day = add_working_days(calendar, day, 1).day
    services.case_urge(case=case, actor=case.filed_by, today=next_day)
    assert CaseUrge.objects.filter(case=case).count() == 2


# --- the supervisors' view ---------------------------------------------------------------------


def test_supervisor_sees_overdue_work_urges_and_reassigns(submitted, offices):
    case = submitted
    task = open_task(case)
    calendar = working_calendar_get()
    late = add_working_days(calendar, case.acceptance_due, 1).day
    view = selectors.supervision_for(user=offices["supervisor"], today=late)
    assert [row.clock.task_id for row in view.late] == [task.pk]
    assert view.late[0].state == ClockState.OVERDUE
    # Another department's supervisor sees nothing of it.
    assert selectors.supervision_for(user=offices["city_supervisor"], today=late).late == []
    row = view.late[0]
    services.clock_urge_by_supervisor(clock_id=row.clock.pk, actor=offices["supervisor"])
    services.clock_task_reassign(
        clock_id=row.clock.pk, actor=offices["supervisor"], assignee_id=offices["officer2"].pk
    )
    task.refresh_from_db()
    assert task.claimed_by_id == offices["officer2"].pk
    # Only an officer of the department with the task's role.
    from tongban.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        services.clock_task_reassign(
            clock_id=row.clock.pk,
            actor=offices["supervisor"],
            assignee_id=offices["city_supervisor"].pk,
        )
    from tongban.cases.exceptions import CaseNotFound

    with pytest.raises(CaseNotFound):
        services.clock_task_reassign(
            clock_id=row.clock.pk, actor=offices["officer"], assignee_id=offices["officer2"].pk
        )


def test_on_time_rate_excludes_paused_time(submitted, offices, citizen):
    case = submitted
    day = case.received_on
    task = open_task(case)
    services.case_supplementation_request(
        task_id=task.pk, actor=offices["officer"], items=two_items(case), today=day
    )
    card = case.service_version.materials.get(name="本人银行卡")
    services.case_supplement_material_upload(
        case_id=case.pk,
        actor_id=case.filed_by_id,
        material_id=card.pk,
        name="a.pdf",
        data=PREMISES_PDF,
    )
    # Twenty days waiting for the applicant: not the department's time.
    services.case_supplement_submit(
        case_id=case.pk,
        actor_id=case.filed_by_id,
        answers={"amount": 1000},
        today=day + dt.timedelta(days=20),
    )
    _accepted(case, offices)
    acceptance = CaseClock.objects.get(case=case, kind=ClockKind.ACCEPTANCE)
    assert acceptance.on_time is True
    rates = selectors.supervision_for(user=offices["supervisor"]).rates
    assert [(r.service, r.closed, r.kept, r.percent) for r in rates] == [
        ("住房公积金提取（租房）", 1, 1, 100)
    ]


# --- drafts expire -----------------------------------------------------------------------------


def test_drafts_get_a_reminder_a_week_before_and_expire_after_30_days(offices, citizen):
    from django.utils import timezone

    applicant = applicant_prepare(citizen)
    old = draft_create(offices["item"], applicant)
    week = draft_create(offices["item"], applicant)
    fresh = draft_create(offices["item"], applicant)
    now = timezone.now()
    Case.objects.filter(pk=old.pk).update(updated_at=now - dt.timedelta(days=31))
    Case.objects.filter(pk=week.pk).update(updated_at=now - dt.timedelta(days=24))
    assert services.drafts_expire(now=now) == {"reminded": 1, "expired": 1}
    assert services.drafts_expire(now=now) == {"reminded": 0, "expired": 0}
    assert not Case.objects.filter(pk=old.pk).exists()
    assert Case.objects.filter(pk__in=[week.pk, fresh.pk]).count() == 2
    assert (
        InboxEntry.objects.filter(
            notification__event_code="cases.draft_expiring", user_id=applicant.pk
        ).count()
        == 1
    )


# --- pages ---------------------------------------------------------------------------------------


def test_the_pages_of_supplementation_and_supervision(submitted, offices):
    case = submitted
    task = open_task(case)
    staff = Client()
    staff.force_login(offices["officer"])
    url = reverse("cases:staff_supplement", args=[task.pk])
    assert staff.get(url).status_code == 200
    card = case.service_version.materials.get(name="本人银行卡")
    bad = staff.post(url, {"item": ["field:amount"]})
    assert bad.status_code == 400
    ok = staff.post(
        url,
        {
            "item": ["field:amount", f"material:{card.pk}"],
            "reason-field-amount": "金额有误",
            f"reason-material-{card.pk}": "照片不清晰",
        },
    )
    assert ok.status_code == 302
    applicant = Client()
    applicant.force_login(case.filed_by)
    page = applicant.get(reverse("cases:detail", args=[case.pk]))
    assert f"cases/{case.pk}/supplement/" in page.content.decode()
    form = applicant.get(reverse("cases:supplement", args=[case.pk]))
    body = form.content.decode()
    assert "金额有误" in body
    assert "照片不清晰" in body
    assert 'name="name"' not in body
    # Another citizen finds nothing.
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import factory_create

    stranger = Client()
    stranger.force_login(factory_create(UserFactory, username="stranger"))
    assert stranger.get(reverse("cases:supplement", args=[case.pk])).status_code == 404
    assert stranger.post(reverse("cases:urge", args=[case.pk])).status_code == 404
    supervisor = Client()
    supervisor.force_login(offices["supervisor"])
    assert supervisor.get(reverse("cases:supervision")).status_code == 200
    assert staff.get(reverse("cases:supervision")).status_code == 404


def test_a_branch_with_its_own_period_escalates_in_its_own_department(submitted, offices):
    """A parallel branch (another department's task) keeps its own due date and escalates to
    its own department's supervisors, not the case's."""
    case = _accepted(submitted, offices)
    task = open_task(case)
    clock = CaseClock.objects.get(task_id=task.pk)
    clock.follows_case = False
    clock.department = offices["city"]
    assert case.accepted_on is not None
    clock.starts_on = case.accepted_on
    clock.period_days = 1
    services.clocks.clock_due_compute(clock)
    clock.save()
    case_clock = CaseClock.objects.get(case=case, kind=ClockKind.DECISION)
    assert clock.due_on is not None
    late = add_working_days(working_calendar_get(), clock.due_on, 1).day
    assert services.clocks_escalate(today=late)["supervisor"] == 1
    recipients = set(
        InboxEntry.objects.filter(notification__event_code="cases.clock_escalated").values_list(
            "user_id", flat=True
        )
    )
    assert recipients == {offices["city_supervisor"].pk}
    case_clock.refresh_from_db()
    assert case_clock.escalation == EscalationLevel.NONE
    # The extension of the case leaves the branch's own due date alone.
    assert CaseClock.objects.get(pk=clock.pk).due_on == clock.due_on


def test_foreign_staff_find_nothing_and_change_nothing(
    submitted, offices, other_department_case_officer
):
    task = open_task(submitted)
    outsider = Client()
    outsider.force_login(other_department_case_officer)
    for name in ("cases:staff_supplement", "cases:staff_clock"):
        url = reverse(name, args=[task.pk])
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, {"action": "suspend", "reason": "x"}).status_code == 404
    clock = CaseClock.objects.get(task_id=task.pk)
    for action in ("urge", "reassign"):
        response = outsider.post(
            reverse("cases:supervision_act"),
            {"action": action, "id": str(clock.pk), "assignee": str(offices["officer2"].pk)},
        )
        assert response.status_code == 404
    assert outsider.get(reverse("cases:supervision")).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    assert submitted.paused_since is None
    assert not CaseUrge.objects.exists()
    assert open_task(submitted).claimed_by_id is None
