"""Every write of the service catalog: items, draft versions, field rows, materials, publishing.

Each service is one transaction and leaves an audit record of the designer's action. A
published version is immutable: applications pin it, so every edit goes to a draft.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.constants import AuthenticationStrength, RealNameLevel
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.catalog import search
from tongban.catalog.constants import (
    ApplicantType,
    Channel,
    Delivery,
    FieldType,
    MaterialForm,
    MaterialRequirement,
    ServiceKind,
    Topic,
    VersionStatus,
)
from tongban.catalog.exceptions import (
    ExportInvalid,
    FieldRowInvalid,
    VersionIncomplete,
    VersionNotEditable,
)
from tongban.catalog.forms_schema import FieldSpec, field_spec_problems, form_generate
from tongban.catalog.models import (
    Bundle,
    BundleMember,
    FieldRow,
    Material,
    SearchToken,
    ServiceItem,
    ServiceVersion,
)
from tongban.catalog.rules import (
    FactSubject,
    RuleResult,
    RulesOutcome,
    rule_facts,
    rules_digest,
    rules_evaluate,
    rules_problems,
)
from tongban.catalog.selectors import (
    EXPORT_FORMAT,
    FIELD_ROW_FIELDS,
    GUIDE_FIELDS,
    MATERIAL_FIELDS,
    service_version_export,
)
from tongban.certificates.models import CertificateType
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.materials import held_document_kinds
from tongban.core.prefill import prefill_sources
from tongban.organization.models import DepartmentType
from tongban.workflow.services import workflow_validate_definition


def prefill_keys() -> set[str]:
    """Every "source:field" the core registry offers to forms."""
    return {f"{source.key}:{field.key}" for source in prefill_sources for field in source.fields()}


def _record(kind: str, *, actor_id: uuid.UUID | None, obj: Any, summary: dict[str, Any]) -> None:
    audit_event_record(
        kind=kind,
        actor_id=actor_id,
        object_type=f"catalog.{type(obj).__name__.lower()}",
        object_id=str(obj.pk),
        summary=summary,
    )


def _editable(version: ServiceVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise VersionNotEditable()


def _spec_of(row: FieldRow) -> FieldSpec:
    return FieldSpec(
        key=row.key,
        label=row.label,
        type=row.type,
        required=row.required,
        options=tuple(row.options or ()),
        help_text=row.help_text,
        max_length=row.max_length,
        step=row.step,
        condition_field=row.condition_field,
        condition_value=row.condition_value,
        prefill_source=row.prefill_source,
        purpose=row.purpose,
    )


def version_specs(version: ServiceVersion) -> list[FieldSpec]:
    return [_spec_of(row) for row in version.field_rows.order_by("position")]


@transaction.atomic
def service_item_create(
    *,
    code: str,
    name: str,
    kind: str,
    department_type_code: str,
    applicant_types: Sequence[str],
    topics: Sequence[str] = (),
    aliases: str = "",
    actor_id: uuid.UUID | None,
) -> ServiceItem:
    """A new service item with an empty draft version 1."""
    problems: dict[str, list[FieldError]] = {}
    if not code.strip() or len(code) > 64:
        problems["code"] = [FieldError("required", _("Give the item's code."))]
    elif ServiceItem.objects.filter(code=code).exists():
        problems["code"] = [FieldError("duplicate", _("A service with this code exists."))]
    if not name.strip():
        problems["name"] = [FieldError("required", _("Give the service's name."))]
    if kind not in ServiceKind.values:
        problems["kind"] = [FieldError("choice", _("Choose one of the kinds."))]
    if not applicant_types or any(value not in ApplicantType.values for value in applicant_types):
        problems["applicant_types"] = [FieldError("choice", _("Choose who may apply."))]
    if any(value not in Topic.values for value in topics):
        problems["topics"] = [FieldError("choice", _("Choose topics from the list."))]
    department_type = DepartmentType.objects.filter(code=department_type_code).first()
    if department_type is None:
        problems["department_type"] = [FieldError("unknown", _("No such department type."))]
    if problems or department_type is None:
        raise InvalidInput(errors=problems)
    item = ServiceItem.objects.create(
        code=code,
        name=name,
        aliases=aliases,
        kind=kind,
        department_type=department_type,
        applicant_types=list(applicant_types),
        topics=list(topics),
    )
    ServiceVersion.objects.create(item=item, number=1, promised_days=0, legal_days=0)
    _record(AuditEventKind.CREATED, actor_id=actor_id, obj=item, summary={"code": code})
    return item


def _guide_problems(changes: Mapping[str, Any]) -> dict[str, list[FieldError]]:
    problems: dict[str, list[FieldError]] = {}
    unknown = set(changes) - set(GUIDE_FIELDS)
    if unknown:
        problems["__all__"] = [FieldError("unknown_field", _("Unknown guide fields."))]
    if "channel" in changes and changes["channel"] not in Channel.values:
        problems["channel"] = [FieldError("choice", _("Choose one of the channels."))]
    if "trips" in changes and changes["trips"] not in (0, 1):
        problems["trips"] = [FieldError("trips", _("An applicant makes 0 or 1 trips at most."))]
    if "real_name_level" in changes and changes["real_name_level"] not in RealNameLevel.values:
        problems["real_name_level"] = [FieldError("choice", _("Choose a real-name level."))]
    if (
        "authentication_strength" in changes
        and changes["authentication_strength"] not in AuthenticationStrength.values
    ):
        problems["authentication_strength"] = [
            FieldError("choice", _("Choose an authentication strength."))
        ]
    for name in ("acceptance_days", "promised_days", "legal_days"):
        if name in changes and (not isinstance(changes[name], int) or changes[name] < 0):
            problems[name] = [FieldError("number", _("Give a whole number of days."))]
    if "delivery_options" in changes and any(
        value not in Delivery.values for value in changes["delivery_options"]
    ):
        problems["delivery_options"] = [FieldError("choice", _("Choose delivery options."))]
    if "fee_amount" in changes:
        try:
            if Decimal(str(changes["fee_amount"])) < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems["fee_amount"] = [FieldError("number", _("Give the fee in yuan."))]
    return problems


@transaction.atomic
def service_version_update(
    *,
    version: ServiceVersion,
    changes: Mapping[str, Any],
    result_certificate_type_code: str | None = None,
    actor_id: uuid.UUID | None,
) -> ServiceVersion:
    """Changes a draft's guide fields (and the certificate type it issues)."""
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    problems = _guide_problems(changes)
    certificate_type = None
    if result_certificate_type_code:
        certificate_type = CertificateType.objects.filter(code=result_certificate_type_code).first()
        if certificate_type is None:
            problems["result_certificate_type"] = [
                FieldError("unknown", _("No certificate type has this code."))
            ]
    if problems:
        raise InvalidInput(errors=problems)
    for name, value in changes.items():
        setattr(version, name, Decimal(str(value)) if name == "fee_amount" else value)
    if result_certificate_type_code is not None:
        version.result_certificate_type = certificate_type
    version.save()
    _record(
        AuditEventKind.CHANGED,
        actor_id=actor_id,
        obj=version,
        summary={"fields": sorted(changes)},
    )
    return version


