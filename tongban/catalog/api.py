"""The service catalog under /api/v1/catalog: services, one service's guide and form, bundles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.catalog import selectors
from tongban.catalog.constants import SEARCH_RATE_LIMIT
from tongban.catalog.models import Material, ServiceItem
from tongban.core.ratelimit import RateLimit, client_address, ratelimit_hit

router = Router(tags=["catalog"])

SEARCH_LIMIT = RateLimit("catalog_search", limit=SEARCH_RATE_LIMIT, window=60)


class ServiceOut(Schema):
    code: str
    name: str
    aliases: list[str]
    kind: str
    department_type: str
    applicant_types: list[str]
    topics: list[str]
    channel: str
    trips: int
    promised_days: int
    legal_days: int
    fee_amount: Decimal
    version: int


class ServicePageOut(Schema):
    items: list[ServiceOut]
    next_cursor: str


class MaterialOut(Schema):
    name: str
    requirement: str
    condition_field: str
    condition_value: str
    form: str
    copies: int
    description: str
    sample: str
    certificate_type_codes: list[str]


class BurdenOut(Schema):
    fields_total: int
    fields_prefilled: int
    materials_total: int
    materials_certificate_satisfiable: int


class ServiceDetailOut(ServiceOut):
    legal_basis: str
    conditions: str
    real_name_level: int
    authentication_strength: int
    acceptance_days: int
    fee_basis: str
    delivery_options: list[str]
    result_certificate_type: str
    result_description: str
    consultation_contact: str
    complaint_contact: str
    form_schema: dict[str, Any]
    form_ui: dict[str, Any]
    materials: list[MaterialOut]
    burden: BurdenOut


class BundleOut(Schema):
    code: str
    name: str
    description: str
    services: list[str]
    promised_days: int
    materials: list[MaterialOut]


class ServiceQuery(Schema):
    q: str = Field("", description="Search words in Chinese, or pinyin initials.")
    topic: str = ""
    department_type: str = ""
    applicant_type: str = ""
    channel: str = ""
    cursor: str = ""
    limit: int = Field(20, ge=1, le=100)


def _out(item: ServiceItem) -> dict[str, Any]:
    version = item.published_version
    assert version is not None
    return {
        "code": item.code,
        "name": item.name,
        "aliases": item.alias_list,
        "kind": item.kind,
        "department_type": item.department_type.code,
        "applicant_types": item.applicant_types,
        "topics": item.topics,
        "channel": version.channel,
        "trips": version.trips,
        "promised_days": version.promised_days,
        "legal_days": version.legal_days,
        "fee_amount": version.fee_amount,
        "version": version.number,
    }


def _material(material: Material) -> MaterialOut:
    return MaterialOut.model_validate(material, from_attributes=True)


@router.get("/catalog/services", response=ServicePageOut)
def service_list(request: HttpRequest, query: Query[ServiceQuery]) -> ServicePageOut:
    filters = selectors.ServiceFilters(
        topic=query.topic,
        department_type=query.department_type,
        applicant_type=query.applicant_type,
        channel=query.channel,
    )
    if query.q.strip():
        ratelimit_hit(rule=SEARCH_LIMIT, key=client_address(request))
        items = selectors.service_search(query=query.q, filters=filters, limit=query.limit)
        return ServicePageOut(items=[ServiceOut(**_out(item)) for item in items], next_cursor="")
    page = selectors.service_list(filters=filters, cursor=query.cursor, limit=query.limit)
    return ServicePageOut(
        items=[ServiceOut(**_out(item)) for item in page.items], next_cursor=page.next_cursor
    )


@router.get("/catalog/services/{code}", response=ServiceDetailOut)
def service_detail(request: HttpRequest, code: str) -> ServiceDetailOut:
    item = selectors.service_get_published(code=code)
    version = item.published_version
    assert version is not None
    burden = selectors.burden_figures(version=version)
    return ServiceDetailOut(
        **_out(item),
        legal_basis=version.legal_basis,
        conditions=version.conditions,
        real_name_level=version.real_name_level,
        authentication_strength=version.authentication_strength,
        acceptance_days=version.acceptance_days,
        fee_basis=version.fee_basis,
        delivery_options=version.delivery_options,
        result_certificate_type=(
            version.result_certificate_type.code if version.result_certificate_type else ""
        ),
        result_description=version.result_description,
        consultation_contact=version.consultation_contact,
        complaint_contact=version.complaint_contact,
        form_schema=version.form_schema,
        form_ui=version.form_ui,
        materials=[_material(material) for material in selectors.version_materials(version)],
        burden=BurdenOut(**burden.__dict__),
    )


@router.get("/catalog/bundles", response=list[BundleOut])
def bundle_list(request: HttpRequest) -> list[BundleOut]:
    out = []
    for bundle in selectors.bundle_list():
        guide = selectors.bundle_guide(code=bundle.code)
        out.append(
            BundleOut(
                code=bundle.code,
                name=bundle.name,
                description=bundle.description,
                services=[item.code for item in guide.items],
                promised_days=guide.promised_days,
                materials=[_material(material) for material in guide.materials],
            )
        )
    return out
