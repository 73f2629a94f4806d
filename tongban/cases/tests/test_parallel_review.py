"""Parallel review (串联改并联) of one case: each department its branch, its fields and its
clock; the join; a refusal that ends the other branches; k of n; the critical path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.cases import inbox, services
from tongban.cases.constants import CaseEventKind, CaseStatus, ClockKind, NoticeKind
from tongban.cases.exceptions import BranchCancelled, CaseNotFound, ReasonsMissing
from tongban.cases.models import Case, CaseClock, CaseEvent, CaseNotice
from tongban.cases.tests.conftest import draft_complete, submit
from tongban.catalog.models import ServiceItem
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import add_working_days, local_date
from tongban.workflow.constants import InstanceStatus, TaskStatus
from tongban.workflow.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db

BPMN_DIRECTORY = Path(__file__).parent / "bpmn"


def staff(username: str, department: Any, role: str) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user: User = factory_create(UserFactory, username=username, staff=True)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


def process_use(item: ServiceItem, file_name: str) -> None:
    version = item.published_version
    assert version is not None
    version.process_bpmn = (BPMN_DIRECTORY / file_name).read_text(encoding="utf-8")
    version.save(update_fields=["process_bpmn"])


@pytest.fixture
def people(persona_departments: dict[str, Any]) -> dict[str, User]:
    market, civil = persona_departments["market_regulation"], persona_departments["civil_affairs"]
    return {
        "clerk": staff("p-clerk", market, "clerk"),
        "market": staff("p-market-officer", market, "case_officer"),
        "civil": staff("p-civil-officer", civil, "case_officer"),
        "approver": staff("p-approver", market, "approver"),
    }


@pytest.fixture
def accepted(sole_proprietor: ServiceItem, applicant: User, people: dict[str, User]) -> Case:
    process_use(sole_proprietor, "parallel_branches.bpmn")
    case = submit(draft_complete(sole_proprietor, applicant), applicant)
    accept = HumanTask.objects.get(instance=case.process_instance, element_id="accept")
    services.case_task_complete(task_id=accept.pk, actor=people["clerk"], outcome="approved")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    return case


def branch(case: Case, element_id: str) -> HumanTask:
    return HumanTask.objects.get(instance=case.process_instance, element_id=element_id)


def test_each_branch_goes_to_its_department_with_its_own_clock(accepted, persona_departments):
    market, civil = branch(accepted, "market_review"), branch(accepted, "civil_review")
    assert market.department == persona_departments["market_regulation"]
    assert civil.department == persona_departments["civil_affairs"]
    today = local_date(accepted.accepted_at)
    calendar = working_calendar_get()
    clocks = {c.task_id: c for c in CaseClock.objects.filter(case=accepted, kind=ClockKind.TASK)}
    assert clocks[market.pk].due_on == add_working_days(calendar, today, 3).day
    assert clocks[civil.pk].due_on == add_working_days(calendar, today, 5).day
    assert clocks[civil.pk].department == persona_departments["civil_affairs"]


def test_the_case_is_due_at_the_end_of_its_critical_path(accepted):
    # Branches of 3 and 5 working days in parallel, then a decision of 2: 7, not 10.
    expected = add_working_days(working_calendar_get(), accepted.accepted_on, 7).day
    assert accepted.decision_due == expected
    clock = CaseClock.objects.get(case=accepted, kind=ClockKind.DECISION)
    assert clock.due_on == expected


def test_the_join_waits_for_every_branch(accepted, people):
    services.case_task_complete(
        task_id=branch(accepted, "market_review").pk, actor=people["market"], outcome="approved"
    )
    assert not HumanTask.objects.filter(instance=accepted.process_instance, element_id="decide")
    services.case_task_complete(
        task_id=branch(accepted, "civil_review").pk, actor=people["civil"], outcome="approved"
    )
    decide = branch(accepted, "decide")
    assert decide.status == TaskStatus.OPEN
    parts = CaseEvent.objects.filter(case=accepted, kind=CaseEventKind.BRANCH_COMPLETED)
    assert sorted(str(event.department) for event in parts) == [
        "海川市市场监督管理局",
        "海川市民政局",
    ]
    assert all(event.visible_to_applicant for event in parts)
    services.case_task_complete(task_id=decide.pk, actor=people["approver"], outcome="approved")
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.APPROVED


def test_a_refused_branch_rejects_the_case_and_ends_the_others_with_the_reason(
    accepted, people, persona_departments
):
    civil = branch(accepted, "civil_review")
    services.case_task_complete(
        task_id=civil.pk,
        actor=people["civil"],
        outcome="rejected",
        reasons="经营场所为住宅，不得用于经营。",
        legal_basis="《市场主体登记管理条例》第十一条",
    )
    accepted.refresh_from_db()
    assert accepted.status == CaseStatus.REJECTED
    assert accepted.decision_reason == "经营场所为住宅，不得用于经营。"
    market = branch(accepted, "market_review")
    assert market.status == TaskStatus.CANCELLED
    assert accepted.process_instance.status == InstanceStatus.COMPLETED
    assert ProcessInstance.objects.get(pk=accepted.process_instance_id).outcome == "rejected"
    ended = CaseEvent.objects.get(case=accepted, kind=CaseEventKind.BRANCH_CANCELLED)
    assert ended.department == persona_departments["market_regulation"]
    assert ended.note == "海川市民政局：经营场所为住宅，不得用于经营。"
    notice = CaseNotice.objects.get(case=accepted, kind=NoticeKind.REFUSAL)
    assert notice.department == persona_departments["civil_affairs"]
    assert not CaseClock.objects.filter(case=accepted, closed_on=None).exists()
    # The market regulator's branch can no longer be completed, and says why.
    with pytest.raises(BranchCancelled) as raised:
        services.case_task_complete(task_id=market.pk, actor=people["market"], outcome="approved")
    assert raised.value.code == "branch_cancelled"
    assert "经营场所为住宅" in str(raised.value)
    market.refresh_from_db()
    assert market.status == TaskStatus.CANCELLED


def test_a_branch_refusal_needs_reasons_and_legal_basis(accepted, people):
    civil = branch(accepted, "civil_review")
    with pytest.raises(ReasonsMissing) as raised:
        services.case_task_complete(task_id=civil.pk, actor=people["civil"], outcome="rejected")
    assert set(raised.value.errors) == {"reasons", "legal_basis"}
    civil.refresh_from_db()
    accepted.refresh_from_db()
    assert (civil.status, accepted.status) == (TaskStatus.OPEN, CaseStatus.ACCEPTED)


def test_each_department_sees_only_its_branch(accepted, people, client):
    market, civil = branch(accepted, "market_review"), branch(accepted, "civil_review")
    view = inbox.staff_case_view(user=people["civil"], task_id=civil.pk)
    assert [shown.key for shown in view.fields] == ["premises"]
    assert [row.material.name for row in view.materials] == ["经营场所使用相关文件"]
    view = inbox.staff_case_view(user=people["market"], task_id=market.pk)
    assert [shown.key for shown in view.fields] == ["business_scope"]
    assert view.materials == []
    # The other department's branch is not found, and nothing changes.
    with pytest.raises(CaseNotFound):
        inbox.staff_case_view(user=people["market"], task_id=civil.pk)
    client.force_login(people["market"])
    for name in ("cases:staff_task", "cases:staff_decide"):
        method = client.post if name.endswith("decide") else client.get
        response = method(reverse(name, args=[civil.pk]), {"outcome": "approved"})
        assert response.status_code == 404
    civil.refresh_from_db()
    assert civil.status == TaskStatus.OPEN
    assert not CaseEvent.objects.filter(case=accepted, kind=CaseEventKind.BRANCH_COMPLETED)
    client.force_login(people["civil"])
    response = client.post(reverse("cases:staff_decide", args=[market.pk]), {"outcome": "approved"})
    assert response.status_code == 404
    market.refresh_from_db()
    assert market.status == TaskStatus.OPEN


def test_k_of_n_reviewers_are_enough(sole_proprietor, applicant, persona_departments, people):
    process_use(sole_proprietor, "k_of_n_review.bpmn")
    reviewers = [
        staff(f"reviewer-{n}", persona_departments["civil_affairs"], "approver") for n in range(3)
    ]
    case = submit(draft_complete(sole_proprietor, applicant), applicant)
    accept = branch(case, "accept")
    services.case_task_complete(task_id=accept.pk, actor=people["clerk"], outcome="approved")
    tasks = list(
        HumanTask.objects.filter(instance=case.process_instance, element_id="expert_review")
    )
    assert len(tasks) == 3
    for task, reviewer in zip(tasks[:2], reviewers, strict=False):
        services.case_task_complete(task_id=task.pk, actor=reviewer, outcome="approved")
    tasks[2].refresh_from_db()
    assert tasks[2].status == TaskStatus.CANCELLED
    decide = branch(case, "decide")
    services.case_task_complete(task_id=decide.pk, actor=people["approver"], outcome="approved")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.BRANCH_COMPLETED).count() == 2


def test_a_late_branch_escalates_in_its_own_department(accepted, people, persona_departments):
    from tongban.cases.services import clocks_escalate
    from tongban.notifications.models import Recipient as InboxEntry

    civil_supervisor = staff(
        "p-civil-supervisor", persona_departments["civil_affairs"], "supervisor"
    )
    market_supervisor = staff(
        "p-market-supervisor", persona_departments["market_regulation"], "supervisor"
    )
    civil = branch(accepted, "civil_review")
    clock = CaseClock.objects.get(task_id=civil.pk)
    assert clock.due_on is not None
    # The market branch is done on time; the civil affairs branch runs late.
    services.case_task_complete(
        task_id=branch(accepted, "market_review").pk, actor=people["market"], outcome="approved"
    )
    late = add_working_days(working_calendar_get(), clock.due_on, 1).day
    assert clocks_escalate(today=late)["supervisor"] == 1
    escalated = InboxEntry.objects.filter(notification__event_code="cases.clock_escalated")
    assert list(escalated.values_list("user_id", flat=True)) == [civil_supervisor.pk]
    assert market_supervisor.pk not in set(escalated.values_list("user_id", flat=True))


def test_each_department_keeps_its_internal_comments_to_itself(accepted, people):
    market, civil = branch(accepted, "market_review"), branch(accepted, "civil_review")
    services.case_comment_add(
        case=accepted, actor=people["civil"], department=civil.department, text="民政内部意见"
    )
    services.case_comment_add(
        case=accepted, actor=people["market"], department=market.department, text="市场内部意见"
    )

    def comments(user: User, task: HumanTask) -> list[str]:
        view = inbox.staff_case_view(user=user, task_id=task.pk)
        return [event.note for event in view.events if event.kind == CaseEventKind.COMMENT]

    assert comments(people["civil"], civil) == ["民政内部意见"]
    assert comments(people["market"], market) == ["市场内部意见"]
