"""Task completions per second, measured in-process against an in-process insert baseline.

Run by ``python -m benchmarks`` against the benchmark's PostgreSQL database, with
``benchmarks.settings``. Both loops run in one process, one transaction per operation, on the
same connection: the baseline creates one ``BenchRow`` per transaction; the scenario completes
one task of a pre-started two-branch parallel process (``parallel_review.bpmn``) per
transaction through ``workflow.services.task_complete``: locking the instance, loading and
running the engine, saving its state, the task rows and the audit record. Measured in-process
rather than over HTTP so the ratio shows the engine's cost, not the request's; the HTTP
scenarios above give the request's cost.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import django

SECONDS = 5.0
INSTANCES = 400


def main() -> None:
    django.setup()
    from benchmarks.models import BenchRow
    from tongban.accounts.factories import UserFactory
    from tongban.organization.constants import RegionLevel, StaffRole, StandardDepartmentType
    from tongban.organization.factories import (
        DepartmentFactory,
        DepartmentTypeFactory,
        RegionFactory,
        StaffPositionFactory,
        factory_create,
    )
    from tongban.workflow import services
    from tongban.workflow.models import HumanTask

    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    district = factory_create(
        RegionFactory, code="990202", name="临江区", level=RegionLevel.DISTRICT, parent=city
    )
    officer = factory_create(UserFactory, username=f"bench-{uuid.uuid4().hex[:8]}", staff=True)
    for code, kind in [
        ("B-SCJG", StandardDepartmentType.MARKET_REGULATION),
        ("B-MZ", StandardDepartmentType.CIVIL_AFFAIRS),
    ]:
        department = factory_create(
            DepartmentFactory,
            code=code,
            type=factory_create(DepartmentTypeFactory, code=kind),
            region=city,
        )
        factory_create(
            StaffPositionFactory, user=officer, department=department, role=StaffRole.CASE_OFFICER
        )
    bpmn = (
        Path(__file__).resolve().parents[1] / "tongban/workflow/tests/bpmn/parallel_review.bpmn"
    ).read_bytes()
    with services.service_handlers.override("supervision_notify", lambda call: {}):
        definition = services.process_definition_register(key="bench-review", bpmn=bpmn)
        for number in range(INSTANCES):
            services.process_start(
                definition=definition,
                subject_type="bench.case",
                subject_id=str(number),
                region_code=district.code,
            )
        task_ids = list(
            HumanTask.objects.filter(status="open")
            .order_by("created_at")
            .values_list("pk", flat=True)
        )

        inserts = 0
        started = time.perf_counter()
        while time.perf_counter() - started < SECONDS:
            BenchRow.objects.create(key=uuid.uuid4().hex, value="inserted")
            inserts += 1
        insert_rate = inserts / (time.perf_counter() - started)

        completions = 0
        started = time.perf_counter()
        for task_id in task_ids:
            services.task_complete(task_id=task_id, actor=officer, outcome="approved")
            completions += 1
            if time.perf_counter() - started >= SECONDS:
                break
        completion_rate = completions / (time.perf_counter() - started)
    print(
        f"| workflow: complete a task (in-process) | {completion_rate:,.0f}/s | "
        f"insert one row (in-process) {insert_rate:,.0f}/s | "
        f"ratio {completion_rate / insert_rate:.2f} | {completions} completions |"
    )


if __name__ == "__main__":
    main()
