"""Cases fixtures: the demo's sole-proprietor registration, an applicant the registries know,
and builders for drafts and submitted cases."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.models import User
from tongban.accounts.selectors import ActorContext
from tongban.cases import services
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
from tongban.certificates.services import certificate_types_ensure

SOLE_PROPRIETOR = "00013112800001"
# What the applicant types on top of the prefilled values (a first application: nothing
# earlier to take from).
TYPED = {
    "premises": "海川市临江区滨江街道滨江路1号101室",
    "postal_code": "310000",
    "e_commerce": "否",
    "capital": 10,
    "business_scope": "日用百货零售",
    "composition": "个人经营",
}
PREMISES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def sole_proprietor_load(directory: Path) -> ServiceItem:
    """Publishes the demo's sole-proprietor registration alone (faster than all sixteen)."""
    from tongban.organization.constants import StandardDepartmentType
    from tongban.organization.models import DepartmentType

    for department_type in StandardDepartmentType:
        DepartmentType.objects.get_or_create(
            code=department_type.value, defaults={"name": str(department_type.label)}
        )
    certificate_types_ensure()
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (directory / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] == SOLE_PROPRIETOR]),
        encoding="utf-8",
    )
    (directory / "bundles.json").write_text("[]", encoding="utf-8")
    if not (directory / "processes").exists():
        shutil.copytree(DEMO_DIRECTORY / "processes", directory / "processes")
    demo_catalog_load(directory=directory)
    return ServiceItem.objects.select_related("published_version").get(code=SOLE_PROPRIETOR)


@pytest.fixture
def sole_proprietor(persona_departments: dict[str, Any], tmp_path: Path) -> ServiceItem:
    return sole_proprietor_load(tmp_path)


def applicant_prepare(user: User) -> User:
    """Verifies ``user`` at L2 with a verified mobile and enters them in the demo registries
    (population record and resident ID card)."""
    from tongban.organization.factories import factory_create
    from tongban.registries.factories import DemoResidentFactory, DemoResidentIdCardFactory

    resident = factory_create(DemoResidentFactory, name=str(user.real_name))
    factory_create(DemoResidentIdCardFactory, resident=resident)
    user.resident_id_number = resident.id_number
    user.real_name_level = RealNameLevel.L2
    user.mobile_verified = True
    user.save()
    return user


@pytest.fixture
def applicant(citizen: User) -> User:
    return applicant_prepare(citizen)


def draft_create(item: ServiceItem, user: User, **kwargs: Any) -> Case:
    return services.case_draft_create(
        item=item,
        actor=kwargs.pop("actor", None) or ActorContext.for_self(user),
        real_name_level=kwargs.pop("real_name_level", user.real_name_level),
        authentication_strength=kwargs.pop("authentication_strength", 3),
        **kwargs,
    )


def draft_complete(item: ServiceItem, user: User, **kwargs: Any) -> Case:
    """A draft with every answer and material, ready to submit."""
    case = draft_create(item, user, **kwargs)
    services.case_draft_update(case_id=case.pk, actor_id=user.pk, answers=TYPED)
    premises = case.service_version.materials.get(name="经营场所使用相关文件")
    services.case_material_upload(
        case_id=case.pk,
        actor_id=user.pk,
        material_id=premises.pk,
        name="租赁合同.pdf",
        data=PREMISES_PDF,
    )
    case.refresh_from_db()
    return case


def submit(case: Case, user: User, key: str | None = None) -> Case:
    return services.case_submit(
        case_id=case.pk,
        actor_id=user.pk,
        idempotency_key=key or str(uuid.uuid4()),
        commitment_version=services.commitment_current().version,
        confirmed=True,
    )


@pytest.fixture
def submitted(sole_proprietor: ServiceItem, applicant: User) -> Case:
    return submit(draft_complete(sole_proprietor, applicant), applicant)
