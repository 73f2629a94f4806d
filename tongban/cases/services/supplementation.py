"""Supplementation (补正): the department says at once everything that is missing or faulty.

At acceptance or during review, the officer of the open task returns the case with every
item (form fields and materials) and the reason for each, in one notice (补正材料通知书,
行政许可法 Art. 32(4): 一次性告知). The task stays open in the inbox and the case's clocks stop;
the officer cannot decide meanwhile (except to refuse acceptance). The applicant may change
only the requested items, then resubmits; the clocks resume with the paused working days
added, and the timeline shows the pause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.cases.constants import (
    PROCESS_SUBJECT_TYPE,
    SUPPLEMENT_ITEMS_MAX,
    CaseEventKind,
    CaseStatus,
    MaterialSource,
    NoticeKind,
    PauseKind,
    SupplementationStatus,
    SupplementItemKind,
)
from tongban.cases.exceptions import (
    CaseInvalid,
    CaseNotFound,
    CaseTransitionInvalid,
    ItemNotRequested,
    SupplementationInvalid,
    SupplementationNotOpen,
    SupplementationPending,
)
from tongban.cases.models import Case, CaseMaterial, Supplementation
from tongban.cases.services.clocks import case_pause_end, case_pause_start
from tongban.cases.services.drafts import answers_clean
from tongban.cases.services.materials import material_file_check
from tongban.cases.services.notices import case_notice_issue
from tongban.cases.services.timeline import case_transition
from tongban.core.exceptions import FieldError, NotFound
from tongban.core.working_days import local_date
from tongban.notifications.services import notification_send
from tongban.organization.models import Department
from tongban.workflow.constants import ACTIVE_TASK_STATUSES
from tongban.workflow.selectors import task_get_for_staff

SUPPLEMENTATION_EVENT = "cases.supplementation_requested"
ITEM_REASON_MAX_CHARS = 500


def _items_clean(case: Case, items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The requested items with their labels; every problem at once."""
    version = case.service_version
    fields = {row.key: row.label for row in version.field_rows.all()}
    materials = {str(row.pk): row.name for row in version.materials.all()}
    errors: dict[str, list[FieldError]] = {}
    cleaned: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    if not items:
        errors["items"] = [FieldError("required", _("Name at least one item to supplement."))]
    if len(items) > SUPPLEMENT_ITEMS_MAX:
        errors["items"] = [FieldError("too_many", _("Too many items."))]
    for index, item in enumerate(items[:SUPPLEMENT_ITEMS_MAX]):
        kind = str(item.get("kind", ""))
        key = str(item.get("key", ""))
        reason = str(item.get("reason", "") or "").strip()
        name = f"items.{index}"
        if kind == SupplementItemKind.FIELD and key in fields:
            label = fields[key]
        elif kind == SupplementItemKind.MATERIAL and key in materials:
            label = materials[key]
        else:
            errors[name] = [FieldError("unknown_item", _("The application has no such item."))]
            continue
        if (kind, key) in seen:
            errors[name] = [FieldError("duplicate", _("This item is listed twice."))]
            continue
        seen.add((kind, key))
        if not reason:
            errors[f"{name}.reason"] = [
                FieldError(
                    "required", _("Say what is missing or wrong in %(item)s.") % {"item": label}
                )
            ]
        elif len(reason) > ITEM_REASON_MAX_CHARS:
            errors[f"{name}.reason"] = [FieldError("too_long", _("The reason is too long."))]
        cleaned.append({"kind": kind, "key": key, "label": label, "reason": reason})
    if errors:
        raise SupplementationInvalid(errors=errors)
    return cleaned


def supplementation_open(*, case: Case) -> Supplementation | None:
    return case.supplementations.filter(status=SupplementationStatus.OPEN).first()


@transaction.atomic
def case_supplementation_request(
    *,
    task_id: uuid.UUID,
    actor: User,
    items: Sequence[Mapping[str, Any]],
    today: dt.date | None = None,
) -> Supplementation:
    """The officer of an open task returns its case for supplementation, with every item."""
    try:
        task = task_get_for_staff(user=actor, task_id=task_id)
    except NotFound:
        raise CaseNotFound() from None
    if task.instance.subject_type != PROCESS_SUBJECT_TYPE:
        raise CaseNotFound()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "service_item", "handling_department")
        .filter(pk=task.instance.subject_id)
        .first()
    )
    if case is None:
        raise CaseNotFound()
    if task.status not in ACTIVE_TASK_STATUSES:
        raise CaseTransitionInvalid()
    if case.status == CaseStatus.SUPPLEMENTING:
        raise SupplementationPending()
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED):
        raise CaseTransitionInvalid()
    cleaned = _items_clean(case, items)
    department = Department.objects.select_related("region").get(pk=task.department_id)
    on = today or local_date(timezone.now())
    supplementation = Supplementation.objects.create(
        case=case,
        task_id=task.pk,
        department=department,
        requested_by=actor,
        items=cleaned,
        resume_status=case.status,
    )
    lines = [
        f"{number}. {item['label']}：{item['reason']}" for number, item in enumerate(cleaned, 1)
    ]
    case_pause_start(
        case=case,
        kind=PauseKind.SUPPLEMENTATION,
        reason="\n".join(lines),
        actor_id=actor.pk,
        on=on,
    )
    case_transition(
        case=case,
        to=CaseStatus.SUPPLEMENTING,
        event=CaseEventKind.SUPPLEMENTATION_REQUESTED,
        actor_id=actor.pk,
        department=department,
        note="\n".join(lines),
        details={
            "supplementation": str(supplementation.pk),
            "items": [{"kind": i["kind"], "label": i["label"]} for i in cleaned],
            "paused_since": on.isoformat(),
        },
    )
    supplementation.notice = case_notice_issue(
        case=case,
        kind=NoticeKind.SUPPLEMENTATION,
        department=department,
        actor_id=actor.pk,
        reasons="\n".join(lines),
    )
    supplementation.save(update_fields=["notice", "updated_at"])
    recipients = {case.filed_by_id}
    if case.applicant_person_id:
        recipients.add(case.applicant_person_id)
    notification_send(
        event=SUPPLEMENTATION_EVENT,
        recipients=sorted(recipients, key=str),
        context={
            "number": case.number,
            "service": case.service_item.name,
            "count": str(len(cleaned)),
        },
        link=reverse("cases:supplement", args=[case.pk]),
        dedupe_key=f"cases.supplementation:{supplementation.pk}",
    )
    return supplementation


