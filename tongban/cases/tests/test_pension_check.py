"""The pension qualification check (养老金领取资格认证): silently confirmed from the registries,
remotely by face through the liveness plug-in, or left for a home visit; the retiree sees the
result and the next due date; a result from an unknown verifier changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import CaseEventKind, CaseStatus
from tongban.cases.exceptions import LivenessPluginUnknown
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
from tongban.certificates.models import Certificate
from tongban.workflow.constants import TaskStatus
from tongban.workflow.models import HumanTask

pytestmark = pytest.mark.django_db

PENSION = "HC-RS-002"


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 170, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def pension(persona_departments: dict[str, Any], tmp_path: Path) -> ServiceItem:
    from stdnum.cn import uscc

    from tongban.certificates.services import certificate_types_ensure, issuer_register
    from tongban.organization.constants import StandardDepartmentType
    from tongban.organization.factories import DepartmentFactory, factory_create
    from tongban.organization.models import DepartmentType

    for department_type in StandardDepartmentType:
        DepartmentType.objects.get_or_create(
            code=department_type.value, defaults={"name": str(department_type.label)}
        )
    social_security = factory_create(
        DepartmentFactory,
        code="HC-RS",
        name="海川市人力资源和社会保障局",
        type=DepartmentType.objects.get(
            code=StandardDepartmentType.HUMAN_RESOURCES_SOCIAL_SECURITY
        ),
        region=persona_departments["city"],
    )
    body = "11990200MB0000002"
    issuer_register(
        department=social_security, credit_code=body + uscc.calc_check_digit(body), actor=None
    )
    certificate_types_ensure()
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (tmp_path / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] == PENSION])
    )
    (tmp_path / "bundles.json").write_text("[]")
    shutil.copytree(DEMO_DIRECTORY / "processes", tmp_path / "processes")
    demo_catalog_load(directory=tmp_path)
    return ServiceItem.objects.get(code=PENSION)


@pytest.fixture
def retiree(citizen: User) -> User:
    from tongban.cases.tests.conftest import applicant_prepare

    user = applicant_prepare(citizen)
    user.mobile = user.mobile or "13800138000"
    user.save()
    return user


def silent(retiree: User) -> Case:
    case = services.pension_check_silent_start(retiree=retiree)
    assert case is not None
    return case


def activity(user: User, days_ago: int) -> None:
    from tongban.organization.factories import factory_create
    from tongban.registries.factories import DemoInsuranceActivityFactory
    from tongban.registries.models import DemoResident

    resident = next(r for r in DemoResident.objects.all() if r.id_number == user.resident_id_number)
    factory_create(
        DemoInsuranceActivityFactory,
        resident=resident,
        occurred_on=dt.date.today() - dt.timedelta(days=days_ago),
    )


def test_recent_medical_activity_confirms_the_check_with_no_action_from_the_retiree(
    pension, retiree, django_capture_on_commit_callbacks
):
    activity(retiree, days_ago=20)
    with django_capture_on_commit_callbacks(execute=True):
        case = silent(retiree)
    case.refresh_from_db()

    assert case.status == CaseStatus.APPROVED
    assert case.decided_automatically is True
    assert case.certificate_id is not None
    assert case.decided_at is not None
    assert [r["id"] for r in case.rules_outcome["results"]] == ["living", "recent_activity"]
    certificate = Certificate.objects.get(pk=case.certificate_id)
    assert certificate.holder_user_id == retiree.pk
    assert services.pension_method(case) == "数据比对（静默认证）"
    due = services.pension_next_due(case)
    assert due is not None
    assert due.year == case.decided_at.year + 1
    assert certificate.valid_until is None or certificate.valid_until == due
    # Once a year: a second run finds this year's check.
    assert silent(retiree).pk == case.pk
    assert Case.objects.filter(service_item=pension).count() == 1


def test_without_recent_activity_the_retiree_confirms_by_face(
    pension, retiree, django_capture_on_commit_callbacks
):
    activity(retiree, days_ago=400)
    with django_capture_on_commit_callbacks(execute=True):
        case = silent(retiree)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert services.remote_verification_offered(case)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_liveness_verify(
            case_id=case.pk, actor_id=retiree.pk, plugin="demo", image=photo()
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert case.rules_outcome["liveness"]["matched"] is True
    assert case.certificate_id is not None
    assert Certificate.objects.filter(pk=case.certificate_id).exists()
    assert services.pension_method(case) == "人脸识别（远程认证）"


def test_a_face_that_does_not_match_leaves_the_case_for_a_home_visit(
    pension, retiree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = silent(retiree)
    services.case_liveness_verify(
        case_id=case.pk, actor_id=retiree.pk, plugin="demo", image=b"not a photo"
    )
    case.refresh_from_db()

    assert case.status == CaseStatus.SUBMITTED
    assert case.rules_outcome["liveness"]["matched"] is False
    assert case.events.filter(kind=CaseEventKind.RULES_FAILED).count() == 2
    task = HumanTask.objects.get(instance=case.process_instance, status=TaskStatus.OPEN)
    assert task.department.code == "HC-RS"
    assert services.pension_method(case) == "工作人员上门核验"


def test_a_liveness_result_from_an_unknown_plugin_changes_nothing(
    pension, retiree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = silent(retiree)
    case.refresh_from_db()
    before = (case.status, dict(case.rules_outcome), case.events.count())

    with pytest.raises(LivenessPluginUnknown) as raised:
        services.case_liveness_verify(
            case_id=case.pk, actor_id=retiree.pk, plugin="acme-face", image=photo()
        )

    assert raised.value.code == "liveness_plugin_unknown"
    case.refresh_from_db()
    assert (case.status, dict(case.rules_outcome), case.events.count()) == before


def test_the_retiree_sees_the_face_page_and_others_find_nothing(
    pension, retiree, other_citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = silent(retiree)
    url = reverse("cases:liveness", args=[case.pk])
    own = Client()
    own.force_login(retiree)
    other = Client()
    other.force_login(other_citizen)

    assert own.get(url).status_code == 200
    assert other.get(url).status_code == 404
    assert other.post(url, {"verifier": "demo"}).status_code == 404
    refused = own.post(url, {"verifier": "acme-face"})
    assert refused.status_code == 400
    case.refresh_from_db()
    assert "liveness" not in case.rules_outcome
    assert url in own.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_case_page_shows_the_next_due_date(
    pension, retiree, django_capture_on_commit_callbacks
):
    activity(retiree, days_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        case = silent(retiree)
    case.refresh_from_db()
    client = Client()
    client.force_login(retiree)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    due = services.pension_next_due(case)
    assert due is not None
    assert due.isoformat() in page


# --- the daily job --------------------------------------------------------------------------


def pensioner(user: User, *, days_since_activity: int | None) -> User:
    """Makes ``user`` a verified retiree the registry pays a pension since 2015."""
    from tongban.cases.tests.conftest import applicant_prepare
    from tongban.organization.factories import factory_create
    from tongban.registries.factories import DemoPensionAwardFactory
    from tongban.registries.models import DemoResident

    applicant_prepare(user)
    resident = next(r for r in DemoResident.objects.all() if r.id_number == user.resident_id_number)
    factory_create(DemoPensionAwardFactory, resident=resident, started_on=dt.date(2015, 5, 4))
    if days_since_activity is not None:
        activity(user, days_ago=days_since_activity)
    return user


def checks_of(user: User) -> list[Case]:
    return list(Case.objects.filter(applicant_person=user, service_item__code=PENSION))


def test_the_daily_job_starts_the_checks_of_due_retirees_only_and_never_twice(
    pension, citizen, other_citizen, enterprise_agent, django_capture_on_commit_callbacks
):
    from tongban.audit.models import AuditEvent
    from tongban.cases.tests.conftest import applicant_prepare

    active = pensioner(citizen, days_since_activity=20)
    quiet = pensioner(other_citizen, days_since_activity=400)
    not_a_retiree = applicant_prepare(enterprise_agent)
    reads_before = AuditEvent.objects.filter(
        object_type="registries.demo.PensionRecipientsAmong"
    ).count()

    with django_capture_on_commit_callbacks(execute=True):
        report = services.pension_checks_start_due()

    assert (report.started, report.failed) == (2, 0)
    [confirmed] = checks_of(active)
    assert confirmed.status == CaseStatus.APPROVED
    assert confirmed.decided_automatically is True
    [waiting] = checks_of(quiet)
    assert waiting.status == CaseStatus.SUBMITTED
    assert services.remote_verification_offered(waiting)
    assert checks_of(not_a_retiree) == []
    # One registry read for the whole batch, not one per account.
    assert (
        AuditEvent.objects.filter(object_type="registries.demo.PensionRecipientsAmong").count()
        == reads_before + 1
    )

    with django_capture_on_commit_callbacks(execute=True):
        again = services.pension_checks_start_due()

    assert (again.started, again.failed) == (0, 0)
    assert len(checks_of(active)) == 1
    assert len(checks_of(quiet)) == 1


def test_a_confirmed_retiree_is_due_again_only_when_the_confirmation_runs_out(
    pension, citizen, django_capture_on_commit_callbacks
):
    retiree = pensioner(citizen, days_since_activity=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.pension_checks_start_due()
    [first] = checks_of(retiree)
    due = services.pension_next_due(first)
    assert due is not None

    with django_capture_on_commit_callbacks(execute=True):
        early = services.pension_checks_start_due(today=due - dt.timedelta(days=1))
        on_time = services.pension_checks_start_due(today=due)

    assert (early.started, on_time.started) == (0, 1)
    assert len(checks_of(retiree)) == 2


def test_one_retiree_failing_leaves_the_others_done(
    pension, citizen, other_citizen, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from tongban.cases.services import pension as pension_module
    from tongban.cases.services.submission import case_submit

    failing = pensioner(citizen, days_since_activity=10)
    fine = pensioner(other_citizen, days_since_activity=10)

    def submit_failing_for_one(**kwargs: Any) -> Case:
        if kwargs["actor_id"] == failing.pk:
            raise RuntimeError("registry down")
        return case_submit(**kwargs)

    monkeypatch.setattr(pension_module, "case_submit", submit_failing_for_one)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.pension_checks_start_due(batch_size=1)

    assert (report.started, report.failed) == (1, 1)
    # The failed retiree's draft went with its transaction; the other was confirmed.
    assert checks_of(failing) == []
    [done] = checks_of(fine)
    assert done.status == CaseStatus.APPROVED
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "pension check could not be started" in logged
    assert str(failing.real_name) not in logged
    assert failing.resident_id_number not in str([r.__dict__ for r in caplog.records])
