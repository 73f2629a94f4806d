"""The demo's "starting a business" bundle for tests, the browser journey and the benchmark:
its five services published, a department of every type in the city, complete answers and
one set of materials."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tongban.cases.services.bundles import BundlePlan, BundleUpload
from tongban.catalog.models import Bundle
from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
from tongban.certificates.services import certificate_types_ensure
from tongban.organization.models import Department, DepartmentType, Region

START_BUSINESS = "start-business"
# The department of each type the bundle needs (the market regulator comes with the personas).
DEPARTMENTS = {
    "public_security": ("HC-GA", "海川市公安局"),
    "taxation": ("HC-SW", "国家税务总局海川市税务局"),
    "human_resources_social_security": ("HC-RS", "海川市人力资源和社会保障局"),
    "housing_provident_fund": ("HC-GJJ", "海川市住房公积金管理中心"),
    "market_regulation": ("HC-SCJG", "海川市市场监督管理局"),
}
ANSWERS: dict[str, Any] = {
    "name": "海川市临江区滨江百货有限公司",
    "mobile": "13800138000",
    "00013112700401.domicile": "海川市临江区滨江街道滨江路1号101室",
    "00013112700401.postal_code": "310000",
    "00013112700401.registered_capital": 50,
    "00013112700401.term": "长期",
    "00013112700401.business_scope": "日用百货零售",
    "00013112700401.legal_representative": "林晓",
    "00013112700401.legal_representative_id": "110101199003077598",
    "00013112700401.shareholders": "林晓，认缴50万元",
    "HC-GA-001.seal_types": ["公章", "财务专用章"],
    "HC-GA-001.engraver": "海川市滨江刻章有限公司",
    "HC-GA-001.applied_by": "法定代表人本人",
    "HC-SW-001.accounting": "独立核算自负盈亏",
    "HC-SW-001.employees": 5,
    "HC-SW-001.accounting_system": "小企业会计准则",
    "HC-SW-001.finance_officer": "陈会",
    "HC-SW-001.invoices": "否",
    "HC-RS-001.insurances": ["企业职工基本养老保险", "工伤保险"],
    "HC-RS-001.bank_account": "6222020000000000001",
    "HC-RS-001.contact": "林晓",
    "HC-GJJ-001.unit_rate": 5,
    "HC-GJJ-001.personal_rate": 5,
    "HC-GJJ-001.contributors": 5,
    "HC-GJJ-001.bank": "中国工商银行",
    "HC-GJJ-001.agent_name": "林晓",
}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def departments_ensure(city: Region) -> dict[str, Department]:
    """A top-level department of every type the bundle needs, in ``city``."""
    found = {}
    for type_code, (code, name) in DEPARTMENTS.items():
        existing = Department.objects.filter(type__code=type_code, region=city, parent=None).first()
        if existing is None:
            existing = Department.objects.create(
                code=code,
                name=name,
                type=DepartmentType.objects.get_or_create(code=type_code, defaults={"name": name})[
                    0
                ],
                region=city,
            )
        found[type_code] = existing
    return found


def business_bundle_load(directory: Path) -> Bundle:
    """Publishes the bundle's five services and the bundle (from the demo catalog)."""
    directory.mkdir(parents=True, exist_ok=True)
    from tongban.organization.constants import StandardDepartmentType

    for department_type in StandardDepartmentType:
        DepartmentType.objects.get_or_create(
            code=department_type.value, defaults={"name": str(department_type.label)}
        )
    certificate_types_ensure()
    bundles = json.loads((DEMO_DIRECTORY / "bundles.json").read_text(encoding="utf-8"))
    bundle = next(entry for entry in bundles if entry["code"] == START_BUSINESS)
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (directory / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] in bundle["items"]]),
        encoding="utf-8",
    )
    (directory / "bundles.json").write_text(json.dumps([bundle]), encoding="utf-8")
    if not (directory / "processes").exists():
        shutil.copytree(DEMO_DIRECTORY / "processes", directory / "processes")
    demo_catalog_load(directory=directory)
    return Bundle.objects.get(code=START_BUSINESS)


def uploads_for(plan: BundlePlan) -> list[BundleUpload]:
    """One file for every material the combined form asks."""
    return [
        BundleUpload(material_name=material.name, file_name=f"{index}.pdf", data=PDF)
        for index, material in enumerate(plan.materials)
    ]
