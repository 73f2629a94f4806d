"""Running processes: parallel, inclusive and exclusive gateways, k of n, service tasks, 通办."""

from __future__ import annotations

import pytest

from tongban.core.exceptions import NoJurisdiction
from tongban.organization.constants import StandardDepartmentType
from tongban.organization.factories import DepartmentFactory, DepartmentTypeFactory, factory_create
from tongban.workflow import services
from tongban.workflow.constants import InstanceStatus, TaskStatus
from tongban.workflow.exceptions import ProcessFailed
from tongban.workflow.models import HumanTask, ProcessInstance
from tongban.workflow.tests.conftest import staff_member, start

pytestmark = pytest.mark.django_db


def complete(task, actor, outcome):
    return services.task_complete(task_id=task.pk, actor=actor, outcome=outcome)


@pytest.fixture
def finished():
    events: list[services.ProcessFinished] = []
    services.process_finished.connect(events.append)
    yield events
    services.process_finished.disconnect(events.append)


@pytest.fixture
def created():
    events: list[services.TaskEvent] = []
    services.task_created.connect(events.append)
    yield events
    services.task_created.disconnect(events.append)


def open_tasks(instance):
    return {
        task.element_id: task
        for task in HumanTask.objects.filter(instance=instance, status=TaskStatus.OPEN)
    }


def test_parallel_branches_open_tasks_in_both_departments_at_once(parallel_review, city, created):
    instance = start(parallel_review, city)
    tasks = open_tasks(instance)
    assert {key: task.department for key, task in tasks.items()} == {
        "market_review": city["market_regulation"],
        "civil_review": city["civil_affairs"],
    }
    assert [event.element_id for event in created] == ["market_review", "civil_review"]
    assert instance.subject_type == "test.case"


def test_the_process_finishes_approved_when_both_departments_approve(
    parallel_review, city, market_officer, civil_officer, finished
):
    instance = start(parallel_review, city)
    tasks = open_tasks(instance)
    services.task_complete(
        task_id=tasks["market_review"].pk, actor=market_officer, outcome="approved"
    )
    assert finished == []
    services.task_complete(
        task_id=tasks["civil_review"].pk, actor=civil_officer, outcome="approved"
    )
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == (InstanceStatus.COMPLETED, "approved")
    assert finished == [
        services.ProcessFinished(
            instance_id=instance.pk,
            subject_type="test.case",
            subject_id="case-1",
            outcome="approved",
        )
    ]


def test_the_exclusive_gateway_rejects_when_one_department_rejects(
    parallel_review, city, market_officer, civil_officer
):
    instance = start(parallel_review, city)
    tasks = open_tasks(instance)
    services.task_complete(
        task_id=tasks["market_review"].pk, actor=market_officer, outcome="rejected"
    )
    services.task_complete(
        task_id=tasks["civil_review"].pk, actor=civil_officer, outcome="approved"
    )
    instance.refresh_from_db()
    assert instance.outcome == "rejected"


def test_the_region_decides_the_department(parallel_review, city):
    district_market = factory_create(
        DepartmentFactory,
        code="LJ-SCJG",
        name="临江区市场监督管理局",
        type=factory_create(DepartmentTypeFactory, code=StandardDepartmentType.MARKET_REGULATION),
        region=city["district"],
    )
    instance = start(parallel_review, city)
    tasks = open_tasks(instance)
    # The district has its own market regulation office; civil affairs is the city's.
    assert tasks["market_review"].department == district_market
    assert tasks["civil_review"].department == city["civil_affairs"]


def test_a_region_without_the_department_starts_nothing(parallel_review, city):
    with pytest.raises(NoJurisdiction):
        services.process_start(
            definition=parallel_review,
            subject_type="test.case",
            subject_id="x",
            region_code="110101",
        )
    assert not ProcessInstance.objects.exists()
    assert not HumanTask.objects.exists()


def test_the_inclusive_gateway_opens_every_branch_whose_condition_holds(
    shop_opening, city, handler_calls
):
    instance = start(
        shop_opening, city, applicant={"credit_code": "91X", "area": 150, "serves_food": False}
    )
    assert set(open_tasks(instance)) == {"market_check", "fire_check"}
    assert handler_calls.items[0].parameters == {"credit_code": "91X"}
    assert handler_calls.items[0].region_code == city["district"].code


def test_the_inclusive_join_waits_only_for_the_branches_taken(shop_opening, city):
    officer = staff_member("health-officer", city["health"], "case_officer")
    market = staff_member("market-officer-3", city["market_regulation"], "case_officer")
    instance = start(
        shop_opening, city, applicant={"credit_code": "91X", "area": 20, "serves_food": True}
    )
    tasks = open_tasks(instance)
    assert set(tasks) == {"market_check", "health_check"}
    services.task_complete(task_id=tasks["health_check"].pk, actor=officer, outcome="approved")
    services.task_complete(task_id=tasks["market_check"].pk, actor=market, outcome="approved")
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == (InstanceStatus.COMPLETED, "approved")


def test_a_service_task_result_steers_an_exclusive_gateway(shop_opening, city):
    instance = start(
        shop_opening, city, applicant={"credit_code": "unknown", "area": 1, "serves_food": False}
    )
    assert (instance.status, instance.outcome) == (InstanceStatus.COMPLETED, "rejected")
    assert not HumanTask.objects.exists()


def test_missing_process_data_fails_the_start_and_stores_nothing(shop_opening, city):
    with pytest.raises(ProcessFailed):
        start(shop_opening, city)
    assert not ProcessInstance.objects.exists()


def test_k_of_n_approvals_complete_the_review_and_withdraw_the_other_tasks(expert_review, city):
    approver = staff_member("approver", city["market_regulation"], "approver")
    instance = start(expert_review, city, experts=["a", "b", "c", "d"], required_approvals=2)
    tasks = list(HumanTask.objects.filter(instance=instance).order_by("created_at", "id"))
    assert len(tasks) == 4
    services.task_complete(task_id=tasks[0].pk, actor=approver, outcome="approved")
    services.task_complete(task_id=tasks[1].pk, actor=approver, outcome="rejected")
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING
    services.task_complete(task_id=tasks[2].pk, actor=approver, outcome="approved")
    instance.refresh_from_db()
    assert (instance.status, instance.outcome) == (InstanceStatus.COMPLETED, "approved")
    statuses = list(
        HumanTask.objects.filter(instance=instance)
        .order_by("created_at", "id")
        .values_list("status", flat=True)
    )
    assert statuses == ["completed", "completed", "completed", "cancelled"]


def test_k_of_n_fails_when_too_few_approve(expert_review, city):
    approver = staff_member("approver", city["market_regulation"], "approver")
    instance = start(expert_review, city, experts=["a", "b"], required_approvals=2)
    for task in HumanTask.objects.filter(instance=instance):
        services.task_complete(task_id=task.pk, actor=approver, outcome="rejected")
    instance.refresh_from_db()
    assert instance.outcome == "rejected"


def test_cancelling_a_process_empties_the_inboxes(parallel_review, city):
    instance = start(parallel_review, city)
    services.process_cancel(instance_id=instance.pk, actor_id=None, reason="withdrawn")
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.CANCELLED
    assert set(HumanTask.objects.values_list("status", flat=True)) == {"cancelled"}
