"""Django forms built from a published version's UI description, checked with its JSON Schema.

The components of the design system (label, hint, error, error summary) render these forms;
the answers are validated by the same schema the API uses, so a page and an API client get
the same errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalog.constants import SEARCH_QUERY_MAX_LENGTH, ApplicantType, Channel, Topic
from tongban.catalog.forms_schema import form_data_errors


def _field_for(spec: Mapping[str, Any]) -> forms.Field:
    widget = spec["widget"]
    common: dict[str, Any] = {"label": spec["label"], "required": False}
    help_parts = [spec.get("help_text") or ""]
    if spec.get("purpose"):
        help_parts.append(str(_("Why we ask: %(purpose)s") % {"purpose": spec["purpose"]}))
    common["help_text"] = " ".join(part for part in help_parts if part)
    choices = [(option, option) for option in spec.get("options") or []]
    if widget == "radio":
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if widget == "checkboxes":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if widget == "checkbox":
        return forms.BooleanField(**common)
    if widget == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    input_type = {"date": "date", "email": "email", "tel": "tel", "number": "text"}.get(
        widget, "text"
    )
    attrs = {"inputmode": "numeric"} if widget == "number" else {}
    return forms.CharField(widget=forms.TextInput(attrs={"type": input_type, **attrs}), **common)


class SchemaForm(forms.Form):
    """One step of a service's form; ``clean`` applies the whole schema to the step's fields."""

    def __init__(
        self,
        *args: Any,
        schema: Mapping[str, Any],
        step: Mapping[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.step = step
        self.required_keys = set(schema.get("required", []))
        for spec in step["fields"]:
            field = _field_for(spec)
            # Shown as "(required)" by the label; enforced by the schema, not by Django.
            field.widget.attrs["aria-required"] = "true" if spec["required"] else "false"
            self.fields[spec["key"]] = field

    def answers(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        properties = self.schema.get("properties", {})
        for key, value in self.cleaned_data.items():
            kind = properties.get(key, {}).get("type")
            if value in ("", None, []) and kind != "boolean":
                continue
            if kind == "integer":
                with contextlib.suppress(TypeError, ValueError):
                    value = int(value)
            elif kind == "number":
                with contextlib.suppress(TypeError, ValueError):
                    value = float(value)
            data[key] = value
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keys = set(self.fields)
        answers = self.answers()
        # Other steps' answers are unknown here: only this step's problems are reported.
        step_schema = {
            **self.schema,
            "required": [key for key in self.schema.get("required", []) if key in keys],
            "additionalProperties": True,
        }
        if "allOf" in self.schema:
            step_schema["allOf"] = [
                rule for rule in self.schema["allOf"] if set(rule["if"]["properties"]) <= keys
            ]
        for key, errors in form_data_errors(step_schema, answers).items():
            for error in errors:
                self.add_error(key if key in keys else None, str(error.message))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search services"),
        required=False,
        max_length=SEARCH_QUERY_MAX_LENGTH,
        help_text=_("Chinese words, or the first letters of their pinyin (e.g. gtgsh)."),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *Topic.choices]
    )
    applicant_type = forms.ChoiceField(
        label=_("Who applies"),
        required=False,
        choices=[("", _("Everyone")), *ApplicantType.choices],
    )
    channel = forms.ChoiceField(
        label=_("How"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    department_type = forms.ChoiceField(label=_("Department"), required=False, choices=[])

    def __init__(self, *args: Any, department_types: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["department_type"].choices = [("", _("All departments")), *department_types]  # type: ignore[attr-defined]
