"""Applications in the admin: burden figures per case, and the source departments' answers
to correction requests ("this prefilled value is wrong")."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tongban.cases import services
from tongban.cases.constants import CorrectionStatus
from tongban.cases.models import Case, CorrectionRequest
from tongban.core.exceptions import DomainError


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: cases change only through their services (timeline and audit)."""

    list_display = (
        "number",
        "service_item",
        "status",
        "applicant_name",
        "fields_prefilled",
        "fields_typed",
        "materials_by_certificate",
        "materials_uploaded",
        "created_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("number",)
    fields = (
        *list_display,
        "service_version",
        "handling_department",
        "acceptance_due",
        "decision_due",
    )
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("field_label", "source_label", "department", "status", "created_at")
    list_filter = ("status", "source")
    fields = (
        "field_label",
        "source_label",
        "department",
        "value_shown",
        "value_claimed",
        "status",
        "answer",
        "answered_at",
    )
    readonly_fields = fields
    actions = ("answer_corrected", "answer_confirmed")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: CorrectionRequest | None = None
    ) -> bool:
        return False

    def _answer(
        self, request: HttpRequest, queryset: QuerySet[CorrectionRequest], *, corrected: bool
    ) -> None:
        answer = (
            _("Corrected at the source; the new value is used from now on.")
            if corrected
            else _("Checked with the records: the value shown is right.")
        )
        done = 0
        for correction in queryset.filter(status=CorrectionStatus.OPEN):
            try:
                services.correction_request_answer(
                    correction_id=correction.pk,
                    actor_id=request.user.pk,  # type: ignore[arg-type]
                    corrected=corrected,
                    answer=str(answer),
                )
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(count)d request(s) answered.") % {"count": done})

    @admin.action(description=_("Answer: corrected at the source"))
    def answer_corrected(self, request: HttpRequest, queryset: QuerySet[CorrectionRequest]) -> None:
        self._answer(request, queryset, corrected=True)

    @admin.action(description=_("Answer: checked, the value is right"))
    def answer_confirmed(self, request: HttpRequest, queryset: QuerySet[CorrectionRequest]) -> None:
        self._answer(request, queryset, corrected=False)
