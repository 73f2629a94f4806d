"""Applications in the admin: burden figures per case, and the source departments' answers
to correction requests ("this prefilled value is wrong")."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from tongban.cases import selectors, services
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
        "channel",
        "trips_in_person",
        "pages_uploaded",
        "pages_reused",
        "decided_automatically",
        "created_at",
    )
    list_filter = ("status", "channel", "decided_automatically")
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
    change_list_template = "admin/cases/case/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        burden = path(
            "burden/",
            self.admin_site.admin_view(self.burden_view),
            name="cases_case_burden",
        )
        return [burden, *super().get_urls()]

    def burden_view(self, request: HttpRequest) -> HttpResponse:
        """Trips and paper per service: the totals of every submitted case."""
        rows = selectors.burden_totals_by_service()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Trips and paper per service"),
            "rows": rows,
            "opts": self.model._meta,
            "totals": {
                "cases": sum(row.cases for row in rows),
                "trips": sum(row.trips for row in rows),
                "pages_uploaded": sum(row.pages_uploaded for row in rows),
                "pages_reused": sum(row.pages_reused for row in rows),
                "decided_automatically": sum(row.decided_automatically for row in rows),
            },
        }
        return TemplateResponse(request, "admin/cases/burden.html", context)

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
