"""Drafts: created from a published service at its assurance level, prefilled, autosaved per
step (on the server, so the draft resumes on another device), and flagged values corrected."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import PartyKind
from tongban.accounts.models import Enterprise, User
from tongban.accounts.selectors import ActorContext
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import (
    ApplicantKind,
    CaseEventKind,
    CaseStatus,
    CorrectionStatus,
    MaterialSource,
)
from tongban.cases.exceptions import (
    CaseInvalid,
    CaseNotEditable,
    CorrectionNotFound,
    ServiceNotAvailable,
)
from tongban.cases.models import Case, CorrectionRequest
from tongban.cases.prefill import CORRECTION_DEPARTMENT_TYPES
from tongban.cases.services.districts import region_offering_check
from tongban.cases.services.materials import materials_auto_satisfy
from tongban.cases.services.timeline import case_event_record
from tongban.catalog.models import FieldRow, ServiceItem, ServiceVersion
from tongban.catalog.selectors import form_data_errors, material_is_needed
from tongban.core.exceptions import DomainError, FieldError, PermissionDenied
from tongban.core.prefill import PrefillSubject, prefill_sources
from tongban.notifications.services import notification_send
from tongban.organization.models import Region
from tongban.organization.selectors import department_responsible

logger = logging.getLogger(__name__)

# The source department answered a correction request ("this prefilled value is wrong").
CORRECTION_ANSWERED_EVENT = "cases.correction_answered"

PREFILL_PURPOSE = "Prefill an application form (online government services)"


class AssuranceTooLow(PermissionDenied):
    code = "assurance_too_low"
    default_message = _(
        "This service needs a higher real-name level or a stronger sign-in. Verify first."
    )


def _field_rows(version: ServiceVersion) -> list[FieldRow]:
    return list(version.field_rows.order_by("position"))


def _row_applies(row: FieldRow, answers: Mapping[str, Any]) -> bool:
    if not row.condition_field:
        return True
    return str(answers.get(row.condition_field, "")) == row.condition_value


def _region_for(user: User, region_code: str | None) -> Region | None:
    for code in (region_code, user.region_code):
        if code:
            region = Region.objects.filter(code=code).first()
            if region is not None:
                return region
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


def prefill_resolve(*, case: Case, actor_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """The prefilled value of every field of ``case`` whose source holds one, by field key."""
    rows = [row for row in _field_rows(case.service_version) if row.prefill_source]
    wanted: dict[str, list[tuple[str, FieldRow]]] = {}
    for row in rows:
        source_key, _colon, value_key = row.prefill_source.partition(":")
        wanted.setdefault(source_key, []).append((value_key, row))
    subject = PrefillSubject(
        person_id=case.applicant_person_id,
        enterprise_id=case.applicant_enterprise_id,
        actor_id=actor_id,
        purpose=PREFILL_PURPOSE,
    )
    found: dict[str, dict[str, Any]] = {}
    for source_key, pairs in wanted.items():
        source = prefill_sources.get(source_key)
        if source is None:
            continue
        try:
            values = source.values(subject=subject, keys=[key for key, _row in pairs])
        except DomainError as error:
            # A registry that cannot answer leaves its fields to type, never blocks the draft.
            logger.warning(
                "prefill source failed", extra={"source": source_key, "code": error.code}
            )
            continue
        for value_key, row in pairs:
            value = values.get(value_key)
            if value is None:
                continue
            found[row.key] = {
                "value": value.value,
                "source": source_key,
                "label": str(value.source_label),
                "editable": value.editable,
            }
    return found


def _burden_update(case: Case) -> None:
    rows = _field_rows(case.service_version)
    answers = case.answers
    applying = [row for row in rows if _row_applies(row, answers)]
    case.fields_prefilled = sum(1 for row in applying if row.key in case.prefill)
    case.fields_typed = len(applying) - case.fields_prefilled
    materials = list(case.materials.all()) if case.pk else []
    case.materials_by_certificate = len(
        {m.material_id for m in materials if m.source != MaterialSource.UPLOAD}
    )
    case.materials_uploaded = len(
        {m.material_id for m in materials if m.source == MaterialSource.UPLOAD}
    )


@transaction.atomic
def case_draft_create(
    *,
    item: ServiceItem,
    actor: ActorContext,
    real_name_level: int,
    authentication_strength: int,
    region_code: str | None = None,
) -> Case:
    """A draft for the item's published version, for the party ``actor`` acts for, prefilled.

    Raises ``ServiceNotAvailable`` for an unpublished item and ``AssuranceTooLow`` when the
    account or the session is weaker than the version requires (the page steps up first).
    """
    version = item.published_version
    if version is None:
        raise ServiceNotAvailable()
    if (
        real_name_level < version.real_name_level
        or authentication_strength < version.authentication_strength
    ):
        raise AssuranceTooLow()
    filer = User.objects.get(pk=actor.actor_id)
    party = actor.party
    case = Case(
        service_item=item,
        service_version=version,
        filed_by=filer,
        grant_id=party.grant_id,
        current_step="",
    )
    if party.kind == PartyKind.ENTERPRISE:
        case.applicant_kind = ApplicantKind.ENTERPRISE
        case.applicant_enterprise = Enterprise.objects.get(pk=party.id)
        case.applicant_name = case.applicant_enterprise.name
        if ApplicantKind.ENTERPRISE not in (item.applicant_types or [ApplicantKind.ENTERPRISE]):
            raise ServiceNotAvailable(_("This service is for persons, not enterprises."))
    else:
        case.applicant_kind = ApplicantKind.PERSON
        case.applicant_person = User.objects.get(pk=party.id)
        case.applicant_name = party.name
        if ApplicantKind.PERSON not in (item.applicant_types or [ApplicantKind.PERSON]):
            raise ServiceNotAvailable(_("This service is for enterprises, not persons."))
    if region_code:
        # Any district that offers the service (通办); one that does not is refused.
        region: Region | None = region_offering_check(
            department_types=[item.department_type.code], region_code=region_code
        )
    else:
        region = _region_for(case.applicant_person or filer, region_code)
    case.region = region
    if region is not None:
        case.handling_department = department_responsible(
            department_type=item.department_type.code, region_code=region.code
        )
    case.save()
    case.prefill = prefill_resolve(case=case, actor_id=filer.pk)
    case.answers = {key: entry["value"] for key, entry in case.prefill.items()}
    _burden_update(case)
    case.save()
    materials_auto_satisfy(case=case, actor_id=filer.pk)
    case_event_record(case=case, kind=CaseEventKind.DRAFT_CREATED, actor_id=filer.pk)
    audit_event_record(
        kind=AuditEventKind.CREATED,
        object_type="cases.case",
        object_id=str(case.pk),
        summary={"service": item.code, "version": version.number},
        **actor.audit_fields(),
    )
    return case


def answers_clean(
    *, version: ServiceVersion, answers: Mapping[str, Any], complete: bool
) -> tuple[dict[str, Any], dict[str, list[FieldError]]]:
    """The answers without those of questions that do not apply, and every problem at once.

    With ``complete`` off (an autosave), unanswered required questions are not problems yet.
    """
    rows = _field_rows(version)
    keys = {row.key for row in rows}
    errors: dict[str, list[FieldError]] = {}
    unknown = [key for key in answers if key not in keys]
    for key in unknown:
        errors[str(key)[:64]] = [FieldError("unexpected", _("The form has no such question."))]
    cleaned = {
        key: value for key, value in answers.items() if key in keys and value not in (None, "")
    }
    cleaned = {
        row.key: cleaned[row.key]
        for row in rows
        if row.key in cleaned and _row_applies(row, cleaned)
    }
    for key, problems in form_data_errors(version.form_schema, cleaned).items():
        kept = [p for p in problems if complete or p.code != "required"]
        if kept:
            errors.setdefault(key, []).extend(kept)
    return cleaned, errors


@transaction.atomic
def case_draft_update(
    *,
    case_id: uuid.UUID,
    actor_id: uuid.UUID,
    answers: Mapping[str, Any],
    step: str = "",
    replace: bool = False,
) -> Case:
    """Saves the answers of one step (merged into the draft); every problem at once.

    A prefilled value the source does not let the applicant change is refused
    (``not_editable``); nothing is saved when anything is wrong.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.DRAFT:
        raise CaseNotEditable()
    errors: dict[str, list[FieldError]] = {}
    for key, value in answers.items():
        entry = case.prefill.get(key)
        if entry and not entry["editable"] and value != entry["value"]:
            errors[key] = [
                FieldError(
                    "not_editable",
                    _(
                        "This value comes from %(source)s and cannot be changed here; flag it "
                        "as wrong instead."
                    )
                    % {"source": entry["label"]},
                )
            ]
    # An autosave sends one step (merged); a page that sends every answer replaces them, so a
    # cleared optional answer goes away.
    merged = dict(answers) if replace else {**case.answers, **dict(answers)}
    cleaned, problems = answers_clean(version=case.service_version, answers=merged, complete=False)
    for key, items in problems.items():
        errors.setdefault(key, []).extend(items)
    if errors:
        raise CaseInvalid(errors=errors)
    case.answers = cleaned
    if step:
        case.current_step = step[:100]
    _burden_update(case)
    case.save()
    materials_auto_satisfy(case=case, actor_id=actor_id)
    return case


