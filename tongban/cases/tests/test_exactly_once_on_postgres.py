"""Fifty submits of one draft with one Idempotency-Key at the same moment make one case
(PostgreSQL row locks; skipped on SQLite, which has one writer anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tongban.cases import services
from tongban.cases.constants import CaseEventKind, CaseStatus
from tongban.cases.models import Case, CaseEvent, CaseNumberSequence, SubmissionKey
from tongban.cases.tests.conftest import applicant_prepare, draft_complete, sole_proprietor_load
from tongban.notifications.models import Notification
from tongban.workflow.models import ProcessInstance

# Each race opens about 50 connections: the races run one after another on one worker, so
# two of them never exceed the server's connection limit together.
pytestmark = pytest.mark.xdist_group("postgres-races")


THREADS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submits_with_one_key_make_one_case(
    persona_departments, citizen, tmp_path
):
    item = sole_proprietor_load(tmp_path)
    applicant = applicant_prepare(citizen)
    case = draft_complete(item, applicant)
    version = services.commitment_current().version
    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            submitted = services.case_submit(
                case_id=case.pk,
                actor_id=applicant.pk,
                idempotency_key="one-key",
                commitment_version=version,
                confirmed=True,
            )
            numbers.append(submitted.number)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == THREADS
    assert len(set(numbers)) == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == CaseStatus.SUBMITTED
    assert stored.number == numbers[0]
    assert ProcessInstance.objects.filter(subject_id=str(case.pk)).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBMITTED).count() == 1
    assert SubmissionKey.objects.filter(case=case).count() == 1
    assert CaseNumberSequence.objects.get().last == 1
    assert Notification.objects.filter(dedupe_key=f"cases.submitted:{case.pk}").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_different_drafts_get_consecutive_numbers(
    persona_departments, citizen, tmp_path
):
    item = sole_proprietor_load(tmp_path)
    applicant = applicant_prepare(citizen)
    drafts = [draft_complete(item, applicant) for _ in range(10)]
    version = services.commitment_current().version
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def submit(case_id, key) -> None:
        try:
            barrier.wait()
            services.case_submit(
                case_id=case_id,
                actor_id=applicant.pk,
                idempotency_key=key,
                commitment_version=version,
                confirmed=True,
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(case.pk, f"key-{index}"))
        for index, case in enumerate(drafts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    suffixes = sorted(int(number[-6:]) for number in Case.objects.values_list("number", flat=True))
    assert suffixes == list(range(1, 11))
