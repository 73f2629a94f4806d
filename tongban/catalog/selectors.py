"""Reads of the service catalog: published services, guides, bundles, search, burden figures."""

from __future__ import annotations

import base64
import binascii
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tongban.catalog import search
from tongban.catalog.constants import (
    SEARCH_QUERY_MAX_LENGTH,
    SEARCH_RESULTS_LIMIT,
    MaterialRequirement,
    VersionStatus,
)
from tongban.catalog.exceptions import BundleNotFound, SearchQueryInvalid, ServiceItemNotFound
from tongban.catalog.forms_schema import form_data_errors
from tongban.catalog.models import (
    Bundle,
    BundleMember,
    Material,
    SearchToken,
    ServiceItem,
    ServiceVersion,
)
from tongban.core.exceptions import FieldError

EXPORT_FORMAT = "tongban.catalog.service-version/1"

# Guide fields a draft takes from the designer (and an export carries).
GUIDE_FIELDS = (
    "legal_basis",
    "conditions",
    "real_name_level",
    "authentication_strength",
    "channel",
    "trips",
    "acceptance_days",
    "promised_days",
    "legal_days",
    "fee_amount",
    "fee_basis",
    "delivery_options",
    "result_description",
    "consultation_contact",
    "complaint_contact",
    "process_bpmn",
    "auto_approval_rules",
)
FIELD_ROW_FIELDS = (
    "key",
    "label",
    "type",
    "required",
    "options",
    "help_text",
    "max_length",
    "step",
    "condition_field",
    "condition_value",
    "prefill_source",
    "purpose",
)
MATERIAL_FIELDS = (
    "name",
    "requirement",
    "condition_field",
    "condition_value",
    "form",
    "copies",
    "description",
    "sample",
    "certificate_type_codes",
)


@dataclass(frozen=True)
class ServiceFilters:
    topic: str = ""
    department_type: str = ""
    applicant_type: str = ""
    channel: str = ""


def _published() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(published_version__isnull=False).select_related(
        "published_version", "department_type"
    )


def _filtered(queryset: QuerySet[ServiceItem], filters: ServiceFilters) -> QuerySet[ServiceItem]:
    if filters.department_type:
        queryset = queryset.filter(department_type__code=filters.department_type)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    items = queryset
    # JSON list membership portable across SQLite and PostgreSQL: match the quoted value.
    if filters.topic:
        items = items.filter(topics__icontains=f'"{filters.topic}"')
    if filters.applicant_type:
        items = items.filter(applicant_types__icontains=f'"{filters.applicant_type}"')
    return items


def _cursor_decode(cursor: str) -> str:
    if not cursor:
        return ""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise SearchQueryInvalid(
            errors={"cursor": [FieldError("cursor_invalid", _("This page link is not valid."))]}
        ) from None


