"""Life-event bundles (一件事一次办): one form, one set of materials, a parent case with one
child per service dispatched at once; each department sees only its part; the parent joins
when every department is done; any district (通办) that offers the services."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tongban.accounts.models import User
from tongban.accounts.selectors import ActorContext
from tongban.cases import inbox, services
from tongban.cases.constants import (
    BundleStatus,
    CaseEventKind,
    CaseStatus,
    MaterialSource,
)
from tongban.cases.exceptions import (
    BundleIncomplete,
    CaseNotFound,
    RegionNotOffered,
)
from tongban.cases.models import Case, CaseEvent, CaseMaterial
from tongban.cases.selectors import bundle_children, bundle_status_of
from tongban.cases.services.bundles import bundle_plan, bundle_submit
from tongban.cases.services.districts import regions_offering
from tongban.cases.tests.bundle_data import (
    ANSWERS,
    START_BUSINESS,
    business_bundle_load,
    departments_ensure,
    uploads_for,
)
from tongban.catalog.models import Bundle
from tongban.organization.constants import RegionLevel
from tongban.organization.models import Department
from tongban.workflow.constants import TaskStatus
from tongban.workflow.models import HumanTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(persona_departments: dict[str, Any], tmp_path: Path) -> Bundle:
    departments_ensure(persona_departments["city"])
    return business_bundle_load(tmp_path)


@pytest.fixture
def departments(bundle: Bundle, persona_departments: dict[str, Any]) -> dict[str, Department]:
    return departments_ensure(persona_departments["city"])


def staff(username: str, department: Department, role: str) -> User:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user: User = factory_create(UserFactory, username=username, staff=True)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


def apply(user: User, region_code: str, **changes: Any) -> Case:
    plan = bundle_plan(code=START_BUSINESS)
    return bundle_submit(
        code=START_BUSINESS,
        actor=ActorContext.for_self(user),
        real_name_level=user.real_name_level,
        authentication_strength=3,
        answers=changes.pop("answers", ANSWERS),
        uploads=changes.pop("uploads", uploads_for(plan)),
        region_code=region_code,
        idempotency_key=changes.pop("key", str(uuid.uuid4())),
        commitment_version=services.commitment_current().version,
        confirmed=changes.pop("confirmed", True),
    )


@pytest.fixture
def parent(bundle, applicant, persona_departments) -> Case:
    return apply(applicant, persona_departments["district"].code)


def finish(child: Case, people: dict[str, User], outcome: str = "approved") -> None:
    """Every step of a child's process, by the staff of its department."""
    while True:
        task = (
            HumanTask.objects.filter(instance=child.process_instance, status=TaskStatus.OPEN)
            .order_by("created_at")
            .first()
        )
        if task is None:
            return
        last = task.element_id in ("decide", "approve")
        services.case_task_complete(
            task_id=task.pk,
            actor=people[f"{task.department.code}:{task.role}"],
            outcome=outcome if last else "approved",
            reasons="不符合条件" if outcome == "rejected" and last else "",
            legal_basis="有关规定" if outcome == "rejected" and last else "",
        )


@pytest.fixture
def people(departments: dict[str, Department]) -> dict[str, User]:
    found = {}
    for department in departments.values():
        for role in ("clerk", "case_officer", "approver"):
            found[f"{department.code}:{role}"] = staff(
                f"{department.code}-{role}", department, role
            )
    return found