def materials_needed(case: Case) -> list[Any]:
    """The catalog materials this case needs with its current answers."""
    answers = case.answers
    return [m for m in case.service_version.materials.all() if material_is_needed(m, answers)]


@transaction.atomic
def correction_request_file(
    *, case: Case, actor_id: uuid.UUID, field_key: str, value_claimed: str
) -> CorrectionRequest:
    """Files "this prefilled value is wrong" with the department that keeps the source."""
    entry = case.prefill.get(field_key)
    row = case.service_version.field_rows.filter(key=field_key).first()
    if entry is None or row is None:
        raise CaseInvalid(
            errors={"field": [FieldError("not_prefilled", _("This value was not prefilled."))]}
        )
    value_claimed = value_claimed.strip()[:500]
    if not value_claimed:
        raise CaseInvalid(
            errors={"value_claimed": [FieldError("required", _("Say what the right value is."))]}
        )
    department = None
    department_type = CORRECTION_DEPARTMENT_TYPES.get(entry["source"])
    if department_type and case.region is not None:
        department = department_responsible(
            department_type=department_type, region_code=case.region.code
        )
    correction = CorrectionRequest.objects.create(
        case=case,
        requested_by_id=actor_id,
        field_key=field_key,
        field_label=row.label,
        source=entry["source"],
        source_label=entry["label"],
        department=department,
        value_shown=str(entry["value"]),
        value_claimed=value_claimed,
    )
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor_id,
        object_type="cases.correctionrequest",
        object_id=str(correction.pk),
        summary={"source": entry["source"], "field": field_key},
    )
    return correction


