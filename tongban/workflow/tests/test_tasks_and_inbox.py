"""Claiming and completing tasks, through the services and /api/v1/tasks; foreign tasks are 404."""

from __future__ import annotations

import pytest

from tongban.audit.models import AuditEvent
from tongban.core.exceptions import NotFound
from tongban.workflow import services
from tongban.workflow.constants import TaskStatus
from tongban.workflow.exceptions import (
    OutcomeNotAllowed,
    TaskAlreadyCompleted,
    TaskClaimedBySomeoneElse,
)
from tongban.workflow.models import HumanTask
from tongban.workflow.tests.conftest import start

pytestmark = pytest.mark.django_db


def complete(task, actor, outcome):
    return services.task_complete(task_id=task.pk, actor=actor, outcome=outcome)


@pytest.fixture
def tasks(parallel_review, city):
    instance = start(parallel_review, city)
    return {task.element_id: task for task in HumanTask.objects.filter(instance=instance)}


def test_claiming_records_who_and_an_audit_event(tasks, market_officer):
    task = services.task_claim(task_id=tasks["market_review"].pk, actor=market_officer)
    assert (task.status, task.claimed_by) == (TaskStatus.CLAIMED, market_officer)
    event = AuditEvent.objects.get(object_type="workflow.task", object_id=str(task.pk))
    assert (event.actor_id, event.summary) == (market_officer.pk, {"status": "claimed"})


def test_a_task_claimed_by_someone_else_can_be_neither_claimed_nor_completed(
    tasks, market_officer, other_market_officer
):
    services.task_claim(task_id=tasks["market_review"].pk, actor=market_officer)
    with pytest.raises(TaskClaimedBySomeoneElse):
        services.task_claim(task_id=tasks["market_review"].pk, actor=other_market_officer)
    with pytest.raises(TaskClaimedBySomeoneElse):
        services.task_complete(
            task_id=tasks["market_review"].pk, actor=other_market_officer, outcome="approved"
        )
    task = HumanTask.objects.get(pk=tasks["market_review"].pk)
    assert (task.status, task.claimed_by, task.outcome) == ("claimed", market_officer, "")


def test_completing_a_task_twice_is_refused_and_changes_nothing(tasks, market_officer):
    services.task_complete(
        task_id=tasks["market_review"].pk, actor=market_officer, outcome="approved"
    )
    state = HumanTask.objects.get(pk=tasks["market_review"].pk).instance.state
    with pytest.raises(TaskAlreadyCompleted):
        services.task_complete(
            task_id=tasks["market_review"].pk, actor=market_officer, outcome="rejected"
        )
    task = HumanTask.objects.get(pk=tasks["market_review"].pk)
    assert (task.outcome, task.instance.state) == ("approved", state)


def test_another_departments_task_is_not_found(tasks, civil_officer):
    with pytest.raises(NotFound):
        services.task_complete(
            task_id=tasks["market_review"].pk, actor=civil_officer, outcome="approved"
        )
    with pytest.raises(NotFound):
        services.task_claim(task_id=tasks["market_review"].pk, actor=civil_officer)
    assert HumanTask.objects.get(pk=tasks["market_review"].pk).status == TaskStatus.OPEN


def test_a_role_the_task_does_not_name_is_not_enough(tasks, supervisor):
    # The supervisor persona works in market regulation, but the task is for case officers.
    with pytest.raises(NotFound):
        services.task_claim(task_id=tasks["market_review"].pk, actor=supervisor)


def test_an_outcome_the_task_does_not_allow_is_refused(expert_review, city):
    from tongban.workflow.tests.conftest import staff_member

    approver = staff_member("approver", city["market_regulation"], "approver")
    instance = start(expert_review, city, experts=["a"], required_approvals=1)
    task = HumanTask.objects.get(instance=instance)
    with pytest.raises(OutcomeNotAllowed):
        services.task_complete(task_id=task.pk, actor=approver, outcome="supplementation")
    assert HumanTask.objects.get(pk=task.pk).status == TaskStatus.OPEN


