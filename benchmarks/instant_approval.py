"""Instant approval (秒批): from submit to the e-business licence with no person, in-process.

Run by ``python -m benchmarks.instant_approval`` against a migrated PostgreSQL database (the
settings module and ``DATABASE_URL`` from the environment). One process, one connection.
For each clean sole-proprietor registration it times the whole chain that the submission's
commit sets off — ``case_submit``, then ``case_rules_apply`` (the rules over the answers and
the population registry, the three tasks completed, two notices, the approval) and
``case_certificate_issue`` (the signed licence into the wallet) — and reports p50 and p95
against the same run's ``case_submit`` of a registration that fails a rule and waits for a
person.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import django

CASES = int(os.environ.get("BENCH_INSTANT_CASES", "30"))
SOLE_PROPRIETOR = "00013112800001"
LEASE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    django.setup()
    from stdnum.cn import uscc

    from tongban.accounts.constants import RealNameLevel
    from tongban.accounts.factories import UserFactory
    from tongban.accounts.selectors import ActorContext
    from tongban.cases import services
    from tongban.cases.constants import CaseStatus
    from tongban.catalog.models import ServiceItem
    from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
    from tongban.certificates.services import certificate_types_ensure, issuer_register
    from tongban.organization.constants import RegionLevel, StandardDepartmentType
    from tongban.organization.factories import DepartmentFactory, RegionFactory, factory_create
    from tongban.organization.models import Department, DepartmentType, Region
    from tongban.registries.factories import (
        DemoHouseholdFactory,
        DemoResidentFactory,
        DemoResidentIdCardFactory,
    )

    for kind in StandardDepartmentType:
        DepartmentType.objects.get_or_create(code=kind.value, defaults={"name": str(kind.label)})
    city = Region.objects.filter(code="990200").first() or factory_create(
        RegionFactory, code="990200", name="海川市", level=RegionLevel.CITY
    )
    market_type = DepartmentType.objects.get(code=StandardDepartmentType.MARKET_REGULATION)
    market = Department.objects.filter(type=market_type, region=city).first()
    if market is None:
        market = factory_create(
            DepartmentFactory, code=f"B-SCJG-{uuid.uuid4().hex[:6]}", type=market_type, region=city
        )
        body = "11990200MB0000001"
        issuer_register(
            department=market, credit_code=body + uscc.calc_check_digit(body), actor=None
        )
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
    premises = item.published_version.materials.get(name="经营场所使用相关文件")  # type: ignore[union-attr]
    commitment = services.commitment_current().version

    born = itertools.count()

    def applicant() -> tuple[Any, str]:
        # Household numbers and ID numbers unique in a database that earlier scenarios of the
        # same run have filled from the same factories.
        household = factory_create(
            DemoHouseholdFactory, number=f"IA{uuid.uuid4().int % 10**10:010d}"
        )
        resident = factory_create(
            DemoResidentFactory,
            household=household,
            birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=next(born)),
        )
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
        return user, str(resident.household.address)

    def draft(user: Any, premises_text: str) -> uuid.UUID:
        case = services.case_draft_create(
            item=item,
            actor=ActorContext.for_self(user),
            real_name_level=2,
            authentication_strength=3,
        )
        answers = {
            "premises": premises_text,
            "postal_code": "310000",
            "e_commerce": "否",
            "capital": 10,
            "business_scope": "日用百货零售",
            "composition": "个人经营",
        }
        services.case_draft_update(case_id=case.pk, actor_id=user.pk, answers=answers)
        services.case_material_upload(
            case_id=case.pk,
            actor_id=user.pk,
            material_id=premises.pk,
            name="l.pdf",
            data=LEASE,
        )
        return case.pk

    def submit(user: Any, case_id: uuid.UUID) -> None:
        services.case_submit(
            case_id=case_id,
            actor_id=user.pk,
            idempotency_key=uuid.uuid4().hex,
            commitment_version=commitment,
            confirmed=True,
        )

    instant: list[float] = []
    manual: list[float] = []
    for _round in range(CASES):
        user, home = applicant()
        clean = draft(user, home)
        started = time.perf_counter()
        submit(user, clean)
        services.case_rules_apply(case_id=clean)
        case = services.case_certificate_issue(case_id=clean)
        instant.append(time.perf_counter() - started)
        assert case is not None
        assert case.status == CaseStatus.APPROVED, case.status
        assert case.certificate_id is not None
        assert case.decided_automatically

        shop = draft(user, home + "临街商铺")
        started = time.perf_counter()
        submit(user, shop)
        manual.append(time.perf_counter() - started)

    p50, p95 = _percentile(instant, 0.5) * 1000, _percentile(instant, 0.95) * 1000
    base50 = statistics.median(manual) * 1000
    print(
        f"| cases: instant approval, submit to licence in the wallet ({CASES} cases) | "
        f"p50 {p50:,.1f} ms, p95 {p95:,.1f} ms | submit alone p50 {base50:,.1f} ms | "
        f"ratio {p50 / base50:.2f} |"
    )


if __name__ == "__main__":
    main()
