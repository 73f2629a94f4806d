"""Regions, departments, halls and staff in the admin. Every save is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.organization.models import (
    Department,
    DepartmentType,
    OpeningPeriod,
    Region,
    ServiceHall,
    StaffPosition,
    Window,
)


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records who changed the organization, and which fields (not their values)."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_event_record(
            kind=AuditEventKind.CHANGED if change else AuditEventKind.CREATED,
            actor_id=request.user.pk,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            summary={"changed_fields": sorted(form.changed_data)},
            ip_address=request.META.get("REMOTE_ADDR"),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        object_id = str(obj.pk)
        super().delete_model(request, obj)
        audit_event_record(
            kind=AuditEventKind.DELETED,
            actor_id=request.user.pk,
            object_type=obj._meta.label_lower,
            object_id=object_id,
            ip_address=request.META.get("REMOTE_ADDR"),
        )


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(DepartmentType)
class DepartmentTypeAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "type", "region", "parent"]
    list_filter = ["type"]
    search_fields = ["code", "name", "region__name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["type", "region", "parent"]


class OpeningPeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OpeningPeriod
    extra = 0


class WindowInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Window
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(ServiceHall)
class ServiceHallAdmin(AuditedAdmin):
    list_display = ["code", "name", "region", "address"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["region"]
    inlines = [OpeningPeriodInline, WindowInline]


@admin.register(StaffPosition)
class StaffPositionAdmin(AuditedAdmin):
    list_display = ["user", "department", "role", "hall", "active"]
    list_filter = ["role", "active", "department__type"]
    search_fields = ["user__username", "department__name"]
    autocomplete_fields = ["user", "department", "hall"]
    list_select_related = ["user", "department", "hall"]