@transaction.atomic
def correction_request_answer(
    *, correction_id: uuid.UUID, actor_id: uuid.UUID, corrected: bool, answer: str
) -> CorrectionRequest:
    """The source department's answer: corrected at the source, or checked and right."""
    correction = CorrectionRequest.objects.select_for_update().filter(pk=correction_id).first()
    if correction is None:
        raise CorrectionNotFound()
    if correction.status != CorrectionStatus.OPEN:
        raise CaseInvalid(
            errors={"status": [FieldError("answered", _("This request was already answered."))]}
        )
    answer = answer.strip()
    if not answer:
        raise CaseInvalid(errors={"answer": [FieldError("required", _("Write the answer."))]})
    correction.status = CorrectionStatus.CORRECTED if corrected else CorrectionStatus.CONFIRMED
    correction.answer = answer[:2000]
    correction.answered_at = timezone.now()
    correction.answered_by_id = actor_id
    correction.save()
    # The applicant flagged the value and waits for the answer: tell them, in the same
    # transaction, where they can read it.
    notification_send(
        event=CORRECTION_ANSWERED_EVENT,
        recipient=correction.requested_by_id,
        context={
            "field": correction.field_label,
            "source": correction.source_label,
            "answer": correction.answer,
        },
        link=reverse("cases:corrections"),
        dedupe_key=f"cases.correction_answered:{correction.pk}",
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=actor_id,
        object_type="cases.correctionrequest",
        object_id=str(correction.pk),
        summary={"status": correction.status},
    )
    return correction