@transaction.atomic
def field_row_add(
    *, version: ServiceVersion, spec: FieldSpec, actor_id: uuid.UUID | None
) -> FieldRow:
    """Appends a question to a draft's form; refuses a row that would not make a valid form."""
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    earlier = version_specs(version)
    problems = field_spec_problems(spec, earlier=earlier, prefill_keys=prefill_keys())
    if not problems:
        generated = form_generate([*earlier, spec])
        problems = generated.problems
    if problems:
        raise FieldRowInvalid(errors=problems)
    position = len(earlier)
    row = FieldRow.objects.create(
        version=version,
        position=position,
        **{name: getattr(spec, name) for name in FIELD_ROW_FIELDS if name != "options"},
        options=list(spec.options),
    )
    _record(AuditEventKind.CREATED, actor_id=actor_id, obj=row, summary={"key": spec.key})
    return row


@transaction.atomic
def field_row_remove(*, row: FieldRow, actor_id: uuid.UUID | None) -> None:
    _editable(row.version)
    if row.version.field_rows.filter(condition_field=row.key).exists():
        raise FieldRowInvalid(
            errors={"key": [FieldError("in_use", _("Another field depends on this one."))]}
        )
    _record(AuditEventKind.DELETED, actor_id=actor_id, obj=row, summary={"key": row.key})
    row.delete()


