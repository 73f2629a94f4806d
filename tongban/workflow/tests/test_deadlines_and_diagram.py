"""Task deadlines in working days, the periodic check, boundary timers, and the SVG diagram."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import CHINA, add_working_days, local_date
from tongban.workflow import selectors, services
from tongban.workflow.models import HumanTask
from tongban.workflow.tests.conftest import start

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices():
    events: dict[str, list[services.TaskEvent]] = {"soon": [], "overdue": []}
    services.task_due_soon.connect(events["soon"].append)
    services.task_overdue.connect(events["overdue"].append)
    yield events
    services.task_due_soon.disconnect(events["soon"].append)
    services.task_overdue.disconnect(events["overdue"].append)


def test_a_boundary_timer_of_five_days_is_five_working_days(parallel_review, city):
    instance = start(parallel_review, city)
    task = HumanTask.objects.get(instance=instance, element_id="market_review")
    expected = add_working_days(working_calendar_get(), local_date(task.created_at), 5)
    assert task.due_date == expected.day
    assert task.due_at == dt.datetime.combine(
        expected.day + dt.timedelta(days=1), dt.time(), tzinfo=CHINA
    )
    assert HumanTask.objects.get(instance=instance, element_id="civil_review").due_at is None
    instance.refresh_from_db()
    assert instance.next_timer_at == task.due_at


def test_the_check_tells_of_due_soon_and_overdue_tasks_once(parallel_review, city, notices):
    instance = start(parallel_review, city)
    task = HumanTask.objects.get(instance=instance, element_id="market_review")
    assert task.due_date is not None
    assert task.due_at is not None
    day_before = dt.datetime.combine(task.due_date, dt.time(9), tzinfo=CHINA)
    services.task_deadlines_check(now=day_before)
    services.task_deadlines_check(now=day_before)
    assert [event.task_id for event in notices["soon"]] == [task.pk]
    assert notices["overdue"] == []
    services.task_deadlines_check(now=task.due_at + dt.timedelta(minutes=1))
    services.task_deadlines_check(now=task.due_at + dt.timedelta(minutes=2))
    assert [event.task_id for event in notices["overdue"]] == [task.pk]


def test_an_overdue_task_fires_its_timer_and_the_escalation_runs(
    parallel_review, city, handler_calls
):
    instance = start(parallel_review, city)
    task = HumanTask.objects.get(instance=instance, element_id="market_review")
    assert task.due_at is not None
    report = services.task_deadlines_check(now=task.due_at - dt.timedelta(minutes=1))
    assert (report["timers_fired"], handler_calls.items) == (0, [])
    report = services.task_deadlines_check(now=task.due_at + dt.timedelta(minutes=1))
    assert report["timers_fired"] == 1
    assert [call.element_id for call in handler_calls.items] == ["escalate"]
    assert handler_calls.items[0].parameters == {"reason": "overdue"}
    # Non-interrupting: the officer can still decide.
    assert HumanTask.objects.get(pk=task.pk).status == "open"
    instance.refresh_from_db()
    assert instance.next_timer_at is None
    assert (
        services.task_deadlines_check(now=timezone.now() + dt.timedelta(days=99))["timers_fired"]
        == 0
    )


def test_the_periodic_task_is_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["workflow-task-deadlines-check"]
    assert schedule["task"] == "tongban.workflow.tasks.task_deadlines_check"


def test_the_diagram_marks_done_active_and_pending_elements(parallel_review, city, market_officer):
    instance = start(parallel_review, city)
    market = HumanTask.objects.get(instance=instance, element_id="market_review")
    services.task_complete(task_id=market.pk, actor=market_officer, outcome="approved")
    instance.refresh_from_db()
    svg = selectors.process_diagram_svg(instance=instance)
    assert svg.startswith("<svg")
    assert 'data-element="market_review" data-state="done"' in svg
    assert 'data-element="civil_review" data-state="active"' in svg
    assert 'data-element="approved" data-state="pending"' in svg
    # Drawn at the file's own coordinates, text escaped.
    assert 'x="330.0" y="340.0" width="120.0" height="80.0"' in svg
    assert "Review the name &amp; address" in svg
    assert "<script" not in svg


def test_the_diagram_escapes_hostile_names(city):
    from tongban.workflow.tests.conftest import bpmn_of

    bpmn = bpmn_of("multi_instance.bpmn").replace(
        b'name="Expert review"', b'name="&lt;script&gt;alert(1)&lt;/script&gt;"'
    )
    definition = services.process_definition_register(key="hostile", bpmn=bpmn)
    instance = start(definition, city, experts=["a"], required_approvals=1)
    svg = selectors.process_diagram_svg(instance=instance)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_staff_get_the_diagram_of_their_task_as_svg(client, parallel_review, city, market_officer):
    instance = start(parallel_review, city)
    task = HumanTask.objects.get(instance=instance, element_id="market_review")
    client.force_login(market_officer)
    response = client.get(f"/api/v1/tasks/{task.pk}/diagram")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b'data-element="market_review" data-state="active"' in response.content
