"""Life-event bundle submissions per second, in-process, as a ratio to bare inserts.

Run by ``python -m benchmarks`` against the benchmark's PostgreSQL database, with
``benchmarks.settings``. One process, one transaction per operation, on one connection: each
operation is ``bundle_submit`` of the "starting a business" bundle (the combined form split
onto five services, one set of materials checked and stored once, five child cases each
numbered with its process started in its own department, the parent numbered, timeline,
audit, notifications), against inserting one ``BenchRow`` in the same run.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

import django

SECONDS = 5.0


def _rate(count: int, started: float) -> float:
    return count / (time.perf_counter() - started)


def main() -> None:
    django.setup()
    from benchmarks.models import BenchRow
    from tongban.accounts.constants import RealNameLevel
    from tongban.accounts.factories import UserFactory
    from tongban.accounts.selectors import ActorContext
    from tongban.cases import services
    from tongban.cases.services.bundles import bundle_plan, bundle_submit
    from tongban.cases.tests.bundle_data import (
        ANSWERS,
        START_BUSINESS,
        business_bundle_load,
        departments_ensure,
        uploads_for,
    )
    from tongban.organization.constants import RegionLevel
    from tongban.organization.factories import RegionFactory, factory_create

    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    departments_ensure(city)
    business_bundle_load(Path(tempfile.mkdtemp()))
    plan = bundle_plan(code=START_BUSINESS)
    branches = len(plan.members)
    uploads = uploads_for(plan)
    user = factory_create(
        UserFactory,
        username=f"bench-{uuid.uuid4().hex[:8]}",
        real_name_level=RealNameLevel.L2,
        mobile_verified=True,
        region_code=city.code,
    )
    actor = ActorContext.for_self(user)
    version = services.commitment_current().version

    inserts = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        BenchRow.objects.create(key=uuid.uuid4().hex, value="inserted")
        inserts += 1
    insert_rate = _rate(inserts, started)

    submitted = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        bundle_submit(
            code=START_BUSINESS,
            actor=actor,
            real_name_level=2,
            authentication_strength=3,
            answers=ANSWERS,
            uploads=uploads,
            region_code=city.code,
            idempotency_key=uuid.uuid4().hex,
            commitment_version=version,
            confirmed=True,
        )
        submitted += 1
    bundle_rate = _rate(submitted, started)

    print(
        f"| cases: submit a bundle ({branches} departments at once) | {bundle_rate:,.1f}/s | "
        f"insert one row {insert_rate:,.0f}/s | ratio {bundle_rate / insert_rate:.4f} |"
    )


if __name__ == "__main__":
    main()