def _material_problems(
    *, version: ServiceVersion, values: Mapping[str, Any]
) -> dict[str, list[FieldError]]:
    problems: dict[str, list[FieldError]] = {}
    if not str(values.get("name", "")).strip():
        problems["name"] = [FieldError("required", _("Give the material's name."))]
    if values.get("requirement", MaterialRequirement.REQUIRED) not in MaterialRequirement.values:
        problems["requirement"] = [FieldError("choice", _("Choose required or conditional."))]
    if values.get("form", MaterialForm.ORIGINAL) not in MaterialForm.values:
        problems["form"] = [FieldError("choice", _("Choose original or copy."))]
    if values.get("requirement") == MaterialRequirement.CONDITIONAL and not values.get(
        "condition_field"
    ):
        problems["condition_field"] = [
            FieldError("required", _("Say on which answer the material depends."))
        ]
    codes = list(values.get("certificate_type_codes") or [])
    known = set(CertificateType.objects.filter(code__in=codes).values_list("code", flat=True))
    known |= set(held_document_kinds.keys())
    if set(codes) - known:
        problems["certificate_type_codes"] = [
            FieldError(
                "unknown",
                _("Unknown certificate types: %s") % ", ".join(sorted(set(codes) - known)),
            )
        ]
    return problems


@transaction.atomic
def material_add(
    *, version: ServiceVersion, values: Mapping[str, Any], actor_id: uuid.UUID | None
) -> Material:
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    unknown = set(values) - set(MATERIAL_FIELDS)
    problems = _material_problems(version=version, values=values)
    if unknown:
        problems["__all__"] = [FieldError("unknown_field", _("Unknown material fields."))]
    if problems:
        raise InvalidInput(errors=problems)
    material = Material.objects.create(
        version=version, position=version.materials.count(), **dict(values)
    )
    _record(
        AuditEventKind.CREATED, actor_id=actor_id, obj=material, summary={"name": material.name}
    )
    return material


