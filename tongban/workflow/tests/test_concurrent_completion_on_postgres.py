"""Parallel branches finished at the same moment all count (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tongban.workflow import services
from tongban.workflow.constants import InstanceStatus, TaskStatus
from tongban.workflow.models import HumanTask, ProcessInstance
from tongban.workflow.tests.conftest import staff_member

# Each race opens about 50 connections: the races run one after another on one worker, so
# two of them never exceed the server's connection limit together.
pytestmark = pytest.mark.xdist_group("postgres-races")


BRANCHES = 50
REPETITIONS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_departments_finishing_at_once_never_lose_a_branch(expert_review, city):
    approver = staff_member("approver", city["market_regulation"], "approver")
    for repetition in range(REPETITIONS):
        instance = services.process_start(
            definition=expert_review,
            subject_type="test.case",
            subject_id=f"race-{repetition}",
            region_code=city["district"].code,
            data={"experts": [f"e{n}" for n in range(BRANCHES)], "required_approvals": BRANCHES},
        )
        tasks = list(HumanTask.objects.filter(instance=instance).values_list("pk", flat=True))
        assert len(tasks) == BRANCHES
        barrier = threading.Barrier(BRANCHES)
        errors: list[BaseException] = []

        def complete(task_id, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                services.task_complete(task_id=task_id, actor=approver, outcome="approved")
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=complete, args=(task_id,)) for task_id in tasks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        instance = ProcessInstance.objects.get(pk=instance.pk)
        assert (instance.status, instance.outcome) == (InstanceStatus.COMPLETED, "approved")
        assert (
            HumanTask.objects.filter(instance=instance, status=TaskStatus.COMPLETED).count()
            == BRANCHES
        )
        assert instance.revision == BRANCHES + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_departments_finishing_parallel_branches_at_once_both_count(
    parallel_review, city, market_officer, civil_officer
):
    for repetition in range(REPETITIONS):
        instance = services.process_start(
            definition=parallel_review,
            subject_type="test.case",
            subject_id=f"pair-{repetition}",
            region_code=city["district"].code,
        )
        tasks = {t.element_id: t.pk for t in HumanTask.objects.filter(instance=instance)}
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def complete(task_id, actor, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                services.task_complete(task_id=task_id, actor=actor, outcome="approved")
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=complete, args=(tasks["market_review"], market_officer)),
            threading.Thread(target=complete, args=(tasks["civil_review"], civil_officer)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        instance = ProcessInstance.objects.get(pk=instance.pk)
        assert (instance.status, instance.outcome) == (InstanceStatus.COMPLETED, "approved")
