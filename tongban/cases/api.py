"""Applications under /api/v1/cases (DESIGN.md §6): create a draft, update it, upload a
material, submit with an ``Idempotency-Key``, list mine, read one with its timeline and dates,
withdraw, flag a prefilled value. Every case is reached through the applicant's selectors."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from tongban.accounts.constants import AuthenticationStrength
from tongban.accounts.selectors import actor_context, authentication_strength
from tongban.cases import selectors, services
from tongban.cases.models import Case, CaseDelivery, CaseMaterial
from tongban.catalog.selectors import service_get_published
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.masking import mask_name

router = Router(tags=["cases"])


def _me(request: HttpRequest) -> uuid.UUID:
    """The signed-in person's id (the views require a signed-in person)."""
    return cast(uuid.UUID, request.user.pk)


class DraftIn(Schema):
    service_code: str = Field(..., max_length=64)
    region_code: str | None = Field(None, max_length=12)


class UpdateIn(Schema):
    answers: dict[str, Any] = Field(default_factory=dict)
    step: str = Field("", max_length=100)


class SubmitIn(Schema):
    commitment_version: int | None = None
    confirmed: bool = False


class WithdrawIn(Schema):
    reason: str = Field("", max_length=500)


class CorrectionIn(Schema):
    field: str = Field(..., max_length=64)
    value_claimed: str = Field(..., max_length=500)


class PrefilledOut(Schema):
    source: str
    label: str
    editable: bool


class MaterialOut(Schema):
    id: uuid.UUID
    material: str
    material_id: uuid.UUID
    source: str
    label: str
    original_name: str
    content_type: str
    size: int
    page_count: int


class BurdenOut(Schema):
    fields_prefilled: int
    fields_to_type: int
    materials_by_held_documents: int
    materials_uploaded: int


class ClockOut(Schema):
    label: str
    due: dt.date
    working_days_left: int
    provisional: bool


class EventOut(Schema):
    kind: str
    title: str
    at: dt.datetime
    note: str


class CaseOut(Schema):
    id: uuid.UUID
    number: str
    service_code: str
    service_name: str
    service_version: int
    status: str
    status_label: str
    applicant_name: str
    department: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    received_on: dt.date | None
    acceptance_due: dt.date | None
    accepted_on: dt.date | None
    deemed_accepted: bool
    decision_due: dt.date | None
    decided_at: dt.datetime | None
    clocks: list[ClockOut]
    next_action: str
    burden: BurdenOut


class DeliveryOut(Schema):
    """How the result reaches the applicant. The recipient's name is masked and the street
    address left out: a client shows the choice, it does not need to repeat the address."""

    method: str
    method_label: str
    status: str
    status_label: str
    recipient_name: str
    postal_code: str
    hall: str
    tracking_number: str


class RuleResultOut(Schema):
    explanation: str
    passed: bool


class InstantApprovalOut(Schema):
    """The instant-approval rules' outcome in plain words (``Case.rules_outcome``)."""

    passed: bool
    results: list[RuleResultOut]


class CaseDetailOut(CaseOut):
    current_step: str
    answers: dict[str, Any]
    prefilled: dict[str, PrefilledOut]
    materials: list[MaterialOut]
    timeline: list[EventOut]
    delivery: DeliveryOut | None
    instant_approval: InstantApprovalOut | None


class CasePageOut(Schema):
    items: list[CaseOut]
    next_cursor: str


def _out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "service_code": case.service_item.code,
        "service_name": case.service_item.name,
        "service_version": case.service_version.number,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "applicant_name": case.applicant_name,
        "department": case.handling_department.name if case.handling_department else "",
        "created_at": case.created_at,
        "submitted_at": case.submitted_at,
        "received_on": case.received_on,
        "acceptance_due": case.acceptance_due,
        "accepted_on": case.accepted_on,
        "deemed_accepted": case.deemed_accepted,
        "decision_due": case.decision_due,
        "decided_at": case.decided_at,
        "clocks": [
            ClockOut(
                label=str(clock.label),
                due=clock.due,
                working_days_left=clock.working_days_left,
                provisional=clock.provisional,
            )
            for clock in selectors.case_clocks(case=case)
        ],
        "next_action": str(selectors.next_action(case)),
        "burden": BurdenOut(
            fields_prefilled=case.fields_prefilled,
            fields_to_type=case.fields_typed,
            materials_by_held_documents=case.materials_by_certificate,
            materials_uploaded=case.materials_uploaded,
        ),
    }


def _material_out(row: CaseMaterial) -> MaterialOut:
    return MaterialOut(
        id=row.pk,
        material=row.material.name,
        material_id=row.material_id,
        source=row.source,
        label=row.label,
        original_name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        page_count=row.page_count,
    )


def _delivery_out(case: Case) -> DeliveryOut | None:
    delivery = CaseDelivery.objects.filter(case=case).select_related("hall").first()
    if delivery is None:
        return None
    return DeliveryOut(
        method=delivery.method,
        method_label=str(delivery.get_method_display()),
        status=delivery.status,
        status_label=str(delivery.get_status_display()),
        recipient_name=mask_name(delivery.recipient_name) if delivery.recipient_name else "",
        postal_code=delivery.postal_code,
        hall=delivery.hall.name if delivery.hall else "",
        tracking_number=delivery.tracking_number,
    )