def service_version_problems(version: ServiceVersion) -> dict[str, list[FieldError]]:
    """Every reason ``version`` cannot be published (empty when it can)."""
    problems: dict[str, list[FieldError]] = {}

    def add(name: str, code: str, message: str) -> None:
        problems.setdefault(name, []).append(FieldError(code, message))

    specs = version_specs(version)
    known_prefill = prefill_keys()
    if not specs:
        add("form", "form_empty", _("The form has no fields."))
    for index, spec in enumerate(specs):
        for name, errors in field_spec_problems(
            spec, earlier=specs[:index], prefill_keys=known_prefill
        ).items():
            problems.setdefault(f"field_rows.{spec.key}.{name}", []).extend(errors)
    generated = form_generate(specs)
    for name, errors in generated.problems.items():
        problems.setdefault(name, []).extend(errors)
    keys = {spec.key for spec in specs}
    materials = list(version.materials.all())
    if not materials:
        add("materials", "materials_empty", _("List at least one material (even an ID card)."))
    for material in materials:
        values = {name: getattr(material, name) for name in MATERIAL_FIELDS}
        for name, errors in _material_problems(version=version, values=values).items():
            problems.setdefault(f"materials.{material.name}.{name}", []).extend(errors)
        if material.condition_field and material.condition_field not in keys:
            add(
                f"materials.{material.name}.condition_field",
                "condition_unknown",
                _("The material depends on a field the form does not have."),
            )
    for name, errors in rules_problems(version.auto_approval_rules, field_keys=keys).items():
        problems.setdefault(name, []).extend(errors)
    if not version.legal_basis.strip():
        add("legal_basis", "required", _("Give the legal basis."))
    if not version.promised_days:
        add("promised_days", "required", _("Give the promised period."))
    if not version.legal_days:
        add("legal_days", "required", _("Give the legal period."))
    elif version.promised_days > version.legal_days:
        add("promised_days", "too_long", _("The promised period cannot exceed the legal one."))
    if version.channel == Channel.FULLY_ONLINE and version.trips != 0:
        add("trips", "trips_channel", _("A fully online service needs no trip."))
    if version.channel != Channel.FULLY_ONLINE and version.trips != 1:
        add("trips", "trips_channel", _("This channel needs exactly one trip."))
    if not version.delivery_options:
        add("delivery_options", "required", _("Choose how the result is delivered."))
    if not version.result_certificate_type_id and not version.result_description.strip():
        add("result", "required", _("Name the certificate issued or the decision."))
    if not version.process_bpmn.strip():
        add("process_bpmn", "required", _("Attach the approval process (BPMN)."))
    else:
        for problem in workflow_validate_definition(bpmn=version.process_bpmn):
            add(f"process_bpmn.{problem.element_id or 'definition'}", problem.code, problem.message)
    return problems


def search_index_rebuild(*, item: ServiceItem, version: ServiceVersion) -> None:
    """Replaces the item's search tokens with those of its name, aliases and guide text."""
    weighted: dict[str, int] = {}
    for text in [item.name, *item.alias_list]:
        for token in search.name_tokens(text):
            weighted[token] = 3
    guide = " ".join(
        [
            version.conditions,
            version.result_description,
            *version.materials.values_list("name", flat=True),
        ]
    )
    for token in search.text_tokens(guide):
        weighted.setdefault(token, 1)
    SearchToken.objects.filter(item=item).delete()
    SearchToken.objects.bulk_create(
        [SearchToken(item=item, token=token, weight=weight) for token, weight in weighted.items()]
    )


@transaction.atomic
def service_version_publish(
    *, version: ServiceVersion, actor_id: uuid.UUID | None
) -> ServiceVersion:
    """Publishes a complete draft, superseding the published version; refuses with every problem."""
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    problems = service_version_problems(version)
    if problems:
        raise VersionIncomplete(errors=problems)
    generated = form_generate(version_specs(version))
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    previous = item.published_version
    if previous is not None:
        ServiceVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.SUPERSEDED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.form_schema = generated.schema
    version.form_ui = generated.ui
    version.save()
    item.published_version = version
    item.channel = version.channel
    item.save(update_fields=["published_version", "channel", "updated_at"])
    search_index_rebuild(item=item, version=version)
    _record(
        AuditEventKind.STATUS_CHANGED,
        actor_id=actor_id,
        obj=version,
        summary={"code": item.code, "version": version.number, "status": VersionStatus.PUBLISHED},
    )
    return version


def _copy_into(target: ServiceVersion, document: Mapping[str, Any]) -> None:
    for row_index, row in enumerate(document["field_rows"]):
        FieldRow.objects.create(version=target, position=row_index, **row)
    for material_index, material in enumerate(document["materials"]):
        Material.objects.create(version=target, position=material_index, **material)


