from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tongban.accounts.models import AgentGrant, Enterprise, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "real_name_level", "is_staff", "is_active", "date_joined"]
    list_filter = ["real_name_level", "is_staff", "is_active"]
    readonly_fields = ["real_name_level", "real_name_verified_at", "deleted_at"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "credit_code", "verified_at"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["legal_representative"]


@admin.register(AgentGrant)
class AgentGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["kind", "valid_until", "revoked_at", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["principal_person", "principal_enterprise", "agent", "granted_by"]
