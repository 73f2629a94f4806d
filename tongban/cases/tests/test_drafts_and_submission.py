"""Drafts, prefill, materials and exactly-once submission, through the services."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from PIL import Image

from tongban.accounts.models import User
from tongban.audit.models import AuditEvent
from tongban.cases import services
from tongban.cases.constants import CaseEventKind, CaseStatus, CorrectionStatus, MaterialSource
from tongban.cases.exceptions import (
    CaseAlreadyDecided,
    CaseAlreadySubmitted,
    CaseIncomplete,
    CaseInvalid,
    CaseNotEditable,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    MaterialInvalid,
)
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberSequence,
    CorrectionRequest,
)
from tongban.cases.tests.conftest import PREMISES_PDF, TYPED, draft_complete, draft_create, submit
from tongban.catalog.models import Material, ServiceItem
from tongban.notifications.models import Notification
from tongban.workflow.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db


def _premises(case: Case) -> Material:
    return case.service_version.materials.get(name="经营场所使用相关文件")


def test_a_draft_is_prefilled_from_the_verified_identity_and_the_population_registry(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)

    assert case.status == CaseStatus.DRAFT
    assert case.service_version_id == sole_proprietor.published_version_id
    assert case.answers["operator_name"] == str(applicant.real_name)
    assert case.answers["operator_id_number"] == str(applicant.resident_id_number)
    assert case.prefill["operator_id_number"]["editable"] is False
    assert case.prefill["operator_id_number"]["source"] == "identity"
    assert case.prefill["premises"]["editable"] is True
    assert case.prefill["premises"]["source"] == "population"
    assert case.fields_prefilled == 4


def test_the_id_card_and_the_application_form_are_satisfied_without_an_upload(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)

    held = {row.material.name: row.source for row in case.materials.select_related("material")}
    assert held == {
        "经营者身份证明": MaterialSource.REGISTRY,
        "个体工商户登记（备案）申请书": MaterialSource.REGISTRY,
    }
    case.refresh_from_db()
    assert case.materials_by_certificate == 2


def test_a_second_application_takes_the_earlier_answers(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    submit(draft_complete(sole_proprietor, applicant), applicant)

    again = draft_create(sole_proprietor, applicant)

    assert again.answers["business_scope"] == TYPED["business_scope"]
    assert again.prefill["business_scope"]["source"] == "earlier"
    assert again.fields_prefilled == 9


def test_a_draft_below_the_required_real_name_level_is_refused(
    sole_proprietor: ServiceItem, citizen: User
) -> None:
    with pytest.raises(services.AssuranceTooLow):
        draft_create(sole_proprietor, citizen, real_name_level=1)
    assert not Case.objects.exists()


def test_autosave_reports_every_field_error_at_once_and_saves_nothing(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)
    before = case.answers

    with pytest.raises(CaseInvalid) as raised:
        services.case_draft_update(
            case_id=case.pk,
            actor_id=applicant.pk,
            answers={
                "postal_code": "12",
                "capital": "a lot",
                "e_commerce": "maybe",
                "operator_id_number": "110101198503010011",
                "nonsense": 1,
            },
        )

    assert set(raised.value.errors) == {
        "postal_code",
        "capital",
        "e_commerce",
        "operator_id_number",
        "nonsense",
    }
    assert raised.value.errors["operator_id_number"][0].code == "not_editable"
    case.refresh_from_db()
    assert case.answers == before


def test_autosave_keeps_the_step_so_another_device_resumes_there(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)

    services.case_draft_update(
        case_id=case.pk, actor_id=applicant.pk, answers={"capital": 5}, step="经营信息"
    )

    stored = Case.objects.get(pk=case.pk)
    assert stored.current_step == "经营信息"
    assert stored.answers["capital"] == 5


def test_an_upload_is_typed_from_its_content_and_its_pages_counted(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)

    row = services.case_material_upload(
        case_id=case.pk,
        actor_id=applicant.pk,
        material_id=_premises(case).pk,
        name="合同.pdf",
        data=PREMISES_PDF,
    )

    assert (row.content_type, row.page_count, row.size) == (
        "application/pdf",
        1,
        len(PREMISES_PDF),
    )
    assert "合同" not in str(row.file.name)
    assert row.file.read() == PREMISES_PDF


def test_exif_is_stripped_from_photos(sole_proprietor: ServiceItem, applicant: User) -> None:
    case = draft_create(sole_proprietor, applicant)
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert b"SecretCam" in buffer.getvalue()

    row = services.case_material_upload(
        case_id=case.pk,
        actor_id=applicant.pk,
        material_id=_premises(case).pk,
        name="photo.jpg",
        data=buffer.getvalue(),
    )

    stored = row.file.read()
    assert b"SecretCam" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}


def _png_broken() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 50


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "type_not_allowed"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "too_large"),
        (_png_broken(), "image_unreadable"),
        (b"\xff\xd8\xff\xe0garbage", "image_unreadable"),
        (b"%PDF-1.4\nthis is not a pdf", "pdf_unreadable"),
    ],
    ids=["executable", "empty", "too-large", "broken-png", "broken-jpeg", "broken-pdf"],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(
    sole_proprietor: ServiceItem, applicant: User, data: bytes, code: str
) -> None:
    case = draft_create(sole_proprietor, applicant)
    before = CaseMaterial.objects.count()

    with pytest.raises(MaterialInvalid) as raised:
        services.case_material_upload(
            case_id=case.pk,
            actor_id=applicant.pk,
            material_id=_premises(case).pk,
            name="file.pdf",
            data=data,
        )

    assert raised.value.errors["file"][0].code == code
    assert CaseMaterial.objects.count() == before


def test_an_incomplete_draft_is_not_submitted_and_every_gap_is_named(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)

    with pytest.raises(CaseIncomplete) as raised:
        services.case_submit(
            case_id=case.pk,
            actor_id=applicant.pk,
            idempotency_key="k1",
            commitment_version=None,
            confirmed=False,
        )

    errors = raised.value.errors
    assert {"postal_code", "e_commerce", "capital", "business_scope", "commitment"} <= set(errors)
    assert f"materials.{_premises(case).pk}" in errors
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert case.number == ""
    assert not ProcessInstance.objects.exists()


def test_submit_numbers_the_case_starts_the_process_and_notifies(
    sole_proprietor: ServiceItem, applicant: User, persona_departments: dict[str, Any]
) -> None:
    case = submit(draft_complete(sole_proprietor, applicant), applicant, key="key-1")

    assert case.status == CaseStatus.SUBMITTED
    assert case.number.startswith(persona_departments["city"].code)
    assert case.number.endswith("000001")
    assert case.handling_department == persona_departments["market_regulation"]
    assert case.acceptance_due is not None
    assert case.received_on is not None
    assert case.acceptance_due > case.received_on
    assert case.commitment is not None
    instance = ProcessInstance.objects.get(subject_id=str(case.pk))
    assert case.process_instance == instance
    assert HumanTask.objects.filter(instance=instance).count() == 1
    assert list(case.events.values_list("kind", flat=True)) == [
        CaseEventKind.DRAFT_CREATED,
        CaseEventKind.SUBMITTED,
    ]
    assert Notification.objects.filter(dedupe_key=f"cases.submitted:{case.pk}").exists()
    assert AuditEvent.objects.filter(object_id=str(case.pk), kind="status_changed").exists()


def test_numbers_follow_a_sequence_per_region_and_day(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    first = submit(draft_complete(sole_proprietor, applicant), applicant)
    second = submit(draft_complete(sole_proprietor, applicant), applicant)

    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert CaseNumberSequence.objects.get().last == 2


def test_the_same_key_returns_the_same_case(sole_proprietor: ServiceItem, applicant: User) -> None:
    case = draft_complete(sole_proprietor, applicant)

    first = submit(case, applicant, key="same")
    again = submit(case, applicant, key="same")

    assert again.pk == first.pk
    assert again.number == first.number
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBMITTED).count() == 1
    assert ProcessInstance.objects.count() == 1


def test_submitting_again_with_another_key_is_refused(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_complete(sole_proprietor, applicant)
    submit(case, applicant, key="first")

    with pytest.raises(CaseAlreadySubmitted):
        submit(case, applicant, key="second")
    assert ProcessInstance.objects.count() == 1


def test_a_reused_key_with_a_different_request_is_refused(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    first = draft_complete(sole_proprietor, applicant)
    other = draft_complete(sole_proprietor, applicant)
    submit(first, applicant, key="reused")

    with pytest.raises(IdempotencyKeyReused):
        submit(other, applicant, key="reused")

    other.refresh_from_db()
    assert other.status == CaseStatus.DRAFT


def test_a_submit_without_a_key_is_refused(sole_proprietor: ServiceItem, applicant: User) -> None:
    case = draft_complete(sole_proprietor, applicant)

    with pytest.raises(IdempotencyKeyMissing):
        services.case_submit(
            case_id=case.pk,
            actor_id=applicant.pk,
            idempotency_key=" ",
            commitment_version=1,
            confirmed=True,
        )


def test_a_submitted_case_can_no_longer_be_edited(submitted: Case, applicant: User) -> None:
    with pytest.raises(CaseNotEditable):
        services.case_draft_update(case_id=submitted.pk, actor_id=applicant.pk, answers={})


def test_withdrawing_stops_the_process(submitted: Case, applicant: User) -> None:
    case = services.case_withdraw(case_id=submitted.pk, actor_id=applicant.pk, reason="改期")

    assert case.status == CaseStatus.WITHDRAWN
    assert ProcessInstance.objects.get().status == "cancelled"
    assert HumanTask.objects.filter(status="open").count() == 0


def test_withdrawing_after_a_decision_is_refused(submitted: Case, applicant: User) -> None:
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.APPROVED)

    with pytest.raises(CaseAlreadyDecided):
        services.case_withdraw(case_id=submitted.pk, actor_id=applicant.pk)
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.APPROVED


def test_the_acceptance_period_passing_deems_the_case_accepted_on_the_day_of_receipt(
    submitted: Case,
) -> None:
    import datetime as dt

    assert submitted.acceptance_due is not None
    later = submitted.acceptance_due + dt.timedelta(days=1)

    assert services.cases_deemed_accepted_apply(today=later) == 1

    case = Case.objects.get(pk=submitted.pk)
    assert case.status == CaseStatus.ACCEPTED
    assert case.deemed_accepted is True
    assert case.accepted_on == case.received_on
    assert case.decision_due is not None
    assert case.received_on is not None
    assert case.decision_due > case.received_on
    entry = case.events.get(kind=CaseEventKind.DEEMED_ACCEPTED)
    assert case.received_on.isoformat() in entry.note
    assert services.cases_deemed_accepted_apply(today=later) == 0


def test_the_acceptance_period_not_yet_passed_changes_nothing(submitted: Case) -> None:
    assert services.cases_deemed_accepted_apply(today=submitted.acceptance_due) == 0
    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED


def test_flagging_a_prefilled_value_files_a_correction_with_the_source_department(
    sole_proprietor: ServiceItem, applicant: User, persona_departments: dict[str, Any]
) -> None:
    from tongban.organization.factories import DepartmentFactory, factory_create
    from tongban.organization.models import DepartmentType

    police = factory_create(
        DepartmentFactory,
        code="HC-GA",
        name="海川市公安局",
        type=DepartmentType.objects.get(code="public_security"),
        region=persona_departments["city"],
    )
    case = draft_create(sole_proprietor, applicant)

    correction = services.correction_request_file(
        case=case, actor_id=applicant.pk, field_key="premises", value_claimed="滨江路2号"
    )

    assert correction.department == police
    assert correction.status == CorrectionStatus.OPEN
    answered = services.correction_request_answer(
        correction_id=correction.pk, actor_id=applicant.pk, corrected=True, answer="已更正"
    )
    assert answered.status == CorrectionStatus.CORRECTED
    told = Notification.objects.get(event_code="cases.correction_answered")
    assert told.recipients.filter(user=applicant).exists()
    assert told.link == "/cases/corrections/"
    with pytest.raises(CaseInvalid):
        services.correction_request_answer(
            correction_id=correction.pk, actor_id=applicant.pk, corrected=True, answer="again"
        )


def test_flagging_a_value_that_was_typed_is_refused(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)

    with pytest.raises(CaseInvalid):
        services.correction_request_file(
            case=case, actor_id=applicant.pk, field_key="capital", value_claimed="1"
        )
    assert not CorrectionRequest.objects.exists()


def test_an_unknown_case_cannot_be_submitted(applicant: User) -> None:
    from tongban.cases.exceptions import CaseNotFound

    with pytest.raises(CaseNotFound):
        services.case_submit(
            case_id=uuid.uuid4(),
            actor_id=applicant.pk,
            idempotency_key="x",
            commitment_version=1,
            confirmed=True,
        )