def test_a_bundle_dispatches_one_child_per_service_to_every_department_at_once(
    parent, departments, persona_departments
):
    assert parent.status == CaseStatus.SUBMITTED
    assert parent.bundle.code == START_BUSINESS
    assert parent.number.startswith(persona_departments["district"].code)
    children = bundle_children(parent=parent)
    assert [child.service_item.code for child in children] == [
        "00013112700401",
        "HC-GA-001",
        "HC-SW-001",
        "HC-RS-001",
        "HC-GJJ-001",
    ]
    assert {child.status for child in children} == {CaseStatus.SUBMITTED}
    # Submitted in one transaction: every department received its part on the same day.
    assert {child.received_on for child in children} == {parent.received_on}
    expected = {
        "00013112700401": "market_regulation",
        "HC-GA-001": "public_security",
        "HC-SW-001": "taxation",
        "HC-RS-001": "human_resources_social_security",
        "HC-GJJ-001": "housing_provident_fund",
    }
    for child in children:
        department = departments[expected[child.service_item.code]]
        assert child.handling_department == department
        task = HumanTask.objects.get(instance=child.process_instance, status=TaskStatus.OPEN)
        assert task.department == department
        # Only its own service's answers: the tax office never holds the shareholders.
        assert set(child.answers) <= {row.key for row in child.service_version.field_rows.all()}
    tax = children[2]
    assert tax.answers["taxpayer_name"] == ANSWERS["name"]
    assert tax.prefill["credit_code"]["pending"] is True
    seal = children[1]
    licence = CaseMaterial.objects.get(case=seal, material__name="营业执照")
    assert licence.source == MaterialSource.BUNDLE
    # One file stored once for every department that needs it.
    ids = CaseMaterial.objects.filter(
        case__parent=parent, source=MaterialSource.UPLOAD, material__name="法定代表人身份证"
    )
    assert ids.count() == 1
    # One "received" message for the whole bundle, not one per department.
    from tongban.notifications.models import Notification

    received = Notification.objects.filter(event_code="cases.submitted")
    assert [message.dedupe_key for message in received] == [f"cases.submitted:{parent.pk}"]


def test_each_department_sees_only_its_part(parent, people, client):
    children = bundle_children(parent=parent)
    tax_task = HumanTask.objects.get(instance=children[2].process_instance)
    seal_task = HumanTask.objects.get(instance=children[1].process_instance)
    tax_officer = people["HC-SW:case_officer"]
    view = inbox.staff_case_view(user=tax_officer, task_id=tax_task.pk)
    keys = {shown.key for shown in view.fields}
    assert keys == {
        "taxpayer_name",
        "accounting",
        "employees",
        "accounting_system",
        "finance_officer",
        "mobile",
        "invoices",
    }
    for other in (seal_task, *HumanTask.objects.filter(instance=children[0].process_instance)):
        with pytest.raises(CaseNotFound):
            inbox.staff_case_view(user=tax_officer, task_id=other.pk)
    client.force_login(tax_officer)
    assert client.get(reverse("cases:staff_task", args=[seal_task.pk])).status_code == 404
    response = client.post(
        reverse("cases:staff_decide", args=[seal_task.pk]), {"outcome": "approved"}
    )
    assert response.status_code == 404
    seal_task.refresh_from_db()
    assert seal_task.status == TaskStatus.OPEN
    assert Case.objects.get(pk=children[1].pk).status == CaseStatus.SUBMITTED


def test_the_parent_joins_when_every_department_is_done(parent, people):
    children = bundle_children(parent=parent)
    for index, child in enumerate(children):
        finish(child, people)
        parent.refresh_from_db()
        expected = CaseStatus.APPROVED if index == len(children) - 1 else CaseStatus.ACCEPTED
        assert parent.status == expected
    children = bundle_children(parent=parent)
    assert bundle_status_of(children) == BundleStatus.DONE
    assert parent.decision_due == max(
        child.decision_due for child in children if child.decision_due
    )
    parts = CaseEvent.objects.filter(case=parent, kind=CaseEventKind.BRANCH_COMPLETED)
    assert sorted(str(event.department) for event in parts) == sorted(
        str(child.handling_department) for child in children
    )


def test_a_department_refusing_its_part_leaves_the_bundle_partly_refused(parent, people):
    children = bundle_children(parent=parent)
    finish(children[0], people)
    finish(children[3], people, outcome="rejected")
    for child in (children[1], children[2], children[4]):
        finish(child, people)
    parent.refresh_from_db()
    assert parent.status == CaseStatus.APPROVED
    assert bundle_status_of(bundle_children(parent=parent)) == BundleStatus.PARTLY_REFUSED


def test_an_incomplete_bundle_reports_every_problem_and_stores_nothing(
    bundle, applicant, persona_departments
):
    answers = {key: value for key, value in ANSWERS.items() if key != "HC-SW-001.employees"}
    plan = bundle_plan(code=START_BUSINESS)
    uploads = [upload for upload in uploads_for(plan) if upload.material_name != "公司章程"]
    with pytest.raises(BundleIncomplete) as raised:
        apply(
            applicant,
            persona_departments["district"].code,
            answers=answers,
            uploads=uploads,
            confirmed=False,
        )
    assert raised.value.code == "bundle_incomplete"
    assert set(raised.value.errors) == {"HC-SW-001.employees", "materials.公司章程", "commitment"}
    assert raised.value.errors["materials.公司章程"][0].code == "material_missing"
    assert not Case.objects.exists()
    assert not HumanTask.objects.exists()


