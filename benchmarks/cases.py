"""Applications per second, in-process, as ratios to bare inserts and keyed reads.

Run by ``python -m benchmarks`` against the benchmark's PostgreSQL database, with
``benchmarks.settings``. One process, one transaction per operation, on one connection:

* draft creation (``case_draft_create``: prefill from the identity and the population
  registry, held documents attached, timeline entry, audit record) against inserting one
  ``BenchRow``;
* submission (``case_submit`` of a complete draft: locks, per-region-per-day number, the
  process started, timeline, audit, notification) against inserting one ``BenchRow``;
* "my case" (``case_get_for_applicant`` + the citizen-visible timeline + the clocks: what
  the case page and ``GET /cases/{id}`` read) against reading one ``BenchRow`` by key.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import django

SECONDS = 5.0
SOLE_PROPRIETOR = "00013112800001"
ANSWERS = {
    "premises": "海川市临江区滨江街道滨江路1号101室",
    "postal_code": "310000",
    "e_commerce": "否",
    "capital": 10,
    "business_scope": "日用百货零售",
    "composition": "个人经营",
}
LEASE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _rate(count: int, started: float) -> float:
    return count / (time.perf_counter() - started)


def main() -> None:
    django.setup()
    from benchmarks.models import BenchRow
    from tongban.accounts.constants import RealNameLevel
    from tongban.accounts.factories import UserFactory
    from tongban.accounts.selectors import ActorContext
    from tongban.cases import selectors, services
    from tongban.catalog.models import ServiceItem
    from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
    from tongban.certificates.services import certificate_types_ensure
    from tongban.organization.constants import RegionLevel, StandardDepartmentType
    from tongban.organization.factories import DepartmentFactory, RegionFactory, factory_create
    from tongban.organization.models import Department, DepartmentType
    from tongban.registries.factories import DemoResidentFactory, DemoResidentIdCardFactory

    for kind in StandardDepartmentType:
        DepartmentType.objects.get_or_create(code=kind.value, defaults={"name": str(kind.label)})
    city = factory_create(RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY)
    market_type = DepartmentType.objects.get(code=StandardDepartmentType.MARKET_REGULATION)
    # An earlier scenario of the same run may have made the city's market regulation already.
    if not Department.objects.filter(type=market_type, region=city).exists():
        factory_create(DepartmentFactory, code="B-SCJG-CASES", type=market_type, region=city)
    certificate_types_ensure()
    directory = Path(tempfile.mkdtemp())
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (directory / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] == SOLE_PROPRIETOR])
    )
    (directory / "bundles.json").write_text("[]")
    shutil.copytree(DEMO_DIRECTORY / "processes", directory / "processes")
    demo_catalog_load(directory=directory)
    item = ServiceItem.objects.select_related("published_version").get(code=SOLE_PROPRIETOR)
    resident = factory_create(DemoResidentFactory)
    factory_create(DemoResidentIdCardFactory, resident=resident)
    user = factory_create(
        UserFactory,
        username=f"bench-{uuid.uuid4().hex[:8]}",
        real_name=resident.name,
        resident_id_number=resident.id_number,
        real_name_level=RealNameLevel.L2,
        mobile_verified=True,
        region_code=city.code,
    )
    actor = ActorContext.for_self(user)
    premises = item.published_version.materials.get(name="经营场所使用相关文件")  # type: ignore[union-attr]
    version = services.commitment_current().version

    def draft() -> uuid.UUID:
        return services.case_draft_create(
            item=item, actor=actor, real_name_level=2, authentication_strength=3
        ).pk

    inserts = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        BenchRow.objects.create(key=uuid.uuid4().hex, value="inserted")
        inserts += 1
    insert_rate = _rate(inserts, started)

    drafts: list[uuid.UUID] = []
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        drafts.append(draft())
    draft_rate = _rate(len(drafts), started)

    for case_id in drafts:
        services.case_draft_update(case_id=case_id, actor_id=user.pk, answers=ANSWERS)
        services.case_material_upload(
            case_id=case_id, actor_id=user.pk, material_id=premises.pk, name="l.pdf", data=LEASE
        )
    submitted: list[uuid.UUID] = []
    started = time.perf_counter()
    for case_id in drafts:
        services.case_submit(
            case_id=case_id,
            actor_id=user.pk,
            idempotency_key=uuid.uuid4().hex,
            commitment_version=version,
            confirmed=True,
        )
        submitted.append(case_id)
        if time.perf_counter() - started >= SECONDS:
            break
    submit_rate = _rate(len(submitted), started)

    keys = list(BenchRow.objects.values_list("key", flat=True)[:1000])
    reads = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        BenchRow.objects.get(key=keys[reads % len(keys)])
        reads += 1
    read_rate = _rate(reads, started)

    views = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        case = selectors.case_get_for_applicant(
            user=user, case_id=submitted[views % len(submitted)]
        )
        selectors.case_events_for_applicant(case=case)
        selectors.case_clocks(case=case)
        views += 1
    view_rate = _rate(views, started)

    print(
        f"| cases: create a prefilled draft (in-process) | {draft_rate:,.0f}/s | "
        f"insert one row {insert_rate:,.0f}/s | ratio {draft_rate / insert_rate:.3f} |"
    )
    print(
        f"| cases: submit (number, process, notification) | {submit_rate:,.0f}/s | "
        f"insert one row {insert_rate:,.0f}/s | ratio {submit_rate / insert_rate:.3f} |"
    )
    print(
        f'| cases: read "my case" (case, timeline, clocks) | {view_rate:,.0f}/s | '
        f"read one row by key {read_rate:,.0f}/s | ratio {view_rate / read_rate:.3f} |"
    )


if __name__ == "__main__":
    main()
