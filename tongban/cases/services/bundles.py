"""Life-event bundles (一件事一次办): one combined form, one set of materials, one receipt.

Applying for a bundle creates a parent case with one child case per service; every child is
submitted in the same transaction, so all departments receive their part at the same moment
(串联改并联), or none does. Each child carries only its own service's answers and materials:
a department sees its part, never the others'. The parent keeps no process of its own: its
status, due date and timeline follow its children (``bundle_parent_sync``, called whenever a
child changes status, under the parent's row lock so no child's change is lost).

A value another member of the bundle issues (the business licence's credit code for the seal
filing, tax, social insurance and provident fund) is not asked: it is marked pending on the
child, and the licence itself stands as the material (``MaterialSource.BUNDLE``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import PartyKind
from tongban.accounts.models import Enterprise, User
from tongban.accounts.selectors import ActorContext
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import (
    BUNDLE_KEY_SEPARATOR,
    DEFAULT_ACCEPTANCE_DAYS,
    FINAL_STATUSES,
    ApplicantKind,
    BundleStatus,
    CaseEventKind,
    CaseStatus,
    DecisionKind,
    MaterialSource,
)
from tongban.cases.exceptions import (
    BundleIncomplete,
    BundleNotAvailable,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    MaterialInvalid,
)
from tongban.cases.models import Case, CaseMaterial, SubmissionKey
from tongban.cases.selectors import bundle_status_of
from tongban.cases.services.districts import region_offering_check
from tongban.cases.services.drafts import AssuranceTooLow, answers_clean
from tongban.cases.services.materials import material_file_check, materials_auto_satisfy
from tongban.cases.services.submission import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    case_number_next,
    case_received_notify,
    case_submit,
    commitment_current,
)
from tongban.cases.services.timeline import case_event_record, case_transition
from tongban.catalog.models import Bundle, BundleMember, Material, ServiceVersion
from tongban.catalog.selectors import bundle_answers_split, bundle_guide, material_is_needed
from tongban.core.exceptions import FieldError
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import add_working_days, local_date
from tongban.organization.selectors import department_responsible

CERTIFICATE_PREFILL = "certificates:"


@dataclass(frozen=True)
class BundleUpload:
    """One file of the bundle's one set of materials, for the material of that name."""

    material_name: str
    file_name: str
    data: bytes


@dataclass
class BundlePlan:
    """What the combined form asks, once each, and what the bundle provides itself."""

    bundle: Bundle
    members: list[BundleMember]
    versions: dict[str, ServiceVersion]
    fields: list[dict[str, Any]]
    schema: dict[str, Any]
    # Per service code: field key -> the certificate issued within the bundle that fills it.
    pending: dict[str, dict[str, str]]
    materials: list[Material]
    # Material name -> the certificate issued within the bundle that stands for it.
    provided: dict[str, str]
    department_types: list[str]
    real_name_level: int = 0
    authentication_strength: int = 0
    notes: list[str] = field(default_factory=list)


def _issued_within(versions: Mapping[str, ServiceVersion]) -> dict[str, tuple[str, str]]:
    """Certificate type code -> (its name, the code of the service that issues it)."""
    issued: dict[str, tuple[str, str]] = {}
    for code, version in versions.items():
        certificate = version.result_certificate_type
        if certificate is not None:
            issued[certificate.code] = (certificate.name, code)
    return issued