def cursor_encode(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


@dataclass
class ServicePage:
    items: list[ServiceItem]
    next_cursor: str


def service_list(*, filters: ServiceFilters, cursor: str = "", limit: int = 20) -> ServicePage:
    """Published services by code, after ``cursor``; never counts the table."""
    after = _cursor_decode(cursor)
    queryset = _filtered(_published(), filters).order_by("code")
    if after:
        queryset = queryset.filter(code__gt=after)
    rows = list(queryset[: limit + 1])
    next_cursor = cursor_encode(rows[limit - 1].code) if len(rows) > limit else ""
    return ServicePage(items=rows[:limit], next_cursor=next_cursor)


def service_get_published(*, code: str) -> ServiceItem:
    item = (
        _published()
        .select_related("published_version__result_certificate_type")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise ServiceItemNotFound()
    return item


def version_materials(version: ServiceVersion) -> list[Material]:
    return list(version.materials.order_by("position"))


def search_query_check(query: str) -> str:
    """The normalised query, or ``SearchQueryInvalid`` for empty, oversized or malformed ones."""
    text = unicodedata.normalize("NFKC", query or "").strip()
    if len(text) > SEARCH_QUERY_MAX_LENGTH:
        raise SearchQueryInvalid(
            errors={
                "q": [
                    FieldError(
                        "too_long",
                        _("Use at most %(count)s characters.") % {"count": SEARCH_QUERY_MAX_LENGTH},
                    )
                ]
            }
        )
    if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") for char in text):
        raise SearchQueryInvalid(
            errors={"q": [FieldError("malformed", _("Remove the unusual characters."))]}
        )
    return text


def service_search(
    *, query: str, filters: ServiceFilters, limit: int = SEARCH_RESULTS_LIMIT
) -> list[ServiceItem]:
    """Published services matching every Chinese bigram of ``query`` (and its Latin words as
    words or pinyin initials), best first; an empty query lists services by code."""
    text = search_query_check(query)
    required, latin = search.query_tokens(text)
    if not required and not latin:
        return list(_filtered(_published(), filters).order_by("code")[:limit])
    scores: dict[Any, int] = {}
    groups: list[list[str]] = [[token] for token in required]
    groups += [[word, "py:" + word] for word in latin]
    item_ids: set[Any] | None = None
    for group in groups:
        rows = SearchToken.objects.filter(token__in=group).values_list("item_id", "weight")
        if item_ids is not None:
            rows = rows.filter(item_id__in=item_ids)
        found: dict[Any, int] = {}
        for item_id, weight in rows:
            found[item_id] = max(found.get(item_id, 0), weight)
        item_ids = set(found)
        for item_id, weight in found.items():
            scores[item_id] = scores.get(item_id, 0) + weight
        if not item_ids:
            return []
    items = list(_filtered(_published(), filters).filter(pk__in=item_ids or ()))
    items.sort(key=lambda item: (-scores.get(item.pk, 0), item.code))
    return items[:limit]


@dataclass(frozen=True)
class BurdenFigures:
    """The citizen's burden a version puts up front (DESIGN.md §2)."""

    fields_total: int
    fields_prefilled: int
    materials_total: int
    materials_certificate_satisfiable: int


def burden_figures(*, version: ServiceVersion) -> BurdenFigures:
    fields = version.field_rows.aggregate(
        total=Count("id"), prefilled=Count("id", filter=~Q(prefill_source=""))
    )
    materials = list(version.materials.values_list("certificate_type_codes", flat=True))
    return BurdenFigures(
        fields_total=fields["total"],
        fields_prefilled=fields["prefilled"],
        materials_total=len(materials),
        materials_certificate_satisfiable=sum(1 for codes in materials if codes),
    )


@dataclass
class BundleGuide:
    bundle: Bundle
    items: list[ServiceItem]
    materials: list[Material]
    promised_days: int
    trips: int
    fee_total: Any
    combined_fields: list[dict[str, Any]] = field(default_factory=list)


def bundle_list() -> list[Bundle]:
    return list(
        Bundle.objects.prefetch_related(
            Prefetch(
                "members",
                queryset=BundleMember.objects.select_related("item__published_version"),
            )
        )
    )


def bundle_guide(*, code: str) -> BundleGuide:
    """The bundle's merged guide: materials once each, and the slowest branch's promised time
    (departments work in parallel, so the bundle is done when the slowest is)."""
    bundle = Bundle.objects.filter(code=code).first()
    if bundle is None:
        raise BundleNotFound()
    members = list(bundle.members.select_related("item__published_version"))
    versions = [m.item.published_version for m in members if m.item.published_version]
    if len(versions) != len(members):
        raise BundleNotFound()
    materials: list[Material] = []
    seen: set[str] = set()
    for version in versions:
        for material in version_materials(version):
            if material.name not in seen:
                seen.add(material.name)
                materials.append(material)
    combined: dict[str, dict[str, Any]] = {}
    for member, version in zip(members, versions, strict=True):
        mapping = {target: source for source, target in member.field_map.items()}
        for step in version.form_ui.get("steps", []):
            for spec in step["fields"]:
                combined_key = mapping.get(spec["key"], f"{member.item.code}.{spec['key']}")
                combined.setdefault(combined_key, {**spec, "key": combined_key, "services": []})
                combined[combined_key]["services"].append(member.item.code)
    return BundleGuide(
        bundle=bundle,
        items=[member.item for member in members],
        materials=materials,
        promised_days=max(version.promised_days for version in versions),
        trips=max(version.trips for version in versions),
        fee_total=sum((version.fee_amount for version in versions), start=0),
        combined_fields=list(combined.values()),
    )


def service_version_export(*, version: ServiceVersion) -> dict[str, Any]:
    """One JSON document with the guide, the field rows and the materials of ``version``."""
    guide = {name: getattr(version, name) for name in GUIDE_FIELDS}
    guide["fee_amount"] = str(version.fee_amount)
    return {
        "format": EXPORT_FORMAT,
        "item": {
            "code": version.item.code,
            "name": version.item.name,
            "aliases": version.item.aliases,
            "kind": version.item.kind,
            "department_type": version.item.department_type.code,
            "applicant_types": version.item.applicant_types,
            "topics": version.item.topics,
        },
        "version": version.number,
        "guide": guide,
        "result_certificate_type": (
            version.result_certificate_type.code if version.result_certificate_type else ""
        ),
        "field_rows": [
            {name: getattr(row, name) for name in FIELD_ROW_FIELDS}
            for row in version.field_rows.order_by("position")
        ],
        "materials": [
            {name: getattr(material, name) for name in MATERIAL_FIELDS}
            for material in version.materials.order_by("position")
        ],
    }


def bundle_answers_split(*, code: str, answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The answers of a bundle's combined form, split into each service's own form (by code).

    A question mapped in a member's ``field_map`` goes to every service that maps it; the
    others are keyed "<service code>.<field key>" in the combined form.
    """
    guide = bundle_guide(code=code)
    members = {member.item.code: member for member in guide.bundle.members.select_related("item")}
    split: dict[str, dict[str, Any]] = {item.code: {} for item in guide.items}
    for item in guide.items:
        mapped = members[item.code].field_map
        for combined_key, field_key in mapped.items():
            if combined_key in answers:
                split[item.code][field_key] = answers[combined_key]
        prefix = f"{item.code}."
        for key, value in answers.items():
            if key.startswith(prefix):
                split[item.code][key[len(prefix) :]] = value
    return split


def version_diff(
    *, draft: ServiceVersion, published: ServiceVersion | None
) -> list[dict[str, Any]]:
    """What a draft changes against the published version, as rows of (section, name, old, new)."""
    new = service_version_export(version=draft)
    old = service_version_export(version=published) if published else None
    rows: list[dict[str, Any]] = []
    for name, value in new["guide"].items():
        before = old["guide"].get(name) if old else None
        if before != value:
            rows.append({"section": "guide", "name": name, "old": before, "new": value})
    for section, key in (("field_rows", "key"), ("materials", "name")):
        old_rows = {row[key]: row for row in (old[section] if old else [])}
        new_rows = {row[key]: row for row in new[section]}
        for name in sorted(set(old_rows) | set(new_rows)):
            if old_rows.get(name) != new_rows.get(name):
                rows.append(
                    {
                        "section": section,
                        "name": name,
                        "old": old_rows.get(name),
                        "new": new_rows.get(name),
                    }
                )
    return rows


def versions_of(*, item: ServiceItem) -> QuerySet[ServiceVersion]:
    return item.versions.order_by("-number")


def drafts() -> QuerySet[ServiceVersion]:
    return ServiceVersion.objects.filter(status=VersionStatus.DRAFT)


def form_step(
    *,
    version: ServiceVersion,
    step: int,
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> Any:
    """The Django form of one step (1-based) of a version's form, for application pages."""
    from tongban.catalog.forms import SchemaForm

    steps = version.form_ui.get("steps", [])
    return SchemaForm(data, schema=version.form_schema, step=steps[step - 1], initial=initial)


def form_fields(
    *,
    version: ServiceVersion,
    keys: Sequence[str],
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> Any:
    """A Django form of only ``keys`` of a version's form, in the form's order (e.g. the
    items a department asked to supplement)."""
    from tongban.catalog.forms import SchemaForm

    wanted = set(keys)
    specs = [
        spec
        for step in version.form_ui.get("steps", [])
        for spec in step.get("fields", [])
        if spec.get("key") in wanted
    ]
    return SchemaForm(
        data, schema=version.form_schema, step={"title": "", "fields": specs}, initial=initial
    )


def form_of_specs(
    *,
    schema: dict[str, Any],
    specs: Sequence[dict[str, Any]],
    data: Any = None,
    initial: dict[str, Any] | None = None,
) -> Any:
    """A Django form of field specs checked with ``schema`` (e.g. a bundle's combined form,
    its questions gathered from several versions)."""
    from tongban.catalog.forms import SchemaForm

    return SchemaForm(
        data, schema=schema, step={"title": "", "fields": list(specs)}, initial=initial
    )


def material_is_needed(material: Material, answers: dict[str, Any]) -> bool:
    if material.requirement == MaterialRequirement.REQUIRED:
        return True
    return str(answers.get(material.condition_field, "")) == material.condition_value


__all__: Sequence[str] = [
    "BurdenFigures",
    "ServiceFilters",
    "bundle_guide",
    "bundle_list",
    "burden_figures",
    "form_data_errors",
    "form_fields",
    "form_of_specs",
    "form_step",
    "material_is_needed",
    "service_get_published",
    "service_list",
    "service_search",
    "service_version_export",
    "version_diff",
]
