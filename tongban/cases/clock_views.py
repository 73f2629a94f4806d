"""Pages of supplementation, the deadline clock, urging and supervision.

The applicant's pages scope through ``selectors.case_get_for_applicant``; the staff's through
the task (``inbox.staff_task_get``) or the departments the user handles or supervises; any
other case answers 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongban.cases import inbox, selectors, services
from tongban.cases.constants import CaseStatus, SupplementItemKind
from tongban.cases.exceptions import CaseNotFound
from tongban.cases.models import Case, CaseClock
from tongban.cases.staff_views import _staff_only, _user
from tongban.catalog.selectors import form_fields
from tongban.core.exceptions import DomainError


def _me(request: HttpRequest) -> uuid.UUID:
    return uuid.UUID(str(request.user.pk))


def _case(request: HttpRequest, case_id: uuid.UUID) -> Case:
    try:
        return selectors.case_get_for_applicant(user=request.user, case_id=case_id)
    except CaseNotFound:
        raise Http404() from None


def _errors(error: DomainError) -> list[str]:
    found = [str(item.message) for items in error.errors.values() for item in items]
    return found or [error.translated_message()]


# --- the applicant ----------------------------------------------------------------------------


def _supplement_form(case: Case, keys: list[str], data: Any = None) -> Any:
    """A form of only the requested fields, in the order of the service's form."""
    return form_fields(version=case.service_version, keys=keys, data=data, initial=case.answers)


@login_required
@require_http_methods(["GET", "POST"])
def supplement(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Every item the department asked for, at once; only those can be changed."""
    case = _case(request, case_id)
    supplementation = services.supplementation_open(case=case)
    if case.status != CaseStatus.SUPPLEMENTING or supplementation is None:
        return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    form = _supplement_form(
        case, supplementation.field_keys(), request.POST if request.method == "POST" else None
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            # Each file is kept as it arrives (like a draft's autosave), so a mistake in a field
            # does not cost the applicant their uploads; the resubmission is one transaction.
            for item in supplementation.items:
                if item["kind"] != SupplementItemKind.MATERIAL:
                    continue
                upload = request.FILES.get(f"material-{item['key']}")
                if upload is not None:
                    services.case_supplement_material_upload(
                        case_id=case.pk,
                        actor_id=_me(request),
                        material_id=item["key"],
                        name=upload.name or "",
                        data=upload.read(),
                    )
            if form.is_valid():
                services.case_supplement_submit(
                    case_id=case.pk, actor_id=_me(request), answers=form.answers()
                )
                messages.success(request, _("Thank you: the department continues with it."))
                return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
        except DomainError as error:
            errors = _errors(error)
            for key, items in error.errors.items():
                if key in form.fields:
                    for item in items:
                        form.add_error(key, str(item.message))
    renewed = {
        str(row.material_id)
        for row in case.materials.filter(created_at__gte=supplementation.created_at)
    }
    requested_materials = [
        {**item, "renewed": item["key"] in renewed}
        for item in supplementation.items
        if item["kind"] == SupplementItemKind.MATERIAL
    ]
    return render(
        request,
        "cases/supplement.html",
        {
            "case": case,
            "supplementation": supplementation,
            "form": form,
            "materials": requested_materials,
            "errors": errors,
            "clocks": selectors.case_clocks(case=case),
        },
        status=400 if errors or form.errors else 200,
    )


@login_required
@require_POST
def urge(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    try:
        services.case_urge(case=case, actor=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.translated_message())
    else:
        messages.success(request, _("The department has been urged."))
    return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))


# --- staff: supplementation and the clock ------------------------------------------------------


@_staff_only
@require_http_methods(["GET", "POST"])
def staff_supplement(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """The officer ticks every missing or faulty item and says why, in one go."""
    user = _user(request)
    task, case = inbox.staff_task_get(user=user, task_id=task_id)
    version = case.service_version
    choices = [
        {"kind": SupplementItemKind.FIELD.value, "key": row.key, "label": row.label}
        for row in version.field_rows.order_by("position")
    ] + [
        {"kind": SupplementItemKind.MATERIAL.value, "key": str(row.pk), "label": row.name}
        for row in version.materials.order_by("position")
    ]
    errors: list[str] = []
    if request.method == "POST":
        picked = set(request.POST.getlist("item"))
        items = [
            {
                "kind": choice["kind"],
                "key": choice["key"],
                "reason": request.POST.get(f"reason-{choice['kind']}-{choice['key']}", ""),
            }
            for choice in choices
            if f"{choice['kind']}:{choice['key']}" in picked
        ]
        try:
            services.case_supplementation_request(task_id=task.pk, actor=user, items=items)
        except DomainError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The application was returned for supplementation."))
            return HttpResponseRedirect(reverse("cases:staff_task", args=[task.pk]))
    return render(
        request,
        "cases/staff/supplement.html",
        {
            "case": case,
            "task": task,
            "choices": choices,
            "picked": set(request.POST.getlist("item")),
            "posted": request.POST,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Working days to add"), min_value=1)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (e.g. expert review, hearing)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@_staff_only
@require_http_methods(["GET", "POST"])
def staff_clock(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """The case's time limit from its task: suspend or resume, ask for the one extension."""
    user = _user(request)
    task, case = inbox.staff_task_get(user=user, task_id=task_id)
    extension_form = ExtensionForm(request.POST if request.POST.get("action") == "extend" else None)
    suspension_form = SuspensionForm(
        request.POST if request.POST.get("action") == "suspend" else None
    )
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "suspend" and suspension_form.is_valid():
                services.case_suspend(
                    case_id=case.pk, actor=user, reason=suspension_form.cleaned_data["reason"]
                )
            elif action == "resume":
                services.case_suspension_end(case_id=case.pk, actor=user)
            elif action == "extend" and extension_form.is_valid():
                services.case_extension_request(
                    case_id=case.pk,
                    actor=user,
                    days=extension_form.cleaned_data["days"],
                    reason=extension_form.cleaned_data["reason"],
                )
            else:
                raise _FormInvalid()
        except DomainError as error:
            errors = _errors(error)
        except _FormInvalid:
            pass
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("cases:staff_clock", args=[task.pk]))
    case.refresh_from_db()
    clocks = list(CaseClock.objects.filter(case=case).order_by("created_at"))
    return render(
        request,
        "cases/staff/clock.html",
        {
            "case": case,
            "task": task,
            "clocks": [
                {"clock": clock, "state": services.clock_state(clock).label} for clock in clocks
            ],
            "pauses": list(case.pauses.order_by("created_at")),
            "extensions": list(case.extensions.order_by("created_at")),
            "limit": services.extension_limit(case.service_version),
            "extension_form": extension_form,
            "suspension_form": suspension_form,
            "errors": errors,
        },
        status=400 if errors or extension_form.errors or suspension_form.errors else 200,
    )


