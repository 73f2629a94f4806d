"""Branches finished at the same instant never lose one (PostgreSQL row locks; skipped on
SQLite): fifty departments' parts of one case, and every department of a bundle deciding
its child at once while the parent joins."""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from tongban.accounts.selectors import ActorContext
from tongban.cases import services
from tongban.cases.constants import CaseEventKind, CaseStatus
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services.bundles import bundle_plan, bundle_submit
from tongban.cases.tests.bundle_data import (
    ANSWERS,
    START_BUSINESS,
    business_bundle_load,
    departments_ensure,
    uploads_for,
)
from tongban.cases.tests.conftest import applicant_prepare, draft_complete, sole_proprietor_load
from tongban.cases.tests.test_parallel_review import staff
from tongban.workflow.constants import TaskStatus
from tongban.workflow.models import HumanTask

# Each race opens about 50 connections: the races run one after another on one worker, so
# two of them never exceed the server's connection limit together.
pytestmark = pytest.mark.xdist_group("postgres-races")


BRANCHES = 50
REPETITIONS = 3
BPMN = Path(__file__).parent / "bpmn" / "k_of_n_review.bpmn"


def at_once(calls: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_branches_of_one_case_finishing_at_once_all_count(
    persona_departments, citizen, tmp_path
):
    item = sole_proprietor_load(tmp_path)
    version = item.published_version
    assert version is not None
    bpmn = BPMN.read_text(encoding="utf-8")
    version.process_bpmn = bpmn.replace(
        "<bpmn:loopCardinality>3<", f"<bpmn:loopCardinality>{BRANCHES}<"
    ).replace("&gt;= 2<", f"&gt;= {BRANCHES}<")
    version.save(update_fields=["process_bpmn"])
    applicant = applicant_prepare(citizen)
    clerk = staff("race-clerk", persona_departments["market_regulation"], "clerk")
    reviewer = staff("race-reviewer", persona_departments["civil_affairs"], "approver")
    for _repetition in range(REPETITIONS):
        case = services.case_submit(
            case_id=draft_complete(item, applicant).pk,
            actor_id=applicant.pk,
            idempotency_key=str(uuid.uuid4()),
            commitment_version=services.commitment_current().version,
            confirmed=True,
        )
        accept = HumanTask.objects.get(instance=case.process_instance, element_id="accept")
        services.case_task_complete(task_id=accept.pk, actor=clerk, outcome="approved")
        tasks = list(
            HumanTask.objects.filter(
                instance=case.process_instance, element_id="expert_review"
            ).values_list("pk", flat=True)
        )
        assert len(tasks) == BRANCHES
        errors = at_once(
            [
                functools.partial(
                    services.case_task_complete,
                    task_id=task_id,
                    actor=reviewer,
                    outcome="approved",
                )
                for task_id in tasks
            ]
        )
        assert errors == []
        assert (
            HumanTask.objects.filter(pk__in=tasks, status=TaskStatus.COMPLETED).count() == BRANCHES
        )
        parts = CaseEvent.objects.filter(case=case, kind=CaseEventKind.BRANCH_COMPLETED)
        assert parts.count() == BRANCHES
        # The join fired once: one decision task, open.
        decide = HumanTask.objects.get(instance=case.process_instance, element_id="decide")
        assert decide.status == TaskStatus.OPEN
        assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_department_of_a_bundle_deciding_at_once_joins_the_parent_once(
    persona_departments, citizen, tmp_path
):
    departments = departments_ensure(persona_departments["city"])
    business_bundle_load(tmp_path)
    applicant = applicant_prepare(citizen)
    people = {
        (department.pk, role): staff(f"race-{department.code}-{role}", department, role)
        for department in departments.values()
        for role in ("clerk", "case_officer", "approver")
    }
    plan = bundle_plan(code=START_BUSINESS)
    for _repetition in range(REPETITIONS):
        parent = bundle_submit(
            code=START_BUSINESS,
            actor=ActorContext.for_self(applicant),
            real_name_level=applicant.real_name_level,
            authentication_strength=3,
            answers=ANSWERS,
            uploads=uploads_for(plan),
            region_code=persona_departments["district"].code,
            idempotency_key=str(uuid.uuid4()),
            commitment_version=services.commitment_current().version,
            confirmed=True,
        )
        children = list(Case.objects.filter(parent=parent))
        # Every step but the last, one after the other.
        last: list[HumanTask] = []
        for child in children:
            while True:
                task = HumanTask.objects.get(
                    instance=child.process_instance, status=TaskStatus.OPEN
                )
                if task.element_id in ("decide", "approve"):
                    last.append(task)
                    break
                services.case_task_complete(
                    task_id=task.pk,
                    actor=people[(task.department_id, task.role)],
                    outcome="approved",
                )
        errors = at_once(
            [
                functools.partial(
                    services.case_task_complete,
                    task_id=task.pk,
                    actor=people[(task.department_id, task.role)],
                    outcome="approved",
                )
                for task in last
            ]
        )
        assert errors == []
        parent.refresh_from_db()
        assert parent.status == CaseStatus.APPROVED
        assert set(Case.objects.filter(parent=parent).values_list("status", flat=True)) == {
            CaseStatus.APPROVED
        }
        assert CaseEvent.objects.filter(
            case=parent, kind=CaseEventKind.BRANCH_COMPLETED
        ).count() == len(children)
        assert CaseEvent.objects.filter(case=parent, kind=CaseEventKind.APPROVED).count() == 1
