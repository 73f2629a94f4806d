"""The staff side: the inbox, the case as a task sees it, decisions through one path, notices,
the certificate issued on approval (and retried when issuing fails), and bad input."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.models import AuditEvent
from tongban.cases import inbox, services
from tongban.cases.constants import (
    CASE_HANDLING_PURPOSE,
    AutomaticStepStatus,
    CaseEventKind,
    CaseStatus,
    NoticeKind,
)
from tongban.cases.exceptions import DecisionAlreadyMade, ReasonsMissing
from tongban.cases.models import Case, CaseEvent, CaseNotice, DepartmentSeal
from tongban.certificates.models import Certificate
from tongban.core.exceptions import NotFound
from tongban.workflow.constants import TaskStatus
from tongban.workflow.exceptions import TaskAlreadyCompleted
from tongban.workflow.models import HumanTask

pytestmark = pytest.mark.django_db


def credit_code(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


def staff(username: str, department: Any, role: str) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user: User = factory_create(UserFactory, username=username, staff=True)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


@pytest.fixture
def case_officer(persona_departments: dict[str, Any]) -> User:
    return staff("market-case-officer", persona_departments["market_regulation"], "case_officer")


@pytest.fixture
def approver(persona_departments: dict[str, Any]) -> User:
    return staff("market-approver", persona_departments["market_regulation"], "approver")


@pytest.fixture
def market_issuer(persona_departments: dict[str, Any]) -> Any:
    from tongban.certificates.services import issuer_register

    return issuer_register(
        department=persona_departments["market_regulation"],
        credit_code=credit_code("11990200MB0000001"),
        actor=None,
    )


def open_task(case: Case, element_id: str) -> HumanTask:
    return HumanTask.objects.get(
        instance=case.process_instance, element_id=element_id, status=TaskStatus.OPEN
    )


def decide(task: HumanTask, actor: User, outcome: str, reasons: str = "", legal_basis: str = ""):
    services.case_task_complete(
        task_id=task.pk, actor=actor, outcome=outcome, reasons=reasons, legal_basis=legal_basis
    )


def accept_and_review(case: Case, clerk: User, case_officer: User) -> None:
    decide(open_task(case, "accept"), clerk, "approved")
    decide(open_task(case, "review"), case_officer, "approved", reasons="经营范围规范")


def notice_text(notice: CaseNotice) -> str:
    with notice.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_the_inbox_lists_the_departments_case_tasks_with_their_due_dates(submitted, clerk):
    rows = inbox.staff_inbox(user=clerk)
    assert [(row.case.pk, row.task.element_id, row.step) for row in rows] == [
        (submitted.pk, "accept", "acceptance")
    ]
    assert rows[0].due_on == submitted.acceptance_due


def test_another_departments_officer_finds_neither_the_task_nor_the_case(
    submitted, other_department_case_officer
):
    task = open_task(submitted, "accept")
    assert inbox.staff_inbox(user=other_department_case_officer) == []
    with pytest.raises(NotFound):
        inbox.staff_case_view(user=other_department_case_officer, task_id=task.pk)
    with pytest.raises(NotFound):
        decide(task, other_department_case_officer, "approved")
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    assert not CaseNotice.objects.exists()


def test_accepting_issues_the_sealed_acceptance_notice_with_a_verification_qr(
    submitted, clerk, client
):
    decide(open_task(submitted, "accept"), clerk, "approved")
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTED
    assert submitted.decision_due is not None
    notice = CaseNotice.objects.get(case=submitted)
    assert notice.kind == NoticeKind.ACCEPTANCE
    text = notice_text(notice)
    assert "受理通知书" in text
    assert submitted.number in text
    assert "海川市市场监督管理局" in text
    assert DepartmentSeal.objects.filter(department=submitted.handling_department).exists()
    kinds = list(CaseEvent.objects.filter(case=submitted).values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEventKind.ACCEPTED, CaseEventKind.NOTICE_ISSUED]
    assert AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(submitted.pk), summary__to="accepted"
    ).exists()
    url = services.notice_verification_url(notice.pk)
    response = client.get(url[url.index("/cases/notices/") :])
    assert response.status_code == 200
    assert notice.number in response.content.decode()
    forged = client.get(reverse("cases:notice_verify") + "?t=forged.token")
    assert "could not be verified" in forged.content.decode() or forged.status_code == 200


def test_refusing_acceptance_needs_reasons_and_leaves_everything_as_it_was(submitted, clerk):
    task = open_task(submitted, "accept")
    state = task.instance.state
    with pytest.raises(ReasonsMissing) as caught:
        decide(task, clerk, "rejected", reasons="  ")
    assert list(caught.value.errors) == ["reasons"]
    task.refresh_from_db()
    submitted.refresh_from_db()
    assert (task.status, task.instance.state, submitted.status) == ("open", state, "submitted")
    assert not CaseNotice.objects.exists()


def test_refusing_acceptance_issues_the_non_acceptance_notice_with_how_to_appeal(submitted, clerk):
    decide(
        open_task(submitted, "accept"), clerk, "rejected", reasons="申请事项不属于本机关职权范围"
    )
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTANCE_REFUSED
    assert submitted.decision_reason == "申请事项不属于本机关职权范围"
    text = notice_text(CaseNotice.objects.get(case=submitted, kind=NoticeKind.NON_ACCEPTANCE))
    assert "不予受理通知书" in text
    assert "申请事项不属于本机关职权范围" in text
    assert "六十日" in text
    assert "六个月" in text
    assert "海川市人民政府" in text
    assert submitted.process_instance.status == "completed"


def test_rejecting_needs_reasons_and_legal_basis_at_once(submitted, clerk, case_officer, approver):
    accept_and_review(submitted, clerk, case_officer)
    task = open_task(submitted, "approve")
    with pytest.raises(ReasonsMissing) as caught:
        decide(task, approver, "rejected")
    assert sorted(caught.value.errors) == ["legal_basis", "reasons"]
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTED
    assert not CaseNotice.objects.filter(kind=NoticeKind.REFUSAL).exists()


def test_rejecting_issues_the_refusal_decision_with_reasons_basis_and_appeal(
    submitted, clerk, case_officer, approver
):
    accept_and_review(submitted, clerk, case_officer)
    decide(
        open_task(submitted, "approve"),
        approver,
        "rejected",
        reasons="经营场所为住宅，不得从事线下经营",
        legal_basis="《市场主体登记管理条例》第二十条",
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decision_kind) == ("rejected", "rejected")
    assert submitted.certificate_status == AutomaticStepStatus.NONE
    text = notice_text(CaseNotice.objects.get(case=submitted, kind=NoticeKind.REFUSAL))
    assert "不予行政许可决定书" in text
    assert "第二十条" in text
    assert "行政复议" in text


def test_approving_issues_the_grant_and_the_licence_into_the_applicants_wallet(
    submitted,
    clerk,
    case_officer,
    approver,
    market_issuer,
    applicant,
    django_capture_on_commit_callbacks,
):
    from tongban.certificates.selectors import certificates_for_holder

    accept_and_review(submitted, clerk, case_officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(open_task(submitted, "approve"), approver, "approved")
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.APPROVED
    assert submitted.certificate_status == AutomaticStepStatus.DONE
    certificate = Certificate.objects.get(pk=submitted.certificate_id)
    assert certificate.type.code == "business_licence"
    assert list(certificates_for_holder(user=applicant)) == [certificate]
    assert "准予行政许可决定书" in notice_text(
        CaseNotice.objects.get(case=submitted, kind=NoticeKind.GRANT)
    )
    assert CaseEvent.objects.filter(case=submitted, kind=CaseEventKind.CERTIFICATE_ISSUED).exists()


def test_a_failed_issuing_shows_delayed_and_the_periodic_retry_issues_it_later(
    submitted,
    clerk,
    case_officer,
    approver,
    persona_departments,
    django_capture_on_commit_callbacks,
):
    accept_and_review(submitted, clerk, case_officer)
    # No issuer key for the department yet: issuing cannot succeed.
    with django_capture_on_commit_callbacks(execute=True):
        decide(open_task(submitted, "approve"), approver, "approved")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.certificate_status) == ("approved", "delayed")
    delayed = CaseEvent.objects.get(case=submitted, kind=CaseEventKind.CERTIFICATE_DELAYED)
    assert delayed.visible_to_applicant
    from tongban.certificates.services import issuer_register

    issuer_register(
        department=persona_departments["market_regulation"],
        credit_code=credit_code("11990200MB0000001"),
        actor=None,
    )
    assert services.case_certificates_retry_due() == 1
    submitted.refresh_from_db()
    assert submitted.certificate_status == AutomaticStepStatus.DONE
    assert services.case_certificates_retry_due() == 0


def test_deciding_a_decided_case_again_is_refused(submitted, clerk):
    task = open_task(submitted, "accept")
    decide(task, clerk, "rejected", reasons="不属于本机关职权范围")
    with pytest.raises(TaskAlreadyCompleted):
        decide(task, clerk, "approved")
    assert CaseNotice.objects.filter(case=submitted).count() == 1


def test_the_task_api_goes_through_the_same_checks(submitted, clerk, client):
    client.force_login(clerk)
    task = open_task(submitted, "accept")
    url = f"/api/v1/tasks/{task.pk}/complete"
    refused = client.post(url, {"outcome": "rejected"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "reasons_missing"
    assert not CaseNotice.objects.exists()
    done = client.post(
        url,
        {"outcome": "rejected", "comment": "材料不齐全"},
        content_type="application/json",
    )
    assert done.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTANCE_REFUSED
    again = client.post(url, {"outcome": "approved"}, content_type="application/json")
    assert again.status_code == 409


def test_the_case_page_shows_what_the_task_needs_and_audits_the_read(
    submitted, clerk, case_officer, approver, client
):
    client.force_login(clerk)
    task = open_task(submitted, "accept")
    page = client.get(reverse("cases:staff_task", args=[task.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "经营场所" in body
    assert "邮政编码" not in body
    read = AuditEvent.objects.get(kind=AuditEventKind.PERSONAL_DATA_READ, actor_id=clerk.pk)
    assert (read.purpose, read.subject_id) == (CASE_HANDLING_PURPOSE, submitted.applicant_person_id)
    accept_and_review(submitted, clerk, case_officer)
    client.force_login(approver)
    approve = open_task(submitted, "approve")
    body = client.get(reverse("cases:staff_task", args=[approve.pk])).content.decode()
    assert "operator_id_number" not in body
    assert "身份证号码" not in body


def test_a_pdf_material_is_shown_as_page_images_only_to_the_task(submitted, clerk, client):
    task = open_task(submitted, "accept")
    material = submitted.materials.get(material__name="经营场所使用相关文件")
    url = reverse("cases:staff_material_page", args=[task.pk, material.pk, 1])
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:8]
        == b"\x89PNG\r\n\x1a\n"
    )
    second = reverse("cases:staff_material_page", args=[task.pk, material.pk, 2])
    assert client.get(second).status_code == 404


def test_the_decision_page_shows_the_missing_reason_and_changes_nothing(submitted, clerk, client):
    client.force_login(clerk)
    task = open_task(submitted, "accept")
    response = client.post(
        reverse("cases:staff_decide", args=[task.pk]), {"outcome": "rejected", "reasons": ""}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    accepted = client.post(reverse("cases:staff_decide", args=[task.pk]), {"outcome": "approved"})
    assert accepted.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTED


def test_internal_comments_stay_internal(submitted, clerk, client):
    client.force_login(clerk)
    task = open_task(submitted, "accept")
    response = client.post(reverse("cases:staff_comment", args=[task.pk]), {"text": "请核对场所"})
    assert response.status_code == 302
    comment = CaseEvent.objects.get(case=submitted, kind=CaseEventKind.COMMENT)
    assert (comment.note, comment.visible_to_applicant) == ("请核对场所", False)
    empty = client.post(reverse("cases:staff_comment", args=[task.pk]), {"text": " "})
    assert empty.status_code == 400
    assert CaseEvent.objects.filter(case=submitted, kind=CaseEventKind.COMMENT).count() == 1


def test_the_process_diagram_is_drawn_for_the_task(submitted, clerk, client):
    client.force_login(clerk)
    task = open_task(submitted, "accept")
    response = client.get(reverse("cases:staff_diagram", args=[task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "受理" in response.content.decode()


def test_a_task_left_open_on_a_withdrawn_case_cannot_decide_it(submitted, clerk, case_officer):
    decide(open_task(submitted, "accept"), clerk, "approved")
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.WITHDRAWN)
    with pytest.raises(DecisionAlreadyMade):
        decide(open_task(submitted, "review"), case_officer, "approved")
    assert open_task(submitted, "review").status == TaskStatus.OPEN


def test_the_inbox_finds_the_soonest_due_task_beyond_the_engines_first_page(
    submitted, sole_proprietor, applicant, clerk, monkeypatch
):
    from tongban.cases.tests.conftest import draft_complete, submit

    later = submit(draft_complete(sole_proprietor, applicant), applicant)
    # The case submitted later is due sooner (e.g. a shorter period after a change of rules).
    Case.objects.filter(pk=later.pk).update(
        acceptance_due=submitted.acceptance_due - dt.timedelta(days=3)
    )
    monkeypatch.setattr(inbox, "INBOX_PAGE_MAX", 1)

    rows = inbox.staff_inbox(user=clerk, limit=1)

    assert [row.case.pk for row in rows] == [later.pk]
