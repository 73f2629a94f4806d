"""Field rows → JSON Schema 2020-12 and a UI description; form data checked against the schema.

Designers never edit JSON: they add field rows, and this module turns them into the schema
the pages and the API validate with (the same validator, the same formats) and into the
layout the pages render (steps with one topic per page, order, widgets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from tongban.catalog.constants import PERSONAL_FIELD_TYPES, FieldType
from tongban.catalog.exceptions import FormDataInvalid
from tongban.core.exceptions import DomainError, FieldError
from tongban.core.identifiers import credit_code_validate, resident_id_number_validate

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
POSTAL_CODE = re.compile(r"^\d{6}$")

format_checker = FormatChecker(formats=("date", "email"))


@format_checker.checks("cn-resident-id-number", raises=DomainError)
def _is_resident_id_number(value: object) -> bool:
    if isinstance(value, str):
        resident_id_number_validate(value)
    return True


@format_checker.checks("cn-credit-code", raises=DomainError)
def _is_credit_code(value: object) -> bool:
    if isinstance(value, str):
        credit_code_validate(value)
    return True


@format_checker.checks("cn-mobile")
def _is_mobile(value: object) -> bool:
    return not isinstance(value, str) or bool(MOBILE.match(value))


@format_checker.checks("cn-postal-code")
def _is_postal_code(value: object) -> bool:
    return not isinstance(value, str) or bool(POSTAL_CODE.match(value))


FORMATS = {
    FieldType.DATE: "date",
    FieldType.EMAIL: "email",
    FieldType.RESIDENT_ID_NUMBER: "cn-resident-id-number",
    FieldType.CREDIT_CODE: "cn-credit-code",
    FieldType.MOBILE: "cn-mobile",
    FieldType.POSTAL_CODE: "cn-postal-code",
}
WIDGETS = {
    FieldType.TEXTAREA: "textarea",
    FieldType.CHOICE: "radio",
    FieldType.MULTIPLE_CHOICE: "checkboxes",
    FieldType.BOOLEAN: "checkbox",
    FieldType.DATE: "date",
    FieldType.INTEGER: "number",
    FieldType.NUMBER: "number",
    FieldType.EMAIL: "email",
    FieldType.MOBILE: "tel",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field row as the generator sees it (from the model, an export, or a test)."""

    key: str
    label: str
    type: str
    required: bool = True
    options: Sequence[str] = ()
    help_text: str = ""
    max_length: int | None = None
    step: str = ""
    condition_field: str = ""
    condition_value: str = ""
    prefill_source: str = ""
    purpose: str = ""


@dataclass
class GeneratedForm:
    schema: dict[str, Any]
    ui: dict[str, Any]
    problems: dict[str, list[FieldError]] = field(default_factory=dict)


def _property(spec: FieldSpec) -> dict[str, Any]:
    prop: dict[str, Any] = {"title": spec.label}
    if spec.help_text:
        prop["description"] = spec.help_text
    if spec.type in (FieldType.INTEGER,):
        prop["type"] = "integer"
    elif spec.type == FieldType.NUMBER:
        prop["type"] = "number"
    elif spec.type == FieldType.BOOLEAN:
        prop["type"] = "boolean"
    elif spec.type == FieldType.CHOICE:
        prop["type"] = "string"
        prop["enum"] = list(spec.options)
    elif spec.type == FieldType.MULTIPLE_CHOICE:
        prop["type"] = "array"
        prop["items"] = {"enum": list(spec.options)}
        prop["uniqueItems"] = True
        if spec.required:
            prop["minItems"] = 1
    else:
        prop["type"] = "string"
        if spec.required:
            prop["minLength"] = 1
        if spec.type in FORMATS:
            prop["format"] = FORMATS[FieldType(spec.type)]
        if spec.max_length is not None:
            prop["maxLength"] = spec.max_length
    return prop