def bundle_plan(*, code: str) -> BundlePlan:
    """The bundle's combined form and materials (raises ``BundleNotAvailable``)."""
    try:
        guide = bundle_guide(code=code)
    except Exception as error:  # the catalog's own not-found
        raise BundleNotAvailable() from error
    members = list(
        guide.bundle.members.select_related(
            "item__published_version__result_certificate_type", "item__department_type"
        ).order_by("position")
    )
    versions: dict[str, ServiceVersion] = {}
    for member in members:
        version = member.item.published_version
        if version is None:
            raise BundleNotAvailable()
        versions[member.item.code] = version
    issued = _issued_within(versions)
    pending: dict[str, dict[str, str]] = {code: {} for code in versions}
    for service_code, version in versions.items():
        for row in version.field_rows.exclude(prefill_source=""):
            if not row.prefill_source.startswith(CERTIFICATE_PREFILL):
                continue
            type_code = row.prefill_source[len(CERTIFICATE_PREFILL) :].partition(".")[0]
            source = issued.get(type_code)
            if source is not None and source[1] != service_code:
                pending[service_code][row.key] = source[0]
    reverse = {
        member.item.code: {target: source for source, target in member.field_map.items()}
        for member in members
    }
    properties: dict[str, Any] = {}
    required: set[str] = set()
    asked: list[dict[str, Any]] = []
    for spec in guide.combined_fields:
        services = [
            service
            for service in spec["services"]
            if _field_key(reverse[service], spec["key"], service) not in pending[service]
        ]
        if not services:
            continue
        asked.append({**spec, "services": services})
        for service in services:
            key = _field_key(reverse[service], spec["key"], service)
            schema = versions[service].form_schema
            if key in schema.get("properties", {}):
                properties.setdefault(spec["key"], schema["properties"][key])
            if key in schema.get("required", []):
                required.add(spec["key"])
    provided: dict[str, str] = {}
    materials: list[Material] = []
    seen: set[str] = set()
    for version in versions.values():
        own = version.result_certificate_type.code if version.result_certificate_type else ""
        for material in version.materials.order_by("position"):
            within = [
                issued[type_code][0]
                for type_code in material.certificate_type_codes or []
                if type_code in issued and type_code != own
            ]
            if within:
                provided.setdefault(material.name, within[0])
            elif material.name not in seen:
                seen.add(material.name)
                materials.append(material)
    materials = [material for material in materials if material.name not in provided]
    return BundlePlan(
        bundle=guide.bundle,
        members=members,
        versions=versions,
        fields=asked,
        schema={"type": "object", "properties": properties, "required": sorted(required)},
        pending=pending,
        materials=materials,
        provided=provided,
        department_types=list(
            dict.fromkeys(member.item.department_type.code for member in members)
        ),
        real_name_level=max(version.real_name_level for version in versions.values()),
        authentication_strength=max(
            version.authentication_strength for version in versions.values()
        ),
    )


def _field_key(reverse: Mapping[str, str], combined_key: str, service_code: str) -> str:
    """A service's own key of a combined question (the inverse of ``bundle_answers_split``)."""
    mapped = {source: target for target, source in reverse.items()}
    if combined_key in mapped:
        return mapped[combined_key]
    prefix = f"{service_code}."
    return combined_key[len(prefix) :] if combined_key.startswith(prefix) else combined_key


def _combined_key(reverse: Mapping[str, str], field_key: str, service_code: str) -> str:
    return reverse.get(field_key, f"{service_code}.{field_key}")


# --- applying ------------------------------------------------------------------------------


def _digest(*, code: str, region_code: str, commitment_version: int | None) -> str:
    body = {"bundle": code, "region": region_code, "commitment": commitment_version}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _existing(*, actor_id: uuid.UUID, key: str, digest: str) -> Case | None:
    stored = SubmissionKey.objects.select_related("case").filter(user_id=actor_id, key=key).first()
    if stored is None:
        return None
    if stored.request_digest != digest:
        raise IdempotencyKeyReused()
    return stored.case


def _applicant(case: Case, actor: ActorContext) -> None:
    party = actor.party
    if party.kind == PartyKind.ENTERPRISE:
        case.applicant_kind = ApplicantKind.ENTERPRISE
        case.applicant_enterprise = Enterprise.objects.get(pk=party.id)
        case.applicant_name = case.applicant_enterprise.name
    else:
        # A founder applies for the enterprise-to-be: the bundle's services for enterprises
        # are filed by the person, before the enterprise exists.
        case.applicant_kind = ApplicantKind.PERSON
        case.applicant_person_id = party.id
        case.applicant_name = party.name
    case.filed_by_id = actor.actor_id
    case.grant_id = party.grant_id