def test_any_district_that_offers_the_services_may_be_chosen(
    bundle, applicant, persona_departments
):
    from tongban.organization.factories import RegionFactory, district_of, factory_create

    city = persona_departments["city"]
    other = district_of(city, 5, "海川市东湖区")
    offering = regions_offering(department_types=bundle_plan(code=START_BUSINESS).department_types)
    assert {region.code for region in offering} >= {city.code, other.code}
    parent = apply(applicant, other.code)
    assert parent.region == other
    assert parent.number.startswith(other.code)
    # The city's departments handle a district without its own (the process's routing rules).
    handling = [
        child.handling_department_id
        for child in bundle_children(parent=parent)
        if child.handling_department_id is not None
    ]
    assert set(Department.objects.filter(pk__in=handling).values_list("region", flat=True)) == {
        city.pk
    }
    elsewhere = factory_create(RegionFactory, code="990300", name="云岭市", level=RegionLevel.CITY)
    count = Case.objects.count()
    with pytest.raises(RegionNotOffered) as raised:
        apply(applicant, elsewhere.code)
    assert raised.value.code == "region_not_offered"
    assert raised.value.errors["region"][0].code == "region_not_offered"
    assert Case.objects.count() == count


def test_the_same_key_returns_the_same_bundle(bundle, applicant, persona_departments):
    first = apply(applicant, persona_departments["district"].code, key="bundle-once")
    again = apply(applicant, persona_departments["district"].code, key="bundle-once")
    assert first.pk == again.pk
    assert Case.objects.filter(parent=first).count() == 5