def field_spec_problems(
    spec: FieldSpec, *, earlier: Sequence[FieldSpec], prefill_keys: set[str]
) -> dict[str, list[FieldError]]:
    """What is wrong with one row, given the rows before it and the registered prefill fields."""
    problems: dict[str, list[FieldError]] = {}

    def add(name: str, code: str, message: str) -> None:
        problems.setdefault(name, []).append(FieldError(code, message))

    if not FIELD_KEY.match(spec.key):
        add(
            "key", "key_format", _("Use lower-case letters, digits and underscores, from a letter.")
        )
    if any(other.key == spec.key for other in earlier):
        add("key", "key_duplicate", _("Another field of this form already has this key."))
    if not spec.label.strip():
        add("label", "required", _("Every field needs a label."))
    if spec.type not in FieldType.values:
        add("type", "type_unknown", _("This field type does not exist."))
    if spec.type in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
        if not spec.options:
            add("options", "options_missing", _("A choice needs at least one option."))
        elif len(set(spec.options)) != len(spec.options):
            add("options", "options_duplicate", _("Each option may appear only once."))
    elif spec.options:
        add("options", "options_unexpected", _("Only choice fields have options."))
    if spec.condition_field:
        target = next((other for other in earlier if other.key == spec.condition_field), None)
        if target is None:
            add(
                "condition_field",
                "condition_unknown",
                _("A field can only depend on a field that comes before it."),
            )
        elif target.options and spec.condition_value not in target.options:
            add("condition_value", "condition_value_unknown", _("That field has no such option."))
    if spec.prefill_source and spec.prefill_source not in prefill_keys:
        add("prefill_source", "prefill_unknown", _("No registered prefill source provides this."))
    if spec.type in PERSONAL_FIELD_TYPES and not spec.purpose.strip():
        add("purpose", "purpose_missing", _("Say why the form asks for this personal data."))
    if not problems:
        try:
            Draft202012Validator.check_schema({"$schema": JSON_SCHEMA_DIALECT, **_property(spec)})
        except SchemaError as error:
            add("type", "schema_invalid", _("This row gives an invalid schema: %s") % error.message)
    return problems


def form_generate(specs: Sequence[FieldSpec]) -> GeneratedForm:
    """The schema and UI for ``specs`` in order; problems map "row key.field" to errors."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditionals: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    for spec in specs:
        properties[spec.key] = _property(spec)
        if spec.required and not spec.condition_field:
            required.append(spec.key)
        if spec.condition_field:
            condition = {
                "if": {
                    "properties": {spec.condition_field: {"const": spec.condition_value}},
                    "required": [spec.condition_field],
                },
                "then": {"required": [spec.key]} if spec.required else {},
                "else": {"not": {"required": [spec.key]}},
            }
            conditionals.append(condition)
        step_title = spec.step or ""
        if not steps or steps[-1]["title"] != step_title:
            steps.append({"title": step_title, "fields": []})
        steps[-1]["fields"].append(
            {
                "key": spec.key,
                "widget": WIDGETS.get(FieldType(spec.type), "text")
                if spec.type in FieldType.values
                else "text",
                "label": spec.label,
                "help_text": spec.help_text,
                "options": list(spec.options),
                "required": spec.required,
                "prefill_source": spec.prefill_source,
                "purpose": spec.purpose,
                "condition": (
                    {"field": spec.condition_field, "value": spec.condition_value}
                    if spec.condition_field
                    else None
                ),
            }
        )
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if conditionals:
        schema["allOf"] = conditionals
    generated = GeneratedForm(schema=schema, ui={"steps": steps})
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        generated.problems["form"] = [FieldError("schema_invalid", error.message)]
    return generated


def _error_field(error: Any) -> str:
    path = [str(part) for part in error.absolute_path]
    if path:
        return path[0]
    if error.validator == "required":
        match = re.match(r"'([^']+)'", error.message)
        if match:
            return match.group(1)
    if error.validator == "additionalProperties":
        return "__all__"
    return "__all__"


def _error_message(error: Any) -> tuple[str, str]:
    validator = str(error.validator)
    if validator in ("required", "minLength", "minItems"):
        return "required", _("Please answer this question.")
    if validator == "format":
        return "format", _("This is not in the right form.")
    if validator == "enum":
        return "choice", _("Choose one of the options.")
    if validator == "type":
        return "type", _("This is not the right kind of answer.")
    if validator == "maxLength":
        return "too_long", _("This answer is too long.")
    if validator == "additionalProperties":
        return "unexpected", _("The form has no such question.")
    if validator == "not":
        return "unexpected", _("This question does not apply.")
    return validator, _("This answer is not valid.")


def form_data_errors(schema: Mapping[str, Any], data: object) -> dict[str, list[FieldError]]:
    """Every problem of ``data`` at once, by field key (``__all__`` for the whole form)."""
    validator = Draft202012Validator(schema, format_checker=format_checker)
    errors: dict[str, list[FieldError]] = {}
    for error in validator.iter_errors(data):
        # An if/then failure is reported by its inner "required"; unwrap to reach it.
        leaves = error.context or [error]
        for leaf in leaves if error.validator in ("allOf",) else [error]:
            name = _error_field(leaf)
            if leaf.validator == "not":
                not_required = leaf.instance if isinstance(leaf.instance, dict) else {}
                names = [
                    key for key in leaf.validator_value.get("required", []) if key in not_required
                ]
                name = names[0] if names else name
            code, message = _error_message(leaf)
            bucket = errors.setdefault(name, [])
            if all(existing.code != code for existing in bucket):
                bucket.append(FieldError(code, message))
    return errors


def form_data_validate(schema: Mapping[str, Any], data: object) -> None:
    """Raises ``FormDataInvalid`` listing every field error of ``data`` at once."""
    errors = form_data_errors(schema, data)
    if errors:
        raise FormDataInvalid(errors=errors)
