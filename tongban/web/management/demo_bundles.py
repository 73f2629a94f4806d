"""The demo's life-event bundles (一件事一次办) kept current in an already-seeded demo.

``demo_catalog_load`` publishes what is missing. A demo seeded before the bundles' services
had their acceptance-and-decision processes keeps the old published versions; this publishes
a new version of each bundle member whose process differs from the demo file (the catalog's
ordinary clone → change → publish, so cases already submitted keep the version they pinned).
Running it again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from tongban.catalog.constants import VersionStatus
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import (
    DEMO_DIRECTORY,
    service_version_clone,
    service_version_publish,
    service_version_update,
)


def demo_bundle_processes_refresh(*, directory: Path = DEMO_DIRECTORY) -> list[str]:
    """Publishes the demo process of every bundle member whose published one differs; the
    codes of the services updated."""
    members = {
        code
        for bundle in json.loads((directory / "bundles.json").read_text(encoding="utf-8"))
        for code in bundle["items"]
    }
    updated = []
    for entry in json.loads((directory / "services.json").read_text(encoding="utf-8")):
        if entry["code"] not in members:
            continue
        item = (
            ServiceItem.objects.select_related("published_version")
            .filter(code=entry["code"])
            .first()
        )
        if item is None or item.published_version is None:
            continue
        if item.versions.filter(status=VersionStatus.DRAFT).exists():
            # Someone is editing the service in the admin: leave it to them.
            continue
        name = entry.get("process") or f"review_{entry['department_type']}"
        bpmn = (directory / "processes" / f"{name}.bpmn").read_text(encoding="utf-8")
        if item.published_version.process_bpmn == bpmn:
            continue
        draft = service_version_clone(version=item.published_version, actor_id=None)
        service_version_update(version=draft, changes={"process_bpmn": bpmn}, actor_id=None)
        service_version_publish(version=draft, actor_id=None)
        updated.append(item.code)
    return updated
