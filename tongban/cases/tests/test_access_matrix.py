"""One path to every case (issue 11, point 11): every case and task endpoint and page, asked
by every persona that has no business with the case, answers 404 (the anonymous are sent to
sign in, or 401 in the API) and changes nothing. The positive column (the applicant, their
family agent, the department's clerk) proves the same requests work for those who may."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import NoticeKind
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNotice,
    CaseUrge,
    ClockPause,
    CorrectionRequest,
    Supplementation,
)
from tongban.cases.tests.conftest import PREMISES_PDF
from tongban.workflow.constants import TaskStatus
from tongban.workflow.models import HumanTask

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable[[dict[str, Any]], str]
    data: dict[str, Any] | None = None
    api: bool = False
    # Who may: "staff" (the department's clerk) or "applicant" (applicant and family agent).
    audience: str = "staff"
    # Sent as a form with a small PDF as "file"; data names entries of the objects fixture.
    multipart: bool = False


ENDPOINTS = [
    Endpoint("inbox lists the task", "GET", lambda o: reverse("cases:staff_inbox")),
    Endpoint("staff case page", "GET", lambda o: reverse("cases:staff_task", args=[o["task"]])),
    Endpoint(
        "staff decision",
        "POST",
        lambda o: reverse("cases:staff_decide", args=[o["task"]]),
        {"outcome": "rejected", "reasons": "越权"},
    ),
    Endpoint(
        "staff comment",
        "POST",
        lambda o: reverse("cases:staff_comment", args=[o["task"]]),
        {"text": "越权评论"},
    ),
    Endpoint("process diagram", "GET", lambda o: reverse("cases:staff_diagram", args=[o["task"]])),
    Endpoint(
        "material page image",
        "GET",
        lambda o: reverse("cases:staff_material_page", args=[o["task"], o["material"], 1]),
    ),
    Endpoint(
        "staff notice PDF",
        "GET",
        lambda o: reverse("cases:staff_notice", args=[o["task"], o["notice"]]),
    ),
    Endpoint(
        "applicant notice PDF",
        "GET",
        lambda o: reverse("cases:notice_pdf", args=[o["case"], o["notice"]]),
        audience="applicant",
    ),
    # The applicant's side (pages and API of tongban.cases.views and .api).
    Endpoint(
        "case page",
        "GET",
        lambda o: reverse("cases:detail", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "form step",
        "GET",
        lambda o: reverse("cases:step", args=[o["case"], 1]),
        audience="applicant",
    ),
    Endpoint(
        "materials page",
        "GET",
        lambda o: reverse("cases:materials", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "material file",
        "GET",
        lambda o: reverse("cases:material_file", args=[o["case"], o["material"]]),
        audience="applicant",
    ),
    Endpoint(
        "review page",
        "GET",
        lambda o: reverse("cases:review", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "receipt page",
        "GET",
        lambda o: reverse("cases:receipt", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "receipt PDF",
        "GET",
        lambda o: reverse("cases:receipt_pdf", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "withdraw",
        "POST",
        lambda o: reverse("cases:withdraw", args=[o["case"]]),
        {"reason": "不办了"},
        audience="applicant",
    ),
    Endpoint(
        "flag a prefilled value",
        "POST",
        lambda o: reverse("cases:flag", args=[o["case"], "operator_name"]),
        {"value_claimed": "林某"},
        audience="applicant",
    ),
    Endpoint(
        "case API detail",
        "GET",
        lambda o: f"/api/v1/cases/{o['case']}",
        api=True,
        audience="applicant",
    ),
    Endpoint(
        "case API update",
        "PATCH",
        lambda o: f"/api/v1/cases/{o['case']}",
        {"answers": {"premises": "别处"}},
        api=True,
        audience="applicant",
    ),
    Endpoint(
        "case API submit",
        "POST",
        lambda o: f"/api/v1/cases/{o['case']}/submit",
        {"commitment_version": 1, "confirmed": True},
        api=True,
        audience="applicant",
    ),
    Endpoint(
        "case API withdraw",
        "POST",
        lambda o: f"/api/v1/cases/{o['case']}/withdraw",
        {},
        api=True,
        audience="applicant",
    ),
    Endpoint(
        "case API correction",
        "POST",
        lambda o: f"/api/v1/cases/{o['case']}/corrections",
        {"field": "operator_name", "value_claimed": "林某"},
        api=True,
        audience="applicant",
    ),
    Endpoint(
        "case API material upload",
        "POST",
        lambda o: f"/api/v1/cases/{o['case']}/materials",
        {"material_id": "catalog material"},
        api=True,
        audience="applicant",
        multipart=True,
    ),
    # Supplementation, urging and the clock (issue 12).
    Endpoint(
        "supplement page",
        "GET",
        lambda o: reverse("cases:supplement", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "supplement resubmit",
        "POST",
        lambda o: reverse("cases:supplement", args=[o["case"]]),
        {"premises": "别处"},
        audience="applicant",
    ),
    Endpoint(
        "urge",
        "POST",
        lambda o: reverse("cases:urge", args=[o["case"]]),
        audience="applicant",
    ),
    Endpoint(
        "staff asks for supplementation",
        "POST",
        lambda o: reverse("cases:staff_supplement", args=[o["task"]]),
        {"item": ["field:premises"], "reason-field-premises": "越权补正"},
    ),
    Endpoint(
        "staff suspends the clock",
        "POST",
        lambda o: reverse("cases:staff_clock", args=[o["task"]]),
        {"action": "suspend", "reason": "越权中止", "kind": "expert_review"},
    ),
    Endpoint("task API claim", "POST", lambda o: f"/api/v1/tasks/{o['task']}/claim", api=True),
    Endpoint(
        "task API complete",
        "POST",
        lambda o: f"/api/v1/tasks/{o['task']}/complete",
        {"outcome": "rejected", "comment": "越权"},
        api=True,
    ),
    Endpoint("task API diagram", "GET", lambda o: f"/api/v1/tasks/{o['task']}/diagram", api=True),
]


def _grant(agent: User, principal: User, **fields: Any) -> None:
    from tongban.accounts.factories import AgentGrantFactory
    from tongban.organization.factories import factory_create

    factory_create(
        AgentGrantFactory, agent=agent, principal_person=principal, family=True, **fields
    )


@pytest.fixture
def personas(
    applicant, other_citizen, enterprise_agent, other_department_case_officer, clerk
) -> dict[str, User | None]:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import factory_create

    family = factory_create(UserFactory, username="family-agent", real_name="林小妹")
    former = factory_create(UserFactory, username="former-agent", real_name="赵前")
    _grant(family, applicant)
    _grant(
        former,
        applicant,
        revoked_at=timezone.now() - dt.timedelta(days=1),
        valid_until=timezone.now() + dt.timedelta(days=30),
    )
    return {
        "applicant": applicant,
        "other citizen": other_citizen,
        "enterprise agent": enterprise_agent,
        "former agent": former,
        "family agent": family,
        "case officer of another department": other_department_case_officer,
        "anonymous": None,
        "department clerk": clerk,
    }


@pytest.fixture
def objects(submitted: Case, clerk: User, persona_departments: dict[str, Any]) -> dict[str, Any]:
    task = HumanTask.objects.get(instance=submitted.process_instance, element_id="accept")
    # An acceptance notice to fetch, without completing the task.
    notice = services.case_notice_issue(
        case=submitted,
        kind=NoticeKind.ACCEPTANCE,
        department=persona_departments["market_regulation"],
        actor_id=clerk.pk,
    )
    material = submitted.materials.get(material__name="经营场所使用相关文件")
    return {
        "case": submitted.pk,
        "task": task.pk,
        "notice": notice.pk,
        "material": material.pk,
        "catalog material": str(material.material_id),
    }


def _snapshot(case_id: Any, task_id: Any) -> tuple[Any, ...]:
    case = Case.objects.get(pk=case_id)
    task = HumanTask.objects.get(pk=task_id)
    return (
        case.status,
        case.decided_at,
        CaseEvent.objects.filter(case_id=case_id).count(),
        CaseNotice.objects.filter(case_id=case_id).count(),
        CaseMaterial.objects.filter(case_id=case_id).exclude(file="").count(),
        CorrectionRequest.objects.filter(case_id=case_id).count(),
        Supplementation.objects.filter(case_id=case_id).count(),
        ClockPause.objects.filter(case_id=case_id).count(),
        CaseUrge.objects.filter(case_id=case_id).count(),
        task.status,
        task.claimed_by_id,
        task.instance.revision,
    )


def _request(client: Client, endpoint: Endpoint, url: str, objects: dict[str, Any]):
    if endpoint.method == "GET":
        return client.get(url)
    if endpoint.method == "PATCH":
        return client.patch(url, endpoint.data or {}, content_type="application/json")
    if endpoint.multipart:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {key: objects[value] for key, value in (endpoint.data or {}).items()}
        data["file"] = SimpleUploadedFile("scan.pdf", PREMISES_PDF, content_type="application/pdf")
        return client.post(url, data)
    if endpoint.api:
        return client.post(url, endpoint.data or {}, content_type="application/json")
    return client.post(url, endpoint.data or {})


def _allowed(persona: str, endpoint: Endpoint) -> bool:
    if endpoint.audience == "staff":
        return persona == "department clerk"
    return persona in {"applicant", "family agent"}


PERSONAS = [
    "applicant",
    "other citizen",
    "enterprise agent",
    "former agent",
    "family agent",
    "case officer of another department",
    "anonymous",
    "department clerk",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.name for endpoint in ENDPOINTS])
def test_every_case_endpoint_answers_only_those_who_may(persona, endpoint, personas, objects):
    client = Client()
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    url = endpoint.url(objects)
    before = _snapshot(objects["case"], objects["task"])
    response = _request(client, endpoint, url, objects)
    if endpoint.name == "inbox lists the task":
        # The inbox is everyone's own: what matters is whose tasks it lists.
        listed = response.status_code == 200 and str(objects["task"]) in response.content.decode()
        assert listed == _allowed(persona, endpoint)
        if persona not in {"department clerk", "anonymous"}:
            assert response.status_code in (200, 404)
        return
    if _allowed(persona, endpoint):
        # Those who may get an answer about the case itself (a page, or a refusal such as
        # "already submitted"), never "not found".
        assert response.status_code != 404, (persona, endpoint.name)
        assert response.status_code < 500
        return
    if user is None:
        expected = {401} if endpoint.api else {302}
        assert response.status_code in expected
        if not endpoint.api:
            assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == 404, (persona, endpoint.name, response.status_code)
    assert _snapshot(objects["case"], objects["task"]) == before
    if endpoint.method == "POST":
        assert HumanTask.objects.get(pk=objects["task"]).status == TaskStatus.OPEN


def test_an_agent_sees_only_the_services_the_grant_covers(
    submitted: Case, applicant: User, objects: dict[str, Any]
) -> None:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import factory_create

    narrow = factory_create(UserFactory, username="pension-agent", real_name="林小弟")
    _grant(narrow, applicant, all_services=False, service_codes=["HC-RS-002"])
    wide = factory_create(UserFactory, username="registration-agent", real_name="林小姐")
    _grant(wide, applicant, all_services=False, service_codes=[submitted.service_item.code])
    before = _snapshot(objects["case"], objects["task"])

    for agent, expected in ((narrow, 404), (wide, 200)):
        client = Client()
        client.force_login(agent)
        assert client.get(reverse("cases:detail", args=[submitted.pk])).status_code == expected
        assert client.get(f"/api/v1/cases/{submitted.pk}").status_code == expected
        listed = [item["id"] for item in client.get("/api/v1/cases").json()["items"]]
        assert (str(submitted.pk) in listed) == (expected == 200)
    withdraw = Client()
    withdraw.force_login(narrow)
    assert (
        withdraw.post(reverse("cases:withdraw", args=[submitted.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert _snapshot(objects["case"], objects["task"]) == before