@pytest.mark.parametrize(
    "data", [{"__class__": 1}, {"ok": object()}, {"big": "x" * 40000}, {"1abc": 1}]
)
def test_completion_data_must_be_small_plain_json_with_plain_names(tasks, market_officer, data):
    from tongban.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        services.task_complete(
            task_id=tasks["market_review"].pk, actor=market_officer, outcome="approved", data=data
        )
    assert HumanTask.objects.get(pk=tasks["market_review"].pk).status == TaskStatus.OPEN


# --- the API ------------------------------------------------------------------------------


def test_the_inbox_lists_only_the_tasks_of_ones_departments_and_roles(
    client, tasks, market_officer, civil_officer
):
    client.force_login(market_officer)
    body = client.get("/api/v1/tasks").json()
    assert [item["element_id"] for item in body["items"]] == ["market_review"]
    assert body["next_cursor"] is None
    client.force_login(civil_officer)
    assert [item["element_id"] for item in client.get("/api/v1/tasks").json()["items"]] == [
        "civil_review"
    ]


def test_the_inbox_pages_with_a_cursor(client, parallel_review, city, market_officer):
    for number in range(3):
        services.process_start(
            definition=parallel_review,
            subject_type="test.case",
            subject_id=f"case-{number}",
            region_code=city["district"].code,
        )
    client.force_login(market_officer)
    first = client.get("/api/v1/tasks?limit=2").json()
    second = client.get(f"/api/v1/tasks?limit=2&cursor={first['next_cursor']}").json()
    subjects = [item["subject_id"] for item in first["items"] + second["items"]]
    assert subjects == ["case-0", "case-1", "case-2"]
    assert client.get("/api/v1/tasks?cursor=bm9wZQ").status_code == 400


def test_the_inbox_needs_a_signed_in_user(client):
    assert client.get("/api/v1/tasks").status_code == 401


def test_claim_and_complete_through_the_api(client, tasks, market_officer):
    client.force_login(market_officer)
    task_id = tasks["market_review"].pk
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim")
    assert (claimed.status_code, claimed.json()["claimed_by_me"]) == (200, True)
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        {"outcome": "approved", "comment": "符合条件"},
        content_type="application/json",
    )
    assert (done.status_code, done.json()["status"], done.json()["outcome"]) == (
        200,
        "completed",
        "approved",
    )
    again = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        {"outcome": "approved"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "task_already_completed")


def test_a_foreign_task_answers_404_through_the_api(client, tasks, civil_officer):
    client.force_login(civil_officer)
    task_id = tasks["market_review"].pk
    assert client.post(f"/api/v1/tasks/{task_id}/claim").status_code == 404
    response = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        {"outcome": "approved"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert client.get(f"/api/v1/tasks/{task_id}/diagram").status_code == 404
    assert HumanTask.objects.get(pk=task_id).status == TaskStatus.OPEN


def test_a_bad_completion_body_is_a_clear_error(client, tasks, market_officer):
    client.force_login(market_officer)
    response = client.post(
        f"/api/v1/tasks/{tasks['market_review'].pk}/complete",
        {"outcome": "x" * 100},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")


def test_a_completing_receiver_sees_the_decision_and_can_refuse_it_leaving_nothing_changed(
    tasks, market_officer
):
    from tongban.core.exceptions import InvalidInput

    seen: list[services.TaskCompletion] = []

    def refuse(completion: services.TaskCompletion) -> None:
        seen.append(completion)
        raise InvalidInput()

    services.task_completing.connect(refuse)
    try:
        task = tasks["market_review"]
        state = task.instance.state
        with pytest.raises(InvalidInput):
            services.task_complete(
                task_id=task.pk, actor=market_officer, outcome="rejected", comment="no"
            )
    finally:
        services.task_completing.disconnect(refuse)
    assert [(c.element_id, c.outcome, c.comment, c.actor_id) for c in seen] == [
        ("market_review", "rejected", "no", market_officer.pk)
    ]
    task.refresh_from_db()
    assert (task.status, task.outcome, task.instance.state) == ("open", "", state)
