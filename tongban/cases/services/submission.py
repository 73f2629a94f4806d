"""Submission: the credit commitment, exactly-once submit, the case number, the process.

Exactly once (DESIGN.md §2, nothing lost): the draft row is locked, so of fifty concurrent
submits of one draft one moves it; the others then find their ``Idempotency-Key`` stored with
the same request digest and return the same case. A key reused for a different request is
refused. Case numbers come from a row per region and day, never a global counter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.cases.constants import (
    COMMITMENT_TEXT_V1,
    DEFAULT_ACCEPTANCE_DAYS,
    PROCESS_SUBJECT_TYPE,
    CaseEventKind,
    CaseStatus,
    ClockKind,
)
from tongban.cases.exceptions import (
    CaseAlreadySubmitted,
    CaseIncomplete,
    CaseNotFound,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
)
from tongban.cases.models import Case, CaseNumberSequence, CommitmentText, SubmissionKey
from tongban.cases.services.clocks import case_clock_open
from tongban.cases.services.drafts import answers_clean, materials_needed
from tongban.cases.services.timeline import case_transition
from tongban.core.exceptions import FieldError
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import add_working_days, local_date
from tongban.notifications.services import notification_send
from tongban.workflow.models import ProcessDefinition
from tongban.workflow.services import process_definition_register, process_start

SUBMITTED_EVENT = "cases.submitted"
IDEMPOTENCY_KEY_MAX_LENGTH = 200


def commitment_current() -> CommitmentText:
    """The credit commitment text applicants confirm now (the latest version)."""
    text = CommitmentText.objects.order_by("-version").first()
    if text is None:
        # The data migration stores version 1; a flushed test database has lost it.
        text, _created = CommitmentText.objects.get_or_create(
            version=1, defaults={"text": COMMITMENT_TEXT_V1}
        )
    return text


def case_url(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.pk])


def request_digest(*, case_id: uuid.UUID, commitment_version: int | None, confirmed: bool) -> str:
    body = {"case": str(case_id), "commitment": commitment_version, "confirmed": confirmed}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def case_number_next(*, region_code: str, day: dt.date) -> str:
    """The next number of the region's day: ``<region><yyyymmdd><6 digits>``.

    Locks only the region's row of the day (created on first use without a race:
    ``ignore_conflicts`` then a locked read), so regions and days never wait on each other.
    """
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(region_code=region_code, day=day, last=0)], ignore_conflicts=True
    )
    row = CaseNumberSequence.objects.select_for_update().get(region_code=region_code, day=day)
    row.last += 1
    row.save(update_fields=["last"])
    return f"{region_code}{day:%Y%m%d}{row.last:06d}"


def _definition_for(case: Case, actor_id: uuid.UUID) -> ProcessDefinition:
    version = case.service_version
    key = f"service-{case.service_item.code}"
    digest = hashlib.sha256(version.process_bpmn.encode()).hexdigest()
    # The usual case without a lock: the version's process is already stored.
    stored = ProcessDefinition.objects.filter(key=key, digest=digest).order_by("-version").first()
    if stored is not None:
        return stored
    return process_definition_register(key=key, bpmn=version.process_bpmn, actor_id=actor_id)


def _existing(*, actor_id: uuid.UUID, key: str, digest: str) -> Case | None:
    stored = SubmissionKey.objects.select_related("case").filter(user_id=actor_id, key=key).first()
    if stored is None:
        return None
    if stored.request_digest != digest:
        raise IdempotencyKeyReused()
    return stored.case


def case_problems(
    case: Case, *, commitment_version: int | None, confirmed: bool
) -> dict[str, list[FieldError]]:
    """Everything that stops ``case`` from being submitted, at once."""
    _cleaned, errors = answers_clean(
        version=case.service_version, answers=case.answers, complete=True
    )
    # In a bundle, a value another department issues (the credit code on the business
    # licence) is not the applicant's to give: it is marked pending, not missing.
    pending = {key for key, entry in case.prefill.items() if entry.get("pending")}
    for key in pending & set(errors):
        kept = [problem for problem in errors[key] if problem.code != "required"]
        if kept:
            errors[key] = kept
        else:
            del errors[key]
    present = set(case.materials.values_list("material_id", flat=True))
    for material in materials_needed(case):
        if material.pk not in present:
            errors[f"materials.{material.pk}"] = [
                FieldError(
                    "material_missing",
                    _("Provide the material “%(name)s”.") % {"name": material.name},
                )
            ]
    current = commitment_current()
    if not confirmed or commitment_version != current.version:
        errors["commitment"] = [
            FieldError("commitment_required", _("Confirm the credit commitment."))
        ]
    return errors


@transaction.atomic
def case_submit(
    *,
    case_id: uuid.UUID,
    actor_id: uuid.UUID,
    idempotency_key: str,
    commitment_version: int | None,
    confirmed: bool,
) -> Case:
    """Submits a complete draft once; the same key and request returns the same case.

    Raises ``IdempotencyKeyMissing``, ``IdempotencyKeyReused`` (same key, other request),
    ``CaseAlreadySubmitted`` (another key), ``CaseIncomplete`` with every problem, and the
    engine's ``NoJurisdiction``/``ProcessFailed``; nothing is stored then.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise IdempotencyKeyMissing()
    digest = request_digest(
        case_id=case_id, commitment_version=commitment_version, confirmed=confirmed
    )
    existing = _existing(actor_id=actor_id, key=key, digest=digest)
    if existing is not None:
        return existing
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service_version", "service_item", "region")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise CaseNotFound()
    # Another request with this key may have submitted while this one waited for the lock.
    existing = _existing(actor_id=actor_id, key=key, digest=digest)
    if existing is not None:
        return existing
    if case.status != CaseStatus.DRAFT:
        raise CaseAlreadySubmitted()
    problems = case_problems(case, commitment_version=commitment_version, confirmed=confirmed)
    if problems:
        raise CaseIncomplete(errors=problems)
    if case.region is None:
        raise CaseIncomplete(
            errors={"region": [FieldError("required", _("Choose the region of the application."))]}
        )
    now = timezone.now()
    today = local_date(now)
    version = case.service_version
    calendar = working_calendar_get()
    case.number = case_number_next(region_code=case.region.code, day=today)
    case.submitted_at = now
    case.received_on = today
    case.acceptance_due = add_working_days(
        calendar, today, version.acceptance_days or DEFAULT_ACCEPTANCE_DAYS
    ).day
    case.commitment = commitment_current()
    case.committed_at = now
    instance = process_start(
        definition=_definition_for(case, actor_id),
        subject_type=PROCESS_SUBJECT_TYPE,
        subject_id=str(case.pk),
        region_code=case.region.code,
        data={"case_number": case.number, "service": case.service_item.code},
        actor_id=actor_id,
    )
    case.process_instance = instance
    case_transition(
        case=case,
        to=CaseStatus.SUBMITTED,
        event=CaseEventKind.SUBMITTED,
        actor_id=actor_id,
        department=case.handling_department,
        details={"number": case.number, "acceptance_due": case.acceptance_due.isoformat()},
        update_fields=(
            "number",
            "submitted_at",
            "received_on",
            "acceptance_due",
            "commitment",
            "committed_at",
            "process_instance",
        ),
    )
    # The acceptance period's clock; the first task's clock (made as the process started)
    # follows it.
    case_clock_open(
        case=case,
        kind=ClockKind.ACCEPTANCE,
        starts_on=today,
        days=version.acceptance_days or DEFAULT_ACCEPTANCE_DAYS,
        department=case.handling_department,
    )
    SubmissionKey.objects.create(user_id=actor_id, key=key, request_digest=digest, case=case)
    if version.auto_approval_rules:
        from tongban.cases.tasks import case_rules_apply_later

        case_id_submitted = case.pk
        transaction.on_commit(lambda: case_rules_apply_later(case_id_submitted))
    if case.parent_id is None:
        # A bundle's parts are announced once, by the bundle (``case_received_notify``).
        case_received_notify(case=case, service_name=case.service_item.name)
    return case


def case_received_notify(*, case: Case, service_name: str) -> None:
    """Tells the applicant (and whoever filed for them) that the case was received."""
    recipients = {case.filed_by_id}
    if case.applicant_person_id:
        recipients.add(case.applicant_person_id)
    notification_send(
        event=SUBMITTED_EVENT,
        recipients=sorted(recipients, key=str),
        context={
            "number": case.number,
            "service": service_name,
            "acceptance_due": case.acceptance_due.isoformat() if case.acceptance_due else "",
        },
        link=reverse("cases:detail", args=[case.pk]),
        dedupe_key=f"cases.submitted:{case.pk}",
    )
