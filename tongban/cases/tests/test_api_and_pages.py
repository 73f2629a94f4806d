"""The applicant's API and pages: create, update, upload, submit, list, read, withdraw."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.conftest import PREMISES_PDF, TYPED, draft_complete
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


def sign_in_with_code(client: Client, user: User) -> Client:
    """Signed in with a second factor (a one-time code), as the service requires."""
    from tongban.accounts.constants import SESSION_AUTHENTICATION

    client.force_login(user)
    session = client.session
    session[SESSION_AUTHENTICATION] = [{"method": "code", "at": 0}]
    session.save()
    return client


@pytest.fixture
def signed_in(client: Client, applicant: User) -> Client:
    return sign_in_with_code(client, applicant)


def _json(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    call = getattr(client, method)
    return call(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def test_the_api_takes_a_draft_from_creation_to_submission(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    created = _json(signed_in, "post", "/api/v1/cases", {"service_code": sole_proprietor.code})
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["status"] == "draft"
    assert case["prefilled"]["operator_id_number"] == {
        "source": "identity",
        "label": case["prefilled"]["operator_id_number"]["label"],
        "editable": False,
    }
    assert case["burden"]["fields_prefilled"] == 4
    assert case["burden"]["materials_by_held_documents"] == 2

    updated = _json(signed_in, "patch", f"/api/v1/cases/{case['id']}", {"answers": TYPED})
    assert updated.status_code == 200, updated.content
    material = next(
        m
        for m in Case.objects.get().service_version.materials.all()
        if m.name == "经营场所使用相关文件"
    )
    uploaded = signed_in.post(
        f"/api/v1/cases/{case['id']}/materials",
        {"material_id": str(material.pk), "file": SimpleUploadedFile("a.pdf", PREMISES_PDF)},
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["page_count"] == 1

    body = {"commitment_version": services.commitment_current().version, "confirmed": True}
    first = _json(
        signed_in, "post", f"/api/v1/cases/{case['id']}/submit", body, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = _json(
        signed_in, "post", f"/api/v1/cases/{case['id']}/submit", body, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 200, first.content
    assert again.json()["number"] == first.json()["number"]
    assert first.json()["status"] == "submitted"
    assert first.json()["clocks"][0]["due"] == first.json()["acceptance_due"]
    assert [event["kind"] for event in first.json()["timeline"]] == ["draft_created", "submitted"]

    listed = signed_in.get("/api/v1/cases").json()
    assert [item["id"] for item in listed["items"]] == [case["id"]]

    withdrawn = _json(signed_in, "post", f"/api/v1/cases/{case['id']}/withdraw", {"reason": ""})
    assert withdrawn.json()["status"] == "withdrawn"


def test_the_api_lists_every_schema_error_at_once(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_complete(sole_proprietor, applicant)

    response = _json(
        signed_in,
        "patch",
        f"/api/v1/cases/{case.pk}",
        {"answers": {"postal_code": "x", "capital": "y", "e_commerce": "z"}},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case_invalid"
    assert set(response.json()["errors"]) == {"postal_code", "capital", "e_commerce"}


def test_a_submit_without_the_header_is_refused(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_complete(sole_proprietor, applicant)

    response = _json(signed_in, "post", f"/api/v1/cases/{case.pk}/submit", {"confirmed": True})

    assert response.status_code == 400
    assert Case.objects.get().status == CaseStatus.DRAFT


def test_a_reused_key_with_another_body_is_a_conflict(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_complete(sole_proprietor, applicant)
    url = f"/api/v1/cases/{case.pk}/submit"
    version = services.commitment_current().version
    _json(
        signed_in,
        "post",
        url,
        {"commitment_version": version, "confirmed": True},
        HTTP_IDEMPOTENCY_KEY="k",
    )

    response = _json(
        signed_in,
        "post",
        url,
        {"commitment_version": None, "confirmed": True},
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"


def test_another_citizen_gets_404_and_changes_nothing(
    client: Client, submitted: Case, other_citizen: User
) -> None:
    client.force_login(other_citizen)

    assert client.get(f"/api/v1/cases/{submitted.pk}").status_code == 404
    assert _json(client, "post", f"/api/v1/cases/{submitted.pk}/withdraw").status_code == 404
    assert client.get(f"/cases/{submitted.pk}/").status_code == 404
    assert client.get(f"/cases/{submitted.pk}/receipt.pdf").status_code == 404
    assert client.post(f"/cases/{submitted.pk}/withdraw/").status_code == 404
    assert client.get("/api/v1/cases").json()["items"] == []
    assert Case.objects.get().status == CaseStatus.SUBMITTED


def test_a_bad_cursor_is_a_clear_error(signed_in: Client, submitted: Case) -> None:
    response = signed_in.get("/api/v1/cases?cursor=@@@")

    assert response.status_code == 400
    assert response.json()["errors"]["cursor"][0]["code"] == "invalid_cursor"


def test_the_list_pages_with_a_cursor(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    from tongban.cases.tests.conftest import draft_create

    for _ in range(3):
        draft_create(sole_proprietor, applicant)

    first = signed_in.get("/api/v1/cases?limit=2").json()
    second = signed_in.get(f"/api/v1/cases?limit=2&cursor={first['next_cursor']}").json()

    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] == ""
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_the_guide_apply_button_leads_through_the_pages_to_the_receipt(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    guide = signed_in.get(f"/services/{sole_proprietor.code}/").content.decode()
    assert f'href="/services/{sole_proprietor.code}/apply/"' in guide
    assert signed_in.get(f"/services/{sole_proprietor.code}/apply/").status_code == 200

    created = signed_in.post(f"/services/{sole_proprietor.code}/apply/")
    case = Case.objects.get()
    assert created["Location"] == f"/cases/{case.pk}/step/1/"
    page = signed_in.get(f"/cases/{case.pk}/step/3/").content.decode()
    assert str(applicant.real_name) in page
    assert "disabled" in page

    step1 = signed_in.post(
        f"/cases/{case.pk}/step/1/",
        {"premises": TYPED["premises"], "postal_code": "310000", "e_commerce": "否"},
    )
    assert step1["Location"] == f"/cases/{case.pk}/step/2/"
    signed_in.post(f"/cases/{case.pk}/step/2/", {"capital": "10", "business_scope": "零售"})
    step3 = signed_in.post(
        f"/cases/{case.pk}/step/3/", {"mobile": "13900000001", "composition": "个人经营"}
    )
    assert step3["Location"] == f"/cases/{case.pk}/materials/"
    material = case.service_version.materials.get(name="经营场所使用相关文件")
    signed_in.post(
        f"/cases/{case.pk}/materials/",
        {"material": str(material.pk), "file": SimpleUploadedFile("lease.pdf", PREMISES_PDF)},
    )
    assert CaseMaterial.objects.filter(case=case, material=material).exists()
    review = signed_in.get(f"/cases/{case.pk}/review/").content.decode()
    assert "idempotency_key" in review

    refused = signed_in.post(
        f"/cases/{case.pk}/review/",
        {"idempotency_key": "page-1", "commitment_version": "1"},
    )
    assert refused.status_code == 400
    done = signed_in.post(
        f"/cases/{case.pk}/review/",
        {"idempotency_key": "page-2", "commitment_version": "1", "confirmed": "on"},
    )
    assert done["Location"] == f"/cases/{case.pk}/receipt/"
    double = signed_in.post(
        f"/cases/{case.pk}/review/",
        {"idempotency_key": "page-2", "commitment_version": "1", "confirmed": "on"},
    )
    assert double["Location"] == f"/cases/{case.pk}/receipt/"
    case.refresh_from_db()
    assert case.number in signed_in.get(done["Location"]).content.decode()
    pdf = signed_in.get(f"/cases/{case.pk}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    mine = signed_in.get("/cases/").content.decode()
    assert case.number in mine
    detail = signed_in.get(f"/cases/{case.pk}/").content.decode()
    assert "Withdraw" in detail or "撤回" in detail


def test_an_uploaded_file_is_served_only_to_the_applicant(
    client: Client, sole_proprietor: ServiceItem, applicant: User, other_citizen: User
) -> None:
    case = draft_complete(sole_proprietor, applicant)
    row = case.materials.exclude(file="").get()
    url = f"/cases/{case.pk}/materials/{row.pk}/"

    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    sign_in_with_code(client, applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PREMISES_PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == "attachment"


def test_a_citizen_below_the_level_is_sent_to_verify_first(
    client: Client, sole_proprietor: ServiceItem, citizen: User
) -> None:
    client.force_login(citizen)

    response = client.get(f"/services/{sole_proprietor.code}/apply/")

    assert response.status_code == 302
    assert "/real-name/" in response["Location"]
    assert not Case.objects.exists()


def test_flagging_a_value_shows_in_my_correction_requests(
    signed_in: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    from tongban.cases.tests.conftest import draft_create

    case = draft_create(sole_proprietor, applicant)

    empty = signed_in.post(f"/cases/{case.pk}/flag/premises/", {"value_claimed": ""})
    assert empty.status_code == 400
    response = signed_in.post(f"/cases/{case.pk}/flag/premises/", {"value_claimed": "滨江路2号"})
    assert response["Location"] == "/cases/corrections/"
    assert "经营场所" in signed_in.get("/cases/corrections/").content.decode()
    assert signed_in.get(f"/cases/{case.pk}/flag/capital/").status_code == 404


def test_removing_a_material_by_a_malformed_id_is_a_clear_error(
    client: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_complete(sole_proprietor, applicant)
    sign_in_with_code(client, applicant)
    before = case.materials.count()

    response = client.post(f"/cases/{case.pk}/materials/", {"remove": "not-a-uuid"})

    # The page again, saying why, as for any refused upload.
    assert response.status_code == 200
    assert "该材料不存在。" in response.content.decode()
    assert case.materials.count() == before
