"""GET /api/v1/catalog/services, /services/{code} and /bundles."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.catalog import services
from tongban.catalog.models import ServiceVersion
from tongban.catalog.tests.conftest import draft_complete, item_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(published: ServiceVersion) -> None:
    for code, name in (("SCJG-002", "公司设立登记"), ("SCJG-003", "印章刻制备案")):
        services.service_version_publish(
            version=draft_complete(item_create(code=code, name=name, aliases="")), actor_id=None
        )
    item_create(code="SCJG-004", name="草稿")


def test_the_list_pages_by_cursor_without_drafts(client: Client, three: None) -> None:
    first = client.get("/api/v1/catalog/services", {"limit": 2}).json()
    second = client.get(
        "/api/v1/catalog/services", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()

    assert [item["code"] for item in first["items"]] == ["SCJG-001", "SCJG-002"]
    assert [item["code"] for item in second["items"]] == ["SCJG-003"]
    assert second["next_cursor"] == ""


def test_the_list_searches_in_chinese_and_pinyin(client: Client, three: None) -> None:
    by_words = client.get("/api/v1/catalog/services", {"q": "印章"}).json()
    by_initials = client.get("/api/v1/catalog/services", {"q": "gtgsh"}).json()

    assert [item["code"] for item in by_words["items"]] == ["SCJG-003"]
    assert [item["code"] for item in by_initials["items"]] == ["SCJG-001"]


def test_an_oversized_query_answers_400_with_the_error_shape(client: Client, db: None) -> None:
    response = client.get("/api/v1/catalog/services", {"q": "登" * 51})

    assert response.status_code == 400
    assert response.json()["code"] == "search_query_invalid"
    assert [error["code"] for error in response.json()["errors"]["q"]] == ["too_long"]


def test_a_malformed_cursor_answers_400(client: Client, db: None) -> None:
    response = client.get("/api/v1/catalog/services", {"cursor": "%%%"})

    assert response.status_code == 400


def test_the_detail_has_the_guide_schema_ui_materials_and_burden(
    client: Client, published: ServiceVersion
) -> None:
    body = client.get("/api/v1/catalog/services/SCJG-001").json()

    assert body["version"] == 1
    assert body["trips"] == 0
    assert body["result_certificate_type"] == "business_licence"
    assert body["form_schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert [step["title"] for step in body["form_ui"]["steps"]] == ["经营者", "经营信息"]
    assert [material["name"] for material in body["materials"]] == [
        "经营者身份证明",
        "家庭成员关系证明",
    ]
    assert body["burden"] == {
        "fields_total": 5,
        "fields_prefilled": 0,
        "materials_total": 2,
        "materials_certificate_satisfiable": 1,
    }


def test_an_unknown_or_draft_service_is_404(client: Client, certificate_types: None) -> None:
    item_create(code="DRAFT-1")

    assert client.get("/api/v1/catalog/services/DRAFT-1").status_code == 404
    assert client.get("/api/v1/catalog/services/NOPE").json()["code"] == "service_item_not_found"


def test_bundles_list_their_services_and_slowest_time(
    client: Client, published: ServiceVersion
) -> None:
    slower = item_create(code="SW-001", name="税务登记")
    services.service_version_publish(version=draft_complete(slower, promised_days=3), actor_id=None)
    services.bundle_save(
        code="start-business", name="企业开办", item_codes=["SCJG-001", "SW-001"], actor_id=None
    )

    body = client.get("/api/v1/catalog/bundles").json()

    assert [(b["code"], b["services"], b["promised_days"]) for b in body] == [
        ("start-business", ["SCJG-001", "SW-001"], 3)
    ]
