"""One path to every counter and delivery page (the access matrix of test_access_matrix.py for
issue 14's pages): a persona with no business with the counter case or the delivery finds
nothing (404; the anonymous are sent to sign in) and changes nothing; the department's clerk
(and, for the delivery choice, the applicant) may."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import CaseStatus, IdentityCheckMethod
from tongban.cases.models import Case, CaseDelivery, CaseEvent, CounterIntake
from tongban.cases.tests.conftest import PREMISES_PDF, TYPED, draft_complete, submit

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    audience: str = "staff"


ENDPOINTS = [
    Endpoint("counter start page", "GET", lambda o: reverse("cases:counter_start")),
    Endpoint(
        "counter start",
        "POST",
        lambda o: reverse("cases:counter_start"),
        lambda o: {
            "service": o["service"],
            "id_number": o["id_number"],
            "identity_method": IdentityCheckMethod.ID_CARD_VISUAL,
            "identity_confirmed": "on",
        },
    ),
    Endpoint(
        "counter case page", "GET", lambda o: reverse("cases:counter_case", args=[o["draft"]])
    ),
    Endpoint(
        "counter answers",
        "POST",
        lambda o: reverse("cases:counter_case", args=[o["draft"]]),
        lambda o: dict(TYPED),
    ),
    Endpoint(
        "counter upload",
        "POST",
        lambda o: reverse("cases:counter_upload", args=[o["draft"]]),
        lambda o: {
            "material": o["premises"],
            "file": SimpleUploadedFile("scan.pdf", PREMISES_PDF, content_type="application/pdf"),
        },
    ),
    Endpoint(
        "counter submit",
        "POST",
        lambda o: reverse("cases:counter_submit", args=[o["draft"]]),
        lambda o: {"commitment_version": o["commitment"], "confirmed": "on"},
    ),
    Endpoint(
        "counter receipt", "GET", lambda o: reverse("cases:counter_receipt", args=[o["submitted"]])
    ),
    Endpoint(
        "counter receipt PDF",
        "GET",
        lambda o: reverse("cases:counter_receipt_pdf", args=[o["submitted"]]),
    ),
    Endpoint(
        "staff delivery update",
        "POST",
        lambda o: reverse("cases:staff_delivery_update", args=[o["delivery"]]),
        lambda o: {"status": "posted", "tracking_number": "SF0000000001"},
    ),
    Endpoint(
        "applicant delivery page",
        "GET",
        lambda o: reverse("cases:delivery", args=[o["open_case"]]),
        audience="applicant",
    ),
    Endpoint(
        "applicant delivery choice",
        "POST",
        lambda o: reverse("cases:delivery", args=[o["open_case"]]),
        lambda o: {"method": "e_licence"},
        audience="applicant",
    ),
]

PERSONAS = [
    "applicant",
    "other citizen",
    "case officer of another department",
    "anonymous",
    "department clerk",
]


@pytest.fixture
def personas(applicant, other_citizen, other_department_case_officer, clerk):
    return {
        "applicant": applicant,
        "other citizen": other_citizen,
        "case officer of another department": other_department_case_officer,
        "anonymous": None,
        "department clerk": clerk,
    }


def _counter_case(item: Any, clerk: User, applicant: User) -> Case:
    return services.case_counter_intake_start(
        item_code=item.code,
        clerk=clerk,
        identity=services.IdentityCheck(
            method=IdentityCheckMethod.ID_CARD_READER,
            id_number=applicant.resident_id_number,
            confirmed=True,
        ),
    )


@pytest.fixture
def objects(sole_proprietor, applicant, clerk, submitted) -> dict[str, Any]:
    draft = _counter_case(sole_proprietor, clerk, applicant)
    done = _counter_case(sole_proprietor, clerk, applicant)
    services.case_draft_update(case_id=done.pk, actor_id=clerk.pk, answers=TYPED)
    premises = done.service_version.materials.get(name="经营场所使用相关文件")
    services.case_material_upload(
        case_id=done.pk, actor_id=clerk.pk, material_id=premises.pk, name="a.pdf", data=PREMISES_PDF
    )
    services.case_submit(
        case_id=done.pk,
        actor_id=clerk.pk,
        idempotency_key="counter-done",
        commitment_version=services.commitment_current().version,
        confirmed=True,
    )
    delivery = services.case_delivery_choose(
        case_id=submitted.pk,
        actor_id=applicant.pk,
        method="post",
        recipient_name="林晓",
        address="海川市临江区滨江街道滨江路1号",
        postal_code="310000",
    )
    Case.objects.filter(pk=submitted.pk).update(status=CaseStatus.APPROVED)
    CaseDelivery.objects.filter(pk=delivery.pk).update(status="ready_for_posting")
    open_case = submit(draft_complete(sole_proprietor, applicant), applicant)
    return {
        "service": sole_proprietor.code,
        "id_number": applicant.resident_id_number,
        "draft": draft.pk,
        "premises": str(premises.pk),
        "commitment": services.commitment_current().version,
        "submitted": done.pk,
        "delivery": delivery.pk,
        "open_case": open_case.pk,
    }


def _snapshot() -> tuple[Any, ...]:
    return (
        Case.objects.count(),
        CounterIntake.objects.count(),
        CaseEvent.objects.count(),
        sorted(Case.objects.values_list("status", flat=True)),
        sorted(CaseDelivery.objects.values_list("status", "method", "tracking_number")),
        sorted(Case.objects.values_list("pages_uploaded", flat=True)),
    )


def _allowed(persona: str, endpoint: Endpoint) -> bool:
    if endpoint.audience == "staff":
        return persona == "department clerk"
    return persona == "applicant"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.name for endpoint in ENDPOINTS])
def test_every_counter_and_delivery_endpoint_answers_only_those_who_may(
    persona, endpoint, personas, objects
):
    client = Client()
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    url = endpoint.url(objects)
    before = _snapshot()

    if endpoint.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.data(objects) if endpoint.data else {})

    if _allowed(persona, endpoint):
        # An answer about the case itself (a page, or a refusal such as "incomplete"), never
        # "not found".
        assert response.status_code in (200, 302, 400), response.status_code
        return
    if user is None:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == 404
    assert _snapshot() == before


def test_the_delivery_list_shows_only_the_departments_own(
    objects, clerk, other_department_case_officer
):
    own = Client()
    own.force_login(clerk)
    foreign = Client()
    foreign.force_login(other_department_case_officer)

    assert "310000" in own.get(reverse("cases:staff_deliveries")).content.decode()
    page = foreign.get(reverse("cases:staff_deliveries"))
    assert page.status_code == 200
    assert "310000" not in page.content.decode()
    assert "滨江路" not in page.content.decode()
