"""The search page, a service's guide, its form step by step, a bundle's guide."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.catalog import services
from tongban.catalog.models import ServiceVersion
from tongban.catalog.tests.conftest import draft_complete, item_create

pytestmark = pytest.mark.django_db


def test_the_guide_shows_trips_time_fee_materials_and_the_apply_button(
    client: Client, published: ServiceVersion
) -> None:
    response = client.get("/services/SCJG-001/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 200
    assert "0 trips" in html
    assert "Done in 1 working day" in html
    assert "Free" in html
    assert "经营者身份证明" in html
    assert "Not needed if you hold the e-certificate" in html
    assert 'href="/services/SCJG-001/apply/"' in html


def test_an_unknown_service_guide_is_404(client: Client, db: None) -> None:
    assert client.get("/services/NOPE/").status_code == 404


def test_search_finds_by_pinyin_initials(client: Client, published: ServiceVersion) -> None:
    html = client.get("/services/", {"q": "gtgsh"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "1 service found" in html
    assert "/services/SCJG-001/" in html


def test_an_oversized_search_shows_the_error_summary(client: Client, db: None) -> None:
    html = client.get("/services/", {"q": "登" * 60}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "There is a problem" in html
    assert 'href="#id_q"' in html


def test_the_form_step_reports_every_error_and_links_to_each_field(
    client: Client, published: ServiceVersion
) -> None:
    response = client.post(
        "/services/SCJG-001/form/1/",
        {"operator_name": "", "mobile": "123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert 'href="#id_operator_name"' in html
    assert 'href="#id_mobile"' in html
    assert 'aria-invalid="true"' in html
    assert "Why we ask: 登记机关联系经营者" in html


def test_a_conditional_question_is_required_only_when_it_applies(
    client: Client, published: ServiceVersion
) -> None:
    ok = client.post("/services/SCJG-001/form/2/", {"form_of_composition": "个人经营"})
    missing = client.post("/services/SCJG-001/form/2/", {"form_of_composition": "家庭经营"})

    assert 'role="status"' in ok.content.decode()
    assert 'href="#id_family_members"' in missing.content.decode()


def test_a_step_that_does_not_exist_is_404(client: Client, published: ServiceVersion) -> None:
    assert client.get("/services/SCJG-001/form/9/").status_code == 404


def test_the_bundle_page_shows_the_slowest_time_and_the_shared_questions(
    client: Client, published: ServiceVersion
) -> None:
    slower = item_create(code="SW-001", name="税务登记")
    services.service_version_publish(version=draft_complete(slower, promised_days=3), actor_id=None)
    services.bundle_save(
        code="start-business",
        name="企业开办一件事",
        item_codes=["SCJG-001", "SW-001"],
        field_maps={code: {"mobile": "mobile"} for code in ("SCJG-001", "SW-001")},
        actor_id=None,
    )

    html = client.get(
        "/services/bundles/start-business/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "All done in 3 working days" in html
    assert "used by 2 services" in html


def test_the_guide_prints_with_its_own_stylesheet(
    client: Client, published: ServiceVersion
) -> None:
    html = client.get("/services/SCJG-001/").content.decode()

    assert 'href="/static/catalog/print.css" media="print"' in html
