"""The audit log in the admin: read-only, because the log is append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.audit.models import AuditChainAnchor, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "actor_id", "subject_id", "object_type", "purpose"]
    list_filter = ["kind"]
    search_fields = ["=actor_id", "=subject_id", "=object_id", "=request_id"]
    date_hierarchy = "occurred_at"
    # The default count of a large log is slow; the chain, not the count, is the evidence.
    show_full_result_count = False


@admin.register(AuditChainAnchor)
class AuditChainAnchorAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "hash", "purged_count", "cutoff", "created_at"]
