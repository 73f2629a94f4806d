"""Field rows become JSON Schema 2020-12 and a UI; answers are checked with that schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from tongban.catalog import services
from tongban.catalog.constants import FieldType
from tongban.catalog.exceptions import FieldRowInvalid, FormDataInvalid
from tongban.catalog.forms_schema import (
    FieldSpec,
    form_data_errors,
    form_data_validate,
    form_generate,
)
from tongban.catalog.models import FieldRow, ServiceVersion
from tongban.catalog.tests.conftest import item_create

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
VALID_CREDIT_CODE = "91350100M000100Y43"


def spec(key: str, type: str = FieldType.TEXT, **extra: object) -> FieldSpec:
    return FieldSpec(key=key, label=key, type=type, **extra)  # type: ignore[arg-type]


def test_the_schema_is_valid_2020_12_with_required_and_formats() -> None:
    generated = form_generate(
        [
            spec("name"),
            spec("id_number", FieldType.RESIDENT_ID_NUMBER, purpose="核验身份"),
            spec("note", FieldType.TEXTAREA, required=False),
        ]
    )

    Draft202012Validator.check_schema(generated.schema)
    assert generated.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert generated.schema["required"] == ["name", "id_number"]
    assert generated.schema["properties"]["id_number"]["format"] == "cn-resident-id-number"
    assert generated.schema["additionalProperties"] is False
    assert generated.problems == {}


def test_the_ui_groups_fields_into_steps_in_order_with_widgets() -> None:
    generated = form_generate(
        [
            spec("name", step="申请人"),
            spec("mobile", FieldType.MOBILE, step="申请人", purpose="联系"),
            spec("kind", FieldType.CHOICE, options=("a", "b"), step="事项"),
        ]
    )

    steps = generated.ui["steps"]
    assert [step["title"] for step in steps] == ["申请人", "事项"]
    assert [field["key"] for field in steps[0]["fields"]] == ["name", "mobile"]
    assert [field["widget"] for field in steps[0]["fields"]] == ["text", "tel"]
    assert steps[1]["fields"][0]["widget"] == "radio"
    assert steps[0]["fields"][1]["purpose"] == "联系"


def test_every_field_error_is_reported_at_once() -> None:
    schema = form_generate(
        [
            spec("name"),
            spec("id_number", FieldType.RESIDENT_ID_NUMBER, purpose="核验"),
            spec("credit_code", FieldType.CREDIT_CODE),
            spec("mobile", FieldType.MOBILE, purpose="联系"),
            spec("postal_code", FieldType.POSTAL_CODE, purpose="邮寄"),
            spec("kind", FieldType.CHOICE, options=("a", "b")),
        ]
    ).schema

    errors = form_data_errors(
        schema,
        {
            "name": "",
            "id_number": "110105194912310021",
            "credit_code": "91350100M000100Y44",
            "mobile": "12345678901",
            "postal_code": "12345",
            "kind": "c",
        },
    )

    assert {key: [error.code for error in items] for key, items in errors.items()} == {
        "name": ["required"],
        "id_number": ["format"],
        "credit_code": ["format"],
        "mobile": ["format"],
        "postal_code": ["format"],
        "kind": ["choice"],
    }


def test_valid_answers_pass_the_same_schema() -> None:
    schema = form_generate(
        [
            spec("id_number", FieldType.RESIDENT_ID_NUMBER, purpose="核验"),
            spec("credit_code", FieldType.CREDIT_CODE),
            spec("mobile", FieldType.MOBILE, purpose="联系"),
            spec("postal_code", FieldType.POSTAL_CODE, purpose="邮寄"),
            spec("born", FieldType.DATE),
        ]
    ).schema

    form_data_validate(
        schema,
        {
            "id_number": VALID_ID,
            "credit_code": VALID_CREDIT_CODE,
            "mobile": "13800138000",
            "postal_code": "350001",
            "born": "2024-02-29",
        },
    )


def test_a_conditional_field_is_required_only_when_its_condition_holds() -> None:
    schema = form_generate(
        [
            spec("composition", FieldType.CHOICE, options=("个人经营", "家庭经营")),
            spec("members", condition_field="composition", condition_value="家庭经营"),
        ]
    ).schema

    form_data_validate(schema, {"composition": "个人经营"})
    with pytest.raises(FormDataInvalid) as raised:
        form_data_validate(schema, {"composition": "家庭经营"})
    assert list(raised.value.errors) == ["members"]
    with pytest.raises(FormDataInvalid) as raised:
        form_data_validate(schema, {"composition": "个人经营", "members": "张三"})
    assert [error.code for error in raised.value.errors["members"]] == ["unexpected"]


def test_answers_that_are_not_an_object_are_refused() -> None:
    schema = form_generate([spec("name")]).schema

    with pytest.raises(FormDataInvalid) as raised:
        form_data_validate(schema, ["name"])

    assert [error.code for error in raised.value.errors["__all__"]] == ["type"]


def test_a_row_that_would_give_an_invalid_schema_is_refused_and_nothing_saved(
    certificate_types: None,
) -> None:
    draft = item_create().versions.get()

    with pytest.raises(FieldRowInvalid) as raised:
        services.field_row_add(version=draft, spec=spec("name", max_length=-1), actor_id=None)

    assert [error.code for error in raised.value.errors["type"]] == ["schema_invalid"]
    assert FieldRow.objects.count() == 0


def test_an_unknown_prefill_source_is_refused(certificate_types: None) -> None:
    draft = item_create().versions.get()

    with pytest.raises(FieldRowInvalid) as raised:
        services.field_row_add(
            version=draft, spec=spec("name", prefill_source="nowhere:name"), actor_id=None
        )

    assert [error.code for error in raised.value.errors["prefill_source"]] == ["prefill_unknown"]
    assert FieldRow.objects.count() == 0


def test_a_registered_prefill_source_is_accepted(certificate_types: None) -> None:
    draft = item_create().versions.get()

    row = services.field_row_add(
        version=draft,
        spec=spec("enterprise_name", prefill_source="certificates:business_licence.name"),
        actor_id=None,
    )

    assert row.prefill_source == "certificates:business_licence.name"


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        (spec("Bad Key"), "key", "key_format"),
        (spec("kind", FieldType.CHOICE), "options", "options_missing"),
        (spec("kind", FieldType.CHOICE, options=("a", "a")), "options", "options_duplicate"),
        (spec("name", options=("a",)), "options", "options_unexpected"),
        (spec("name", condition_field="later"), "condition_field", "condition_unknown"),
        (spec("id_number", FieldType.RESIDENT_ID_NUMBER), "purpose", "purpose_missing"),
        (spec("name", type="colour"), "type", "type_unknown"),
    ],
)
def test_bad_rows_are_refused_with_the_reason(
    certificate_types: None, row: FieldSpec, field: str, code: str
) -> None:
    draft: ServiceVersion = item_create().versions.get()

    with pytest.raises(FieldRowInvalid) as raised:
        services.field_row_add(version=draft, spec=row, actor_id=None)

    assert code in [error.code for error in raised.value.errors[field]]
    assert FieldRow.objects.count() == 0


def test_a_duplicate_key_is_refused(certificate_types: None) -> None:
    draft = item_create().versions.get()
    services.field_row_add(version=draft, spec=spec("name"), actor_id=None)

    with pytest.raises(FieldRowInvalid) as raised:
        services.field_row_add(version=draft, spec=spec("name"), actor_id=None)

    assert [error.code for error in raised.value.errors["key"]] == ["key_duplicate"]
    assert FieldRow.objects.count() == 1
