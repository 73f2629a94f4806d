"""The designers' admin: edit drafts row by row, preview, publish, clone, export and import.

Every write goes through the catalog's services; a published version is shown read-only.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.catalog import selectors, services
from tongban.catalog.exceptions import ExportInvalid
from tongban.catalog.forms_schema import FieldSpec, field_spec_problems
from tongban.catalog.models import (
    Bundle,
    BundleMember,
    FieldRow,
    Material,
    ServiceItem,
    ServiceVersion,
)
from tongban.catalog.selectors import FIELD_ROW_FIELDS, MATERIAL_FIELDS
from tongban.core.exceptions import DomainError


def _actor(request: HttpRequest) -> Any:
    return getattr(request.user, "pk", None)


class FieldRowForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FieldRow
        fields = [*FIELD_ROW_FIELDS, "position"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        values: dict[str, Any] = {name: cleaned.get(name) for name in FIELD_ROW_FIELDS}
        values["options"] = tuple(values["options"] or ())
        for name in ("help_text", "step", "condition_field", "condition_value"):
            values[name] = values[name] or ""
        for name in ("prefill_source", "purpose"):
            values[name] = values[name] or ""
        spec = FieldSpec(**values)
        # Checked alone here; publishing checks the rows together (order, conditions).
        problems = field_spec_problems(
            spec,
            earlier=[FieldSpec(key=spec.condition_field, label="x", type="text")]
            if spec.condition_field
            else [],
            prefill_keys=services.prefill_keys(),
        )
        for name, errors in problems.items():
            for error in errors:
                if error.code != "condition_value_unknown":
                    self.add_error(name if name in self.fields else None, str(error.message))
        return cleaned


class DraftOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.is_editable

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class FieldRowInline(DraftOnlyInline):
    model = FieldRow
    form = FieldRowForm


class MaterialInline(DraftOnlyInline):
    model = Material
    fields = [*MATERIAL_FIELDS, "position"]


class ImportForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("Export file (JSON)"))


@admin.register(ServiceVersion)
class ServiceVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["item", "number", "status", "published_at"]
    list_filter = ["status", "item__department_type"]
    search_fields = ["item__code", "item__name"]
    inlines = [FieldRowInline, MaterialInline]
    readonly_fields = ["item", "number", "status", "published_at"]
    actions = ["publish", "clone", "export"]
    change_form_template = "admin/catalog/serviceversion/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.is_editable)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<uuid:version_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="catalog_serviceversion_preview",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_serviceversion_import",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, version_id: Any) -> HttpResponse:
        version = ServiceVersion.objects.select_related("item").get(pk=version_id)
        from tongban.catalog.forms_schema import form_generate

        generated = form_generate(services.version_specs(version))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview of %(version)s") % {"version": version},
            "version": version,
            "schema": json.dumps(generated.schema, ensure_ascii=False, indent=2),
            "steps": generated.ui["steps"],
            "problems": services.service_version_problems(version),
            "diff": selectors.version_diff(draft=version, published=version.item.published_version)
            if version.is_editable
            else [],
            "burden": selectors.burden_figures(version=version),
        }
        return TemplateResponse(request, "admin/catalog/serviceversion/preview.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.service_version_import(
                    document=form.cleaned_data["document"].read(), actor_id=_actor(request)
                )
            except (ExportInvalid, DomainError) as error:
                form.add_error(None, error.translated_message())
                for name, errors in error.errors.items():
                    form.add_error(None, f"{name}: " + "; ".join(str(e.message) for e in errors))
            else:
                messages.success(request, _("Imported as a new draft."))
                return redirect(reverse("admin:catalog_serviceversion_change", args=[draft.pk]))
        context = {**self.admin_site.each_context(request), "title": _("Import"), "form": form}
        return TemplateResponse(request, "admin/catalog/serviceversion/import.html", context)

    @admin.action(description=gettext_lazy("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> None:
        for version in queryset:
            try:
                services.service_version_publish(version=version, actor_id=_actor(request))
            except DomainError as error:
                problems = "; ".join(
                    f"{name}: {', '.join(str(e.message) for e in errors)}"
                    for name, errors in error.errors.items()
                )
                self.message_user(
                    request, f"{version}: {error.translated_message()} {problems}", messages.ERROR
                )
            else:
                self.message_user(request, _("%(version)s is published.") % {"version": version})

    @admin.action(description=gettext_lazy("Clone into a new draft"))
    def clone(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> None:
        for version in queryset:
            try:
                services.service_version_clone(version=version, actor_id=_actor(request))
            except DomainError as error:
                self.message_user(request, f"{version}: {error}", messages.ERROR)

    @admin.action(description=gettext_lazy("Export as JSON"))
    def export(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> HttpResponse:
        version = queryset.select_related("item").first()
        assert version is not None
        document = selectors.service_version_export(version=version)
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
            content_type="application/json",
        )
        filename = f"{version.item.code}-v{version.number}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "kind", "department_type", "published_version"]
    list_filter = ["kind", "department_type"]
    search_fields = ["code", "name", "aliases"]
    readonly_fields = ["published_version", "channel"]

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new item starts with its draft version 1, through the service.
        created = services.service_item_create(
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            department_type_code=obj.department_type.code,
            applicant_types=obj.applicant_types,
            topics=obj.topics,
            aliases=obj.aliases,
            actor_id=_actor(request),
        )
        obj.pk = created.pk
        obj._state.adding = False


class BundleMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = BundleMember
    extra = 0


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "topic"]
    inlines = [BundleMemberInline]