def _instant_approval_out(case: Case) -> InstantApprovalOut | None:
    # An empty outcome means the rules never ran (no rules, or not submitted yet).
    if not case.rules_outcome or "results" not in case.rules_outcome:
        return None
    return InstantApprovalOut(
        passed=bool(case.rules_outcome.get("passed")),
        results=[RuleResultOut(**row) for row in services.rules_outcome_plain(case)],
    )


def _detail(case: Case) -> CaseDetailOut:
    return CaseDetailOut(
        **_out(case),
        current_step=case.current_step,
        answers=case.answers,
        prefilled={
            key: PrefilledOut(
                source=entry["source"], label=entry["label"], editable=entry["editable"]
            )
            for key, entry in case.prefill.items()
        },
        materials=[_material_out(row) for row in selectors.case_materials(case=case)],
        timeline=[
            EventOut(
                kind=event.kind, title=str(event.get_kind_display()), at=event.at, note=event.note
            )
            for event in selectors.case_events_for_applicant(case=case)
        ],
        delivery=_delivery_out(case),
        instant_approval=_instant_approval_out(case),
    )


def _case(request: HttpRequest, case_id: uuid.UUID) -> Case:
    return selectors.case_get_for_applicant(user=request.user, case_id=case_id)


@router.post("/cases", response={201: CaseDetailOut}, auth=django_auth)
def case_create(request: HttpRequest, payload: DraftIn) -> Status[CaseDetailOut]:
    item = service_get_published(code=payload.service_code)
    strength = authentication_strength(request) or AuthenticationStrength.PASSWORD
    case = services.case_draft_create(
        item=item,
        actor=actor_context(request, service_code=item.code),
        real_name_level=request.user.real_name_level,  # type: ignore[union-attr]
        authentication_strength=int(strength),
        region_code=payload.region_code,
    )
    return Status(201, _detail(_case(request, case.pk)))


@router.patch("/cases/{uuid:case_id}", response=CaseDetailOut, auth=django_auth)
def case_update(request: HttpRequest, case_id: uuid.UUID, payload: UpdateIn) -> CaseDetailOut:
    case = _case(request, case_id)
    services.case_draft_update(
        case_id=case.pk, actor_id=_me(request), answers=payload.answers, step=payload.step
    )
    return _detail(_case(request, case_id))


@router.post("/cases/{uuid:case_id}/materials", response={201: MaterialOut}, auth=django_auth)
def case_material_upload(
    request: HttpRequest,
    case_id: uuid.UUID,
    material_id: Form[str],
    file: File[UploadedFile],
) -> Status[MaterialOut]:
    case = _case(request, case_id)
    row = services.case_material_upload(
        case_id=case.pk,
        actor_id=_me(request),
        material_id=material_id,
        name=file.name or "",
        data=file.read(),
    )
    return Status(201, _material_out(row))


@router.post("/cases/{uuid:case_id}/submit", response=CaseDetailOut, auth=django_auth)
def case_submit(request: HttpRequest, case_id: uuid.UUID, payload: SubmitIn) -> CaseDetailOut:
    case = _case(request, case_id)
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise InvalidInput(
            errors={
                "Idempotency-Key": [
                    FieldError("required", "Send an Idempotency-Key header with the submission.")
                ]
            }
        )
    submitted = services.case_submit(
        case_id=case.pk,
        actor_id=_me(request),
        idempotency_key=key,
        commitment_version=payload.commitment_version,
        confirmed=payload.confirmed,
    )
    return _detail(_case(request, submitted.pk))


@router.get("/cases", response=CasePageOut, auth=django_auth)
def case_list(request: HttpRequest, cursor: str = "", limit: int = 20) -> CasePageOut:
    page = selectors.case_list_for_applicant(user=request.user, cursor=cursor[:200], limit=limit)
    return CasePageOut(
        items=[CaseOut(**_out(case)) for case in page.cases], next_cursor=page.next_cursor
    )


@router.get("/cases/{uuid:case_id}", response=CaseDetailOut, auth=django_auth)
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> CaseDetailOut:
    return _detail(_case(request, case_id))


@router.post("/cases/{uuid:case_id}/withdraw", response=CaseDetailOut, auth=django_auth)
def case_withdraw(request: HttpRequest, case_id: uuid.UUID, payload: WithdrawIn) -> CaseDetailOut:
    case = _case(request, case_id)
    services.case_withdraw(case_id=case.pk, actor_id=_me(request), reason=payload.reason)
    return _detail(_case(request, case_id))


class CorrectionOut(Schema):
    id: uuid.UUID
    field: str
    source: str
    status: str
    department: str


@router.post("/cases/{uuid:case_id}/corrections", response={201: CorrectionOut}, auth=django_auth)
def case_correction(
    request: HttpRequest, case_id: uuid.UUID, payload: CorrectionIn
) -> Status[CorrectionOut]:
    case = _case(request, case_id)
    correction = services.correction_request_file(
        case=case,
        actor_id=_me(request),
        field_key=payload.field,
        value_claimed=payload.value_claimed,
    )
    return Status(
        201,
        CorrectionOut(
            id=correction.pk,
            field=correction.field_key,
            source=correction.source,
            status=correction.status,
            department=correction.department.name if correction.department else "",
        ),
    )