@transaction.atomic
def service_version_clone(*, version: ServiceVersion, actor_id: uuid.UUID | None) -> ServiceVersion:
    """A new draft with everything of ``version``; an item has at most one draft."""
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    if item.versions.filter(status=VersionStatus.DRAFT).exists():
        raise VersionNotEditable(_("This service already has a draft. Edit that one."))
    latest = item.versions.order_by("-number").first()
    document = service_version_export(version=version)
    clone = ServiceVersion.objects.create(
        item=item,
        number=(latest.number if latest else 0) + 1,
        result_certificate_type=version.result_certificate_type,
        **{name: getattr(version, name) for name in GUIDE_FIELDS},
    )
    _copy_into(clone, document)
    _record(
        AuditEventKind.CREATED,
        actor_id=actor_id,
        obj=clone,
        summary={"code": item.code, "version": clone.number, "from": version.number},
    )
    return clone


def _export_problems(document: object) -> dict[str, list[FieldError]]:
    corrupt = {"document": [FieldError("export_corrupt", _("The document is not an export."))]}
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        return corrupt
    item, guide = document.get("item"), document.get("guide")
    rows, materials = document.get("field_rows"), document.get("materials")
    if not (
        isinstance(item, dict)
        and isinstance(guide, dict)
        and isinstance(rows, list)
        and isinstance(materials, list)
        and all(isinstance(row, dict) and set(row) == set(FIELD_ROW_FIELDS) for row in rows)
        and all(isinstance(m, dict) and set(m) == set(MATERIAL_FIELDS) for m in materials)
        and isinstance(item.get("code"), str)
    ):
        return corrupt
    return {}


@transaction.atomic
def service_version_import(*, document: object, actor_id: uuid.UUID | None) -> ServiceVersion:
    """A new draft from an export (creating the item if it is new); nothing saved on error."""
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except ValueError:
            raise ExportInvalid(
                errors={"document": [FieldError("export_corrupt", _("This is not JSON."))]}
            ) from None
    problems = _export_problems(document)
    if problems:
        raise ExportInvalid(errors=problems)
    assert isinstance(document, dict)
    meta = document["item"]
    item = ServiceItem.objects.filter(code=meta["code"]).first()
    if item is None:
        item = service_item_create(
            code=meta["code"],
            name=meta.get("name", ""),
            kind=meta.get("kind", ""),
            department_type_code=meta.get("department_type", ""),
            applicant_types=meta.get("applicant_types") or [],
            topics=meta.get("topics") or [],
            aliases=meta.get("aliases", ""),
            actor_id=actor_id,
        )
        draft = item.versions.get()
    else:
        draft = item.versions.filter(status=VersionStatus.DRAFT).first() or service_version_clone(
            version=item.versions.order_by("-number")[0], actor_id=actor_id
        )
        draft.field_rows.all().delete()
        draft.materials.all().delete()
    service_version_update(
        version=draft,
        changes=document["guide"],
        result_certificate_type_code=document.get("result_certificate_type") or "",
        actor_id=actor_id,
    )
    specs: list[FieldSpec] = []
    for row in document["field_rows"]:
        spec = FieldSpec(**{**row, "options": tuple(row["options"] or ())})
        row_problems = field_spec_problems(spec, earlier=specs, prefill_keys=prefill_keys())
        if row_problems:
            raise ExportInvalid(
                errors={
                    f"field_rows.{spec.key}.{name}": errors for name, errors in row_problems.items()
                }
            )
        specs.append(spec)
    for material in document["materials"]:
        material_problems = _material_problems(version=draft, values=material)
        if material_problems:
            raise ExportInvalid(errors=material_problems)
    _copy_into(draft, document)
    draft.refresh_from_db()
    return draft