class _FormInvalid(Exception):
    pass


# --- staff: the supervisors' view ----------------------------------------------------------------


@_staff_only
@require_http_methods(["GET"])
def supervision(request: HttpRequest) -> HttpResponse:
    view = selectors.supervision_for(user=_user(request))
    if not view.departments:
        raise Http404()
    return render(request, "cases/staff/supervision.html", {"view": view})


@_staff_only
@require_POST
def supervision_act(request: HttpRequest) -> HttpResponse:
    """Urge the handler, reassign a task, decide an extension."""
    user = _user(request)
    action = request.POST.get("action", "")
    try:
        target = uuid.UUID(request.POST.get("id", ""))
    except ValueError:
        raise Http404() from None
    try:
        if action == "urge":
            services.clock_urge_by_supervisor(clock_id=target, actor=user)
            messages.success(request, _("The handler has been urged."))
        elif action == "reassign":
            try:
                assignee = uuid.UUID(request.POST.get("assignee", ""))
            except ValueError:
                messages.error(request, _("Choose an officer of the department."))
                return HttpResponseRedirect(reverse("cases:supervision"))
            services.clock_task_reassign(clock_id=target, actor=user, assignee_id=assignee)
            messages.success(request, _("The task has been reassigned."))
        elif action in ("approve", "refuse"):
            services.case_extension_decide(
                extension_id=target, actor=user, approve=action == "approve"
            )
            messages.success(request, _("The extension has been decided."))
        else:
            raise Http404()
    except CaseNotFound:
        raise Http404() from None
    except DomainError as error:
        if error.status == 404:
            raise Http404() from None
        messages.error(request, error.translated_message())
    return HttpResponseRedirect(reverse("cases:supervision"))
