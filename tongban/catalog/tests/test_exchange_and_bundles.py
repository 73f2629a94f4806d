"""Export and import of a version as one JSON document; life-event bundles."""

from __future__ import annotations

import json

import pytest

from tongban.catalog import selectors, services
from tongban.catalog.exceptions import BundleNotFound, ExportInvalid
from tongban.catalog.models import Bundle, ServiceItem, ServiceVersion
from tongban.catalog.tests.conftest import draft_complete, item_create
from tongban.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def test_an_export_imports_as_a_new_draft_of_the_same_service(published: ServiceVersion) -> None:
    document = json.dumps(selectors.service_version_export(version=published))

    draft = services.service_version_import(document=document, actor_id=None)

    assert (draft.item_id, draft.number, draft.status) == (published.item_id, 2, "draft")
    assert selectors.version_diff(draft=draft, published=published) == []


def test_an_export_of_a_new_service_creates_it(published: ServiceVersion) -> None:
    document = selectors.service_version_export(version=published)
    document["item"] = {**document["item"], "code": "SCJG-999", "name": "个体工商户变更登记"}

    draft = services.service_version_import(document=document, actor_id=None)
    published_again = services.service_version_publish(version=draft, actor_id=None)

    assert published_again.item.code == "SCJG-999"
    assert published_again.form_schema == published.form_schema


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        "[]",
        {"format": "something else"},
        {"format": "tongban.catalog.service-version/1", "item": {"code": "X"}},
    ],
)
def test_a_corrupt_export_is_refused_and_nothing_saved(
    published: ServiceVersion, document: object
) -> None:
    with pytest.raises(ExportInvalid):
        services.service_version_import(document=document, actor_id=None)

    assert ServiceVersion.objects.count() == 1


def test_an_export_with_a_bad_row_is_refused_and_nothing_saved(published: ServiceVersion) -> None:
    document = selectors.service_version_export(version=published)
    document["item"] = {**document["item"], "code": "SCJG-998"}
    document["field_rows"][0]["prefill_source"] = "nowhere:name"

    with pytest.raises(ExportInvalid) as raised:
        services.service_version_import(document=document, actor_id=None)

    assert list(raised.value.errors) == ["field_rows.operator_name.prefill_source"]
    assert not ServiceItem.objects.filter(code="SCJG-998").exists()


@pytest.fixture
def bundle(published: ServiceVersion) -> Bundle:
    slower = item_create(code="SW-001", name="税务登记", department_type_code="taxation")
    services.service_version_publish(
        version=draft_complete(slower, promised_days=3, fee_amount="10.00"), actor_id=None
    )
    return services.bundle_save(
        code="start-business",
        name="企业开办一件事",
        item_codes=["SCJG-001", "SW-001"],
        field_maps={"SCJG-001": {"operator_name": "operator_name"}},
        actor_id=None,
    )


def test_a_bundle_guide_shows_the_slowest_branch_and_merged_materials(bundle: Bundle) -> None:
    guide = selectors.bundle_guide(code="start-business")

    assert [item.code for item in guide.items] == ["SCJG-001", "SW-001"]
    assert guide.promised_days == 3
    assert [material.name for material in guide.materials] == ["经营者身份证明", "家庭成员关系证明"]
    assert str(guide.fee_total) == "10.00"


def test_the_combined_form_maps_shared_fields_once(bundle: Bundle) -> None:
    guide = selectors.bundle_guide(code="start-business")
    keys = [field["key"] for field in guide.combined_fields]

    assert keys[0] == "operator_name"
    assert "SW-001.operator_name" in keys
    assert "SCJG-001.mobile" in keys


def test_a_bundle_needs_two_known_services(published: ServiceVersion) -> None:
    with pytest.raises(InvalidInput):
        services.bundle_save(code="b", name="b", item_codes=["SCJG-001", "NOPE"], actor_id=None)

    assert Bundle.objects.count() == 0


def test_an_unknown_bundle_is_not_found(db: None) -> None:
    with pytest.raises(BundleNotFound):
        selectors.bundle_guide(code="nope")


def test_the_combined_answers_split_onto_each_services_form(bundle: Bundle) -> None:
    split = selectors.bundle_answers_split(
        code="start-business",
        answers={"operator_name": "张三", "SCJG-001.mobile": "13800138000", "SW-001.mobile": "1"},
    )

    assert split == {
        "SCJG-001": {"operator_name": "张三", "mobile": "13800138000"},
        "SW-001": {"mobile": "1"},
    }