def bundle_submit(
    *,
    code: str,
    actor: ActorContext,
    real_name_level: int,
    authentication_strength: int,
    answers: Mapping[str, Any],
    uploads: Sequence[BundleUpload],
    region_code: str,
    idempotency_key: str,
    commitment_version: int | None,
    confirmed: bool,
) -> Case:
    """Applies for a bundle once: the parent case and every child, submitted together.

    Every problem is reported at once (``BundleIncomplete`` with keys ``<combined key>``,
    ``materials.<name>``, ``commitment``) and nothing is stored; a district that does not
    offer every service is ``RegionNotOffered``. The same key returns the same parent.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH - 40:
        raise IdempotencyKeyMissing()
    digest = _digest(code=code, region_code=region_code, commitment_version=commitment_version)
    actor_id = actor.actor_id
    existing = _existing(actor_id=actor_id, key=key, digest=digest)
    if existing is not None:
        return existing
    try:
        return _bundle_submit(
            code=code,
            actor=actor,
            real_name_level=real_name_level,
            authentication_strength=authentication_strength,
            answers=answers,
            uploads=uploads,
            region_code=region_code,
            key=key,
            digest=digest,
            commitment_version=commitment_version,
            confirmed=confirmed,
        )
    except IntegrityError:
        # The same key submitted concurrently: the other request stored the parent.
        existing = _existing(actor_id=actor_id, key=key, digest=digest)
        if existing is None:
            raise
        return existing


@transaction.atomic
def _bundle_submit(
    *,
    code: str,
    actor: ActorContext,
    real_name_level: int,
    authentication_strength: int,
    answers: Mapping[str, Any],
    uploads: Sequence[BundleUpload],
    region_code: str,
    key: str,
    digest: str,
    commitment_version: int | None,
    confirmed: bool,
) -> Case:
    plan = bundle_plan(code=code)
    if (
        real_name_level < plan.real_name_level
        or authentication_strength < plan.authentication_strength
    ):
        raise AssuranceTooLow()
    region = region_offering_check(department_types=plan.department_types, region_code=region_code)
    actor_id = actor.actor_id
    errors: dict[str, list[FieldError]] = {}
    split = bundle_answers_split(code=code, answers=dict(answers))
    cleaned_by_service: dict[str, dict[str, Any]] = {}
    for member in plan.members:
        service = member.item.code
        version = plan.versions[service]
        reverse = {target: source for source, target in member.field_map.items()}
        cleaned, problems = answers_clean(version=version, answers=split[service], complete=True)
        cleaned_by_service[service] = cleaned
        for field_key, items in problems.items():
            kept = [
                item
                for item in items
                if not (field_key in plan.pending[service] and item.code == "required")
            ]
            if kept:
                errors.setdefault(_combined_key(reverse, field_key, service), kept)
    files: dict[str, tuple[str, bytes, str, int]] = {}
    for upload in uploads:
        if not upload.data:
            continue
        try:
            stored, content_type, pages = material_file_check(data=upload.data)
        except MaterialInvalid as problem:
            errors[f"materials.{upload.material_name}"] = [
                FieldError(problem.code, problem.translated_message())
            ]
            continue
        files[upload.material_name] = (upload.file_name, stored, content_type, pages)
    current = commitment_current()
    if not confirmed or commitment_version != current.version:
        errors["commitment"] = [
            FieldError("commitment_required", _("Confirm the credit commitment."))
        ]
    now = timezone.now()
    today = local_date(now)
    filer = User.objects.get(pk=actor_id)
    first = plan.members[0]
    parent = Case(
        service_item=first.item,
        service_version=plan.versions[first.item.code],
        bundle=plan.bundle,
        region=region,
        filed_by=filer,
    )
    _applicant(parent, actor)
    parent.answers = dict(answers)
    parent.save()
    children: list[Case] = []
    for member in plan.members:
        service = member.item.code
        version = plan.versions[service]
        child = Case(
            service_item=member.item,
            service_version=version,
            parent=parent,
            region=region,
            filed_by=filer,
            handling_department=department_responsible(
                department_type=member.item.department_type.code, region_code=region.code
            ),
        )
        _applicant(child, actor)
        child.answers = cleaned_by_service[service]
        child.prefill = {
            field_key: {
                "value": None,
                "source": "bundle",
                "label": str(
                    _("%(certificate)s, issued within this bundle") % {"certificate": name}
                ),
                "editable": False,
                "pending": True,
            }
            for field_key, name in plan.pending[service].items()
        }
        child.save()
        children.append(child)
    # Held documents first (a certificate already in the wallet), then the bundle's own
    # results, then the one set of uploads; anything still missing is reported once, by name.
    missing: set[str] = set()
    stored_names: dict[str, str] = {}
    for child in children:
        materials_auto_satisfy(case=child, actor_id=actor_id)
        present = set(child.materials.values_list("material_id", flat=True))
        answers_of_child = child.answers
        for material in child.service_version.materials.order_by("position"):
            if material.pk in present or not material_is_needed(material, answers_of_child):
                continue
            if material.name in plan.provided:
                CaseMaterial.objects.create(
                    case=child,
                    material=material,
                    source=MaterialSource.BUNDLE,
                    satisfier="bundle",
                    reference=str(parent.pk),
                    label=str(
                        _("%(certificate)s, issued within this bundle")
                        % {"certificate": plan.provided[material.name]}
                    )[:300],
                    added_by_id=actor_id,
                )
            elif material.name in files and not errors:
                file_name, stored, content_type, pages = files[material.name]
                row = CaseMaterial(
                    case=child,
                    material=material,
                    source=MaterialSource.UPLOAD,
                    original_name=file_name[-200:],
                    content_type=content_type,
                    size=len(stored),
                    page_count=pages,
                    sha256=hashlib.sha256(stored).hexdigest(),
                    added_by_id=actor_id,
                )
                # One file, stored once, shared by every department that needs it.
                if material.name in stored_names:
                    row.file.name = stored_names[material.name]
                else:
                    row.file.save("material", ContentFile(stored), save=False)
                    stored_names[material.name] = str(row.file.name)
                row.save()
            elif material.name not in files:
                missing.add(material.name)
    for name in sorted(missing):
        errors[f"materials.{name}"] = [
            FieldError("material_missing", _("Provide the material “%(name)s”.") % {"name": name})
        ]
    if errors:
        # Nothing is stored: the transaction rolls back, and the files written are removed.
        for stored_name in stored_names.values():
            CaseMaterial._meta.get_field("file").storage.delete(stored_name)
        raise BundleIncomplete(errors=errors)
    for child in children:
        case_submit(
            case_id=child.pk,
            actor_id=actor_id,
            idempotency_key=f"{key}{BUNDLE_KEY_SEPARATOR}{child.service_item.code}",
            commitment_version=commitment_version,
            confirmed=confirmed,
        )
    parent.number = case_number_next(region_code=region.code, day=today)
    parent.submitted_at = now
    parent.received_on = today
    dues = [
        due
        for due in Case.objects.filter(parent=parent).values_list("acceptance_due", flat=True)
        if due is not None
    ]
    parent.acceptance_due = (
        max(dues)
        if dues
        else add_working_days(working_calendar_get(), today, DEFAULT_ACCEPTANCE_DAYS).day
    )
    parent.commitment = current
    parent.committed_at = now
    case_transition(
        case=parent,
        to=CaseStatus.SUBMITTED,
        event=CaseEventKind.SUBMITTED,
        actor_id=actor_id,
        details={
            "number": parent.number,
            "bundle": plan.bundle.code,
            "children": [str(child.pk) for child in children],
        },
        update_fields=(
            "number",
            "submitted_at",
            "received_on",
            "acceptance_due",
            "commitment",
            "committed_at",
        ),
    )
    SubmissionKey.objects.create(user_id=actor_id, key=key, request_digest=digest, case=parent)
    audit_event_record(
        kind=AuditEventKind.CREATED,
        object_type="cases.case",
        object_id=str(parent.pk),
        summary={"bundle": plan.bundle.code, "children": len(children)},
        **actor.audit_fields(),
    )
    case_received_notify(case=parent, service_name=plan.bundle.name)
    # The children may have moved on already (instant approval): the parent follows them.
    bundle_parent_sync(parent_id=parent.pk)
    parent.refresh_from_db()
    return parent


# --- the parent follows its children --------------------------------------------------------


def bundle_parent_sync(*, parent_id: uuid.UUID, child: Case | None = None) -> None:
    """Brings a bundle's parent in line with its children (inside the caller's transaction).

    The parent row is locked after the child's (the same order everywhere, so concurrent
    decisions in different departments queue instead of deadlocking); the last child to
    finish sees every other child's committed status and joins the parent.
    """
    parent = Case.objects.select_for_update(of=("self",)).filter(pk=parent_id).first()
    if parent is None or parent.status in (CaseStatus.DRAFT, *FINAL_STATUSES):
        return
    children = list(Case.objects.filter(parent=parent).select_related("handling_department"))
    if child is not None and child.status in FINAL_STATUSES:
        case_event_record(
            case=parent,
            kind=CaseEventKind.BRANCH_COMPLETED,
            department=child.handling_department,
            note=f"{child.service_item.name}：{child.get_status_display()}",
            details={"child": str(child.pk), "status": child.status},
        )
    decision_dues = [c.decision_due for c in children if c.decision_due is not None]
    fields: list[str] = []
    if decision_dues and parent.decision_due != max(decision_dues):
        # The bundle is done when its slowest department is: the critical path.
        parent.decision_due = max(decision_dues)
        fields.append("decision_due")
    status = bundle_status_of(children)
    if status == BundleStatus.IN_PROGRESS:
        started = any(c.status != CaseStatus.SUBMITTED for c in children)
        if parent.status == CaseStatus.SUBMITTED and started:
            parent.accepted_at = timezone.now()
            parent.accepted_on = local_date(parent.accepted_at)
            case_transition(
                case=parent,
                to=CaseStatus.ACCEPTED,
                event=CaseEventKind.ACCEPTED,
                actor_id=None,
                update_fields=("accepted_at", "accepted_on", *fields),
            )
        elif fields:
            parent.save(update_fields=[*fields, "updated_at"])
        return
    approved = status != BundleStatus.REFUSED
    parent.decided_at = timezone.now()
    parent.decision_kind = DecisionKind.APPROVED if approved else DecisionKind.REJECTED
    case_transition(
        case=parent,
        to=CaseStatus.APPROVED if approved else CaseStatus.REJECTED,
        event=CaseEventKind.APPROVED if approved else CaseEventKind.REJECTED,
        actor_id=None,
        note=str(status.label),
        details={"bundle_status": str(status)},
        update_fields=("decided_at", "decision_kind", *fields),
    )