def _open_locked(case_id: uuid.UUID) -> tuple[Case, Supplementation]:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "service_item", "handling_department")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise CaseNotFound()
    supplementation = supplementation_open(case=case)
    if case.status != CaseStatus.SUPPLEMENTING or supplementation is None:
        raise SupplementationNotOpen()
    return case, supplementation


@transaction.atomic
def case_supplement_material_upload(
    *,
    case_id: uuid.UUID,
    actor_id: uuid.UUID,
    material_id: uuid.UUID | str,
    name: str,
    data: bytes,
) -> CaseMaterial:
    """A new file for a requested material; it replaces the earlier upload of that material."""
    case, supplementation = _open_locked(case_id)
    if str(material_id) not in supplementation.material_ids():
        raise ItemNotRequested(
            errors={
                "material": [
                    FieldError("not_requested", _("The department did not ask for this material."))
                ]
            }
        )
    material = case.service_version.materials.get(pk=material_id)
    stored, content_type, pages = material_file_check(data=data)
    for earlier in case.materials.filter(material=material):
        if earlier.file:
            file_name, storage = str(earlier.file.name), earlier.file.storage
            transaction.on_commit(partial(storage.delete, file_name))
        earlier.delete()
    row = CaseMaterial(
        case=case,
        material=material,
        source=MaterialSource.UPLOAD,
        original_name=(name or "")[-200:],
        content_type=content_type,
        size=len(stored),
        page_count=pages,
        sha256=hashlib.sha256(stored).hexdigest(),
        added_by_id=actor_id,
    )
    row.file.save("material", ContentFile(stored), save=False)
    try:
        row.save()
    except Exception:
        row.file.delete(save=False)
        raise
    return row


@transaction.atomic
def case_supplement_submit(
    *,
    case_id: uuid.UUID,
    actor_id: uuid.UUID,
    answers: Mapping[str, Any],
    today: dt.date | None = None,
) -> Case:
    """The applicant resubmits: only the requested fields may change; every requested
    material must have a new file. The clocks resume."""
    case, supplementation = _open_locked(case_id)
    requested = set(supplementation.field_keys())
    unrequested = sorted(str(key)[:64] for key in answers if key not in requested)
    if unrequested:
        raise ItemNotRequested(
            errors={
                key: [FieldError("not_requested", _("The department did not ask to change this."))]
                for key in unrequested
            }
        )
    errors: dict[str, list[FieldError]] = {}
    for key in sorted(requested):
        if answers.get(key) in (None, ""):
            errors[key] = [FieldError("required", _("Give the corrected answer."))]
    merged = {**case.answers, **dict(answers)}
    cleaned, problems = answers_clean(version=case.service_version, answers=merged, complete=True)
    for key, items in problems.items():
        errors.setdefault(key, []).extend(items)
    for item in supplementation.items:
        if item["kind"] != SupplementItemKind.MATERIAL:
            continue
        renewed = case.materials.filter(
            material_id=item["key"], created_at__gte=supplementation.created_at
        ).exists()
        if not renewed:
            errors[f"material.{item['key']}"] = [
                FieldError("required", _("Upload %(item)s again.") % {"item": item["label"]})
            ]
    if errors:
        raise CaseInvalid(errors=errors)
    case.answers = cleaned
    case.save(update_fields=["answers_text", "updated_at"])
    on = today or local_date(timezone.now())
    pause = case_pause_end(case=case, on=on)
    supplementation.status = SupplementationStatus.ANSWERED
    supplementation.answered_at = timezone.now()
    supplementation.save(update_fields=["status", "answered_at", "updated_at"])
    case_transition(
        case=case,
        to=CaseStatus(supplementation.resume_status),
        event=CaseEventKind.SUPPLEMENTED,
        actor_id=actor_id,
        department=supplementation.department,
        note=_(
            "Supplemented. The time limit resumes; %(days)s working days from %(since)s to "
            "%(until)s are not counted."
        )
        % {
            "days": pause.working_days,
            "since": pause.started_on.isoformat(),
            "until": on.isoformat(),
        },
        details={
            "supplementation": str(supplementation.pk),
            "paused_since": pause.started_on.isoformat(),
            "resumed_on": on.isoformat(),
            "working_days_paused": pause.working_days,
        },
    )
    return case
