from django.contrib import admin

from tongban.workflow.models import HumanTask, ProcessDefinition, ProcessInstance


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "version", "name", "created_at"]
    search_fields = ["key", "name"]
    readonly_fields = ["key", "version", "name", "process_id", "bpmn", "digest"]

    def has_add_permission(self, request: object) -> bool:
        # Definitions are stored through process_definition_register, which validates them.
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["definition", "subject_type", "subject_id", "status", "outcome", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject_id"]
    exclude = ["state"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(HumanTask)
class HumanTaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "department", "role", "status", "due_date", "created_at"]
    list_filter = ["status", "role"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
