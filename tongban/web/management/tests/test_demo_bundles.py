"""seed_demo brings an already-seeded demo's bundles up to date, once."""

from __future__ import annotations

import json
import shutil

import pytest

from tongban.catalog.constants import VersionStatus
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
from tongban.certificates.services import certificate_types_ensure
from tongban.organization.constants import StandardDepartmentType
from tongban.organization.models import DepartmentType
from tongban.web.management.demo_bundles import demo_bundle_processes_refresh

pytestmark = pytest.mark.django_db

SEAL_FILING = "HC-GA-001"


def test_a_seeded_demo_gets_the_bundles_processes_once(tmp_path):
    for kind in StandardDepartmentType:
        DepartmentType.objects.get_or_create(code=kind.value, defaults={"name": str(kind.label)})
    certificate_types_ensure()
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (tmp_path / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] == SEAL_FILING])
    )
    (tmp_path / "bundles.json").write_text("[]")
    shutil.copytree(DEMO_DIRECTORY / "processes", tmp_path / "processes")
    # As seeded before: a one-task review.
    review = (DEMO_DIRECTORY / "processes" / "review_civil_affairs.bpmn").read_text(
        encoding="utf-8"
    )
    (tmp_path / "processes" / "review_public_security.bpmn").write_text(
        review.replace("civil_affairs", "public_security"), encoding="utf-8"
    )
    demo_catalog_load(directory=tmp_path)
    seal = ServiceItem.objects.get(code=SEAL_FILING)
    old = seal.published_version
    assert old is not None
    assert 'tongban:caseStep="acceptance"' not in old.process_bpmn
    assert demo_bundle_processes_refresh() == [SEAL_FILING]
    seal.refresh_from_db()
    assert seal.published_version is not None
    assert seal.published_version.number == old.number + 1
    assert 'tongban:caseStep="acceptance"' in seal.published_version.process_bpmn
    old.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED
    assert demo_bundle_processes_refresh() == []
