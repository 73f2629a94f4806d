"""Catalog fixtures: the standard certificate types, a draft ready to publish, builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tongban.catalog import services
from tongban.catalog.constants import Channel, Delivery, FieldType
from tongban.catalog.forms_schema import FieldSpec
from tongban.catalog.models import ServiceItem, ServiceVersion
from tongban.certificates.constants import BUSINESS_LICENCE
from tongban.certificates.services import certificate_types_ensure

BPMN = (Path(__file__).parent / "bpmn" / "single_review.bpmn").read_text()


@pytest.fixture
def certificate_types(db: None) -> None:
    certificate_types_ensure()


GUIDE: dict[str, Any] = {
    "legal_basis": "《中华人民共和国市场主体登记管理条例》第三条",
    "conditions": "有经营能力的自然人可以申请登记为个体工商户。",
    "channel": Channel.FULLY_ONLINE,
    "trips": 0,
    "promised_days": 1,
    "legal_days": 3,
    "delivery_options": [Delivery.E_LICENCE],
    "process_bpmn": BPMN,
}


def item_create(
    code: str = "SCJG-001", name: str = "个体工商户设立登记", **extra: Any
) -> ServiceItem:
    return services.service_item_create(
        code=code,
        name=name,
        kind=extra.pop("kind", "registration"),
        department_type_code=extra.pop("department_type_code", "market_regulation"),
        applicant_types=extra.pop("applicant_types", ["person"]),
        topics=extra.pop("topics", ["enterprise_start"]),
        aliases=extra.pop("aliases", "个体户开业,个体执照"),
        actor_id=None,
    )


def draft_complete(item: ServiceItem, **guide: Any) -> ServiceVersion:
    """Fills the item's draft so it can be published."""
    draft = item.versions.get(status="draft")
    services.service_version_update(
        version=draft,
        changes={**GUIDE, **guide},
        result_certificate_type_code=BUSINESS_LICENCE,
        actor_id=None,
    )
    for spec in (
        FieldSpec(
            key="operator_name",
            label="经营者姓名",
            type=FieldType.TEXT,
            step="经营者",
        ),
        FieldSpec(
            key="mobile",
            label="联系电话",
            type=FieldType.MOBILE,
            step="经营者",
            purpose="登记机关联系经营者",
        ),
        FieldSpec(
            key="form_of_composition",
            label="组成形式",
            type=FieldType.CHOICE,
            options=("个人经营", "家庭经营"),
            step="经营信息",
        ),
        FieldSpec(
            key="family_members",
            label="参加经营的家庭成员姓名",
            type=FieldType.TEXTAREA,
            step="经营信息",
            condition_field="form_of_composition",
            condition_value="家庭经营",
        ),
        FieldSpec(
            key="postal_code",
            label="经营场所邮政编码",
            type=FieldType.POSTAL_CODE,
            required=False,
            step="经营信息",
            purpose="邮寄纸质执照",
        ),
    ):
        services.field_row_add(version=draft, spec=spec, actor_id=None)
    services.material_add(
        version=draft,
        values={"name": "经营者身份证明", "form": "original", "description": "居民身份证"},
        actor_id=None,
    )
    services.material_add(
        version=draft,
        values={
            "name": "家庭成员关系证明",
            "requirement": "conditional",
            "condition_field": "form_of_composition",
            "condition_value": "家庭经营",
            "form": "copy",
            "certificate_type_codes": ["household_registration_record"],
        },
        actor_id=None,
    )
    draft.refresh_from_db()
    return draft


@pytest.fixture
def published(certificate_types: None) -> ServiceVersion:
    item = item_create()
    return services.service_version_publish(version=draft_complete(item), actor_id=None)