@transaction.atomic
def bundle_save(
    *,
    code: str,
    name: str,
    description: str = "",
    topic: str = "",
    item_codes: Sequence[str],
    field_maps: Mapping[str, Mapping[str, str]] | None = None,
    actor_id: uuid.UUID | None,
) -> Bundle:
    """Creates or replaces a life-event bundle of published services, in the order given."""
    items = {item.code: item for item in ServiceItem.objects.filter(code__in=item_codes)}
    missing = [value for value in item_codes if value not in items]
    if missing or len(item_codes) < 2:
        raise InvalidInput(
            errors={
                "item_codes": [
                    FieldError(
                        "items",
                        _("A bundle groups at least two known services; unknown: %s")
                        % ", ".join(missing),
                    )
                ]
            }
        )
    if topic and topic not in Topic.values:
        raise InvalidInput(errors={"topic": [FieldError("choice", _("Choose a topic."))]})
    bundle, created = Bundle.objects.update_or_create(
        code=code, defaults={"name": name, "description": description, "topic": topic}
    )
    bundle.members.all().delete()
    BundleMember.objects.bulk_create(
        [
            BundleMember(
                bundle=bundle,
                item=items[item_code],
                position=index,
                field_map=dict((field_maps or {}).get(item_code, {})),
            )
            for index, item_code in enumerate(item_codes)
        ]
    )
    _record(
        AuditEventKind.CREATED if created else AuditEventKind.CHANGED,
        actor_id=actor_id,
        obj=bundle,
        summary={"code": code, "items": list(item_codes)},
    )
    return bundle


ITEM_FIELDS = ("code", "name", "aliases", "kind", "department_type", "applicant_types", "topics")
DEMO_DIRECTORY = Path(__file__).resolve().parent / "demo"
FIELD_ROW_DEFAULTS: dict[str, Any] = {
    "required": True,
    "options": [],
    "help_text": "",
    "max_length": None,
    "step": "",
    "condition_field": "",
    "condition_value": "",
    "prefill_source": "",
    "purpose": "",
}
MATERIAL_DEFAULTS: dict[str, Any] = {
    "requirement": MaterialRequirement.REQUIRED,
    "condition_field": "",
    "condition_value": "",
    "form": MaterialForm.ORIGINAL,
    "copies": 1,
    "description": "",
    "sample": "",
    "certificate_type_codes": [],
}


@transaction.atomic
def demo_catalog_load(
    *, directory: Path = DEMO_DIRECTORY, actor_id: uuid.UUID | None = None
) -> int:
    """Publishes the demo catalog's services and bundles that are missing; returns how many
    services it published (0 when everything is there: the demo is loaded idempotently)."""
    published = 0
    for entry in json.loads((directory / "services.json").read_text(encoding="utf-8")):
        if ServiceItem.objects.filter(code=entry["code"], published_version__isnull=False).exists():
            continue
        process_name = entry.get("process") or f"review_{entry['department_type']}"
        process = directory / "processes" / f"{process_name}.bpmn"
        document = {
            "format": EXPORT_FORMAT,
            "item": {name: entry[name] for name in ITEM_FIELDS},
            "guide": {**entry["guide"], "process_bpmn": process.read_text(encoding="utf-8")},
            "result_certificate_type": entry.get("result_certificate_type", ""),
            "field_rows": [{**FIELD_ROW_DEFAULTS, **row} for row in entry["field_rows"]],
            "materials": [{**MATERIAL_DEFAULTS, **row} for row in entry["materials"]],
        }
        draft = service_version_import(document=document, actor_id=actor_id)
        service_version_publish(version=draft, actor_id=actor_id)
        published += 1
    for entry in json.loads((directory / "bundles.json").read_text(encoding="utf-8")):
        if Bundle.objects.filter(code=entry["code"]).exists():
            continue
        bundle_save(
            code=entry["code"],
            name=entry["name"],
            description=entry["description"],
            topic=entry["topic"],
            item_codes=entry["items"],
            field_maps=entry["field_maps"],
            actor_id=actor_id,
        )
    return published


__all__ = [
    "FactSubject",
    "FieldSpec",
    "FieldType",
    "RuleResult",
    "RulesOutcome",
    "bundle_save",
    "demo_catalog_load",
    "field_row_add",
    "field_row_remove",
    "material_add",
    "prefill_keys",
    "rule_facts",
    "rules_digest",
    "rules_evaluate",
    "rules_problems",
    "search_index_rebuild",
    "service_item_create",
    "service_version_clone",
    "service_version_import",
    "service_version_problems",
    "service_version_publish",
    "service_version_update",
]