def test_the_pages_apply_show_every_branch_and_one_receipt(
    bundle, applicant, persona_departments, client, people
):
    from tongban.cases.tests.test_api_and_pages import sign_in_with_code

    sign_in_with_code(client, applicant)
    url = reverse("cases:bundle_apply", args=[START_BUSINESS])
    page = client.get(url)
    assert page.status_code == 200
    assert "法定代表人身份证" in page.content.decode()
    response = client.post(
        url, {"region": persona_departments["district"].code, "idempotency_key": "page-1"}
    )
    assert response.status_code == 400
    assert "请确认信用承诺" in response.content.decode() or "Confirm the credit" in (
        response.content.decode()
    )
    assert not Case.objects.exists()
    parent = apply(applicant, persona_departments["district"].code)
    finish(bundle_children(parent=parent)[2], people)
    page = client.get(reverse("cases:detail", args=[parent.pk])).content.decode()
    assert page.count('data-testid="branch"') == 5
    assert "国家税务总局海川市税务局" in page
    receipt = client.get(reverse("cases:receipt", args=[parent.pk])).content.decode()
    assert receipt.count(parent.number[:6]) >= 6
    pdf = client.get(reverse("cases:receipt_pdf", args=[parent.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    mine = client.get(reverse("cases:mine")).content.decode()
    assert parent.number in mine
    assert bundle_children(parent=parent)[0].number not in mine


def test_one_service_may_be_applied_for_in_any_district_that_offers_it(
    sole_proprietor, applicant, persona_departments, client
):
    from tongban.cases.tests.conftest import draft_create
    from tongban.cases.tests.test_api_and_pages import sign_in_with_code
    from tongban.organization.factories import RegionFactory, district_of, factory_create

    other = district_of(persona_departments["city"], 6, "海川市西山区")
    case = draft_create(sole_proprietor, applicant, region_code=other.code)
    assert case.region == other
    assert case.handling_department == persona_departments["market_regulation"]
    elsewhere = factory_create(RegionFactory, code="990400", name="云岭市", level=RegionLevel.CITY)
    count = Case.objects.count()
    with pytest.raises(RegionNotOffered):
        draft_create(sole_proprietor, applicant, region_code=elsewhere.code)
    sign_in_with_code(client, applicant)
    url = reverse("cases:apply", args=[sole_proprietor.code])
    page = client.get(url).content.decode()
    choices = page.split('<select id="region" name="region"')[1].split("</select>")[0]
    assert f'value="{other.code}"' in choices
    assert f'value="{elsewhere.code}"' not in choices
    response = client.post(url, {"region": elsewhere.code})
    assert response.status_code == 400
    assert Case.objects.count() == count
    # The timeline names the department that handled each step.
    from tongban.cases.tests.conftest import draft_complete, submit

    submitted = submit(
        draft_complete(sole_proprietor, applicant, region_code=other.code), applicant
    )
    page = client.get(reverse("cases:detail", args=[submitted.pk])).content.decode()
    assert '<p class="timeline__note muted">海川市市场监督管理局</p>' in page


def test_a_bundle_is_withdrawn_part_by_part(parent, applicant, people):
    from tongban.cases.exceptions import CaseTransitionInvalid

    with pytest.raises(CaseTransitionInvalid):
        services.case_withdraw(case_id=parent.pk, actor_id=applicant.pk)
    parent.refresh_from_db()
    assert parent.status == CaseStatus.SUBMITTED
    children = bundle_children(parent=parent)
    for child in children[:4]:
        finish(child, people)
    services.case_withdraw(case_id=children[4].pk, actor_id=applicant.pk, reason="暂不开户")
    parent.refresh_from_db()
    assert parent.status == CaseStatus.APPROVED
    assert bundle_status_of(bundle_children(parent=parent)) == BundleStatus.PARTLY_REFUSED


def test_a_newborn_is_registered_by_three_departments_at_once(
    persona_departments, applicant, tmp_path
):
    import json

    from tongban.catalog.services import DEMO_DIRECTORY, demo_catalog_load
    from tongban.organization.models import DepartmentType

    city = persona_departments["city"]
    for type_code, code, name in (
        ("health", "HC-WJ", "海川市卫生健康委员会"),
        ("public_security", "HC-GA", "海川市公安局"),
        ("medical_insurance", "HC-YB", "海川市医疗保障局"),
    ):
        kind = DepartmentType.objects.get_or_create(code=type_code, defaults={"name": name})[0]
        Department.objects.create(code=code, name=name, type=kind, region=city)
    business_bundle_load(tmp_path)  # certificate types and department types
    bundles = json.loads((DEMO_DIRECTORY / "bundles.json").read_text(encoding="utf-8"))
    newborn = next(entry for entry in bundles if entry["code"] == "newborn")
    entries = json.loads((DEMO_DIRECTORY / "services.json").read_text(encoding="utf-8"))
    (tmp_path / "services.json").write_text(
        json.dumps([entry for entry in entries if entry["code"] in newborn["items"]])
    )
    (tmp_path / "bundles.json").write_text(json.dumps([newborn]))
    demo_catalog_load(directory=tmp_path)
    plan = bundle_plan(code="newborn")
    # The household registration and the medical insurance take the birth certificate and
    # the household register issued within the bundle: nobody uploads or types them.
    assert plan.provided == {"出生医学证明": "出生医学证明", "户口簿": "户籍证明"}
    assert plan.pending["HC-GA-002"].keys() == {"child_name", "birth_date", "birthplace"}
    answers = {
        "child_name": "林小满",
        "mobile": "13800138000",
        "HC-WJ-002.sex": "女",
        "HC-WJ-002.birth_date": "2026-11-20",
        "HC-WJ-002.hospital": "海川市妇幼保健院",
        "HC-WJ-002.mother_name": "林晓",
        "HC-WJ-002.mother_id_number": "110101199003077598",
        "HC-WJ-002.parents_married": "否",
        "HC-GA-002.household_of": "随母",
        "HC-GA-002.household_address": "海川市临江区滨江街道滨江路1号101室",
        "HC-YB-001.child_id_number": "110101202611200021",
        "HC-YB-001.guardian_name": "林晓",
    }
    parent = bundle_submit(
        code="newborn",
        actor=ActorContext.for_self(applicant),
        real_name_level=applicant.real_name_level,
        authentication_strength=3,
        answers=answers,
        uploads=uploads_for(plan),
        region_code=persona_departments["district"].code,
        idempotency_key="newborn-1",
        commitment_version=services.commitment_current().version,
        confirmed=True,
    )
    children = bundle_children(parent=parent)
    assert [str(child.handling_department) for child in children] == [
        "海川市卫生健康委员会",
        "海川市公安局",
        "海川市医疗保障局",
    ]
    assert {child.status for child in children} == {CaseStatus.SUBMITTED}
