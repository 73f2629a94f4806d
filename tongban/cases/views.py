"""The applicant's pages: apply, fill in step by step, materials, review and submit, receipt,
my applications, the case page, withdraw, flag a prefilled value. Thin: parse, authorise
(through the selectors), call one service, render. No JavaScript needed."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.accounts.constants import AuthenticationStrength, RealNameLevel
from tongban.accounts.selectors import actor_context, assurance_check, authentication_strength
from tongban.cases import selectors, services
from tongban.cases.constants import FINAL_STATUSES, OPEN_STATUSES, CaseStatus, MaterialSource
from tongban.cases.counter_views import DeliveryForm, _errors_into
from tongban.cases.exceptions import CaseNotFound, MaterialNotFound, RegionNotOffered
from tongban.cases.models import Case, CaseDelivery
from tongban.cases.services.districts import regions_offering
from tongban.catalog.selectors import form_step, service_get_published
from tongban.core.exceptions import DomainError
from tongban.core.working_days import local_date


def _me(request: HttpRequest) -> uuid.UUID:
    """The signed-in person's id (the views require a signed-in person)."""
    return cast(uuid.UUID, request.user.pk)


def _case(request: HttpRequest, case_id: uuid.UUID) -> Case:
    return selectors.case_get_for_applicant(user=request.user, case_id=case_id)


def _draft(request: HttpRequest, case_id: uuid.UUID) -> Case | HttpResponseRedirect:
    case = _case(request, case_id)
    if case.status != CaseStatus.DRAFT:
        return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    return case


def _step_up(request: HttpRequest, *, level: int, strength: int) -> HttpResponseRedirect | None:
    """Where to verify first (accounts' real-name or step-up page), then come back here."""
    shortfall = assurance_check(
        request, level=RealNameLevel(level), strength=AuthenticationStrength(strength)
    )
    if shortfall is None:
        return None
    back = {"next": request.get_full_path()}
    if shortfall.level is not None:
        query = urlencode({**back, "level": str(int(shortfall.level))})
        return HttpResponseRedirect(reverse("accounts:real_name") + "?" + query)
    assert shortfall.strength is not None
    query = urlencode({**back, "strength": str(int(shortfall.strength))})
    return HttpResponseRedirect(reverse("accounts:step_up") + "?" + query)


def _steps(case: Case) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = case.service_version.form_ui.get("steps", [])
    return steps


def _step_titles(case: Case) -> list[str]:
    titles = [step["title"] or case.service_item.name for step in _steps(case)]
    return [*titles, _("Materials"), _("Review and submit")]


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """From the guide: confirm whom the application is for, then create the draft."""
    item = service_get_published(code=code)
    version = item.published_version
    assert version is not None
    redirect = _step_up(
        request, level=version.real_name_level, strength=version.authentication_strength
    )
    if redirect is not None:
        return redirect
    context = actor_context(request, service_code=item.code)
    error: RegionNotOffered | None = None
    if request.method == "POST":
        strength = authentication_strength(request) or AuthenticationStrength.PASSWORD
        try:
            case = services.case_draft_create(
                item=item,
                actor=context,
                real_name_level=request.user.real_name_level,  # type: ignore[union-attr]
                authentication_strength=int(strength),
                region_code=request.POST.get("region", ""),
            )
        except RegionNotOffered as problem:
            error = problem
        else:
            return HttpResponseRedirect(reverse("cases:step", args=[case.pk, 1]))
    drafts = (
        selectors.cases_visible_to_applicant(user=request.user)
        .filter(service_item=item, status=CaseStatus.DRAFT)
        .order_by("-updated_at")[:5]
    )
    return render(
        request,
        "cases/apply.html",
        {
            "item": item,
            "version": version,
            "party": context.party,
            "drafts": drafts,
            # 通办: any district that offers the service, the applicant's own first.
            "regions": regions_offering(department_types=[item.department_type.code]),
            "chosen_region": request.POST.get("region", "")
            or getattr(request.user, "region_code", ""),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, case_id: uuid.UUID, number: int) -> HttpResponse:
    """One step of the form; saving it autosaves the draft on the server."""
    found = _draft(request, case_id)
    if isinstance(found, HttpResponseRedirect):
        return found
    case = found
    steps = _steps(case)
    if not 1 <= number <= len(steps):
        raise CaseNotFound()
    answers = case.answers
    form = form_step(
        version=case.service_version,
        step=number,
        data=request.POST if request.method == "POST" else None,
        initial=answers,
    )
    for key, field in form.fields.items():
        entry = case.prefill.get(key)
        if entry is None:
            continue
        note = _("Filled in %(source)s.") % {"source": entry["label"]}
        if not entry["editable"]:
            field.disabled = True
            note += " " + _("It cannot be changed here; if it is wrong, flag it.")
        field.help_text = f"{note} {field.help_text}".strip()
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        step_answers = form.answers()
        step_keys = set(form.fields)
        # Cleared optional answers of this step are removed, others stay as they were.
        merged = {k: v for k, v in answers.items() if k not in step_keys} | step_answers
        try:
            services.case_draft_update(
                case_id=case.pk,
                actor_id=_me(request),
                answers=merged,
                step=str(number),
                replace=True,
            )
        except DomainError as problem:
            error = problem
            for key, items in problem.errors.items():
                for item in items:
                    form.add_error(key if key in form.fields else None, str(item.message))
        else:
            if number < len(steps):
                return HttpResponseRedirect(reverse("cases:step", args=[case.pk, number + 1]))
            return HttpResponseRedirect(reverse("cases:materials", args=[case.pk]))
    return render(
        request,
        "cases/step.html",
        {
            "case": case,
            "form": form,
            "number": number,
            "steps": _step_titles(case),
            "previous": number - 1 if number > 1 else None,
            "prefilled": [key for key in form.fields if key in case.prefill],
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def materials(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    found = _draft(request, case_id)
    if isinstance(found, HttpResponseRedirect):
        return found
    case = found
    error: DomainError | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if request.POST.get("remove"):
                try:
                    row_id = uuid.UUID(request.POST["remove"])
                except ValueError:
                    raise MaterialNotFound() from None
                services.case_material_remove(case_id=case.pk, actor_id=_me(request), row_id=row_id)
            else:
                services.case_material_upload(
                    case_id=case.pk,
                    actor_id=_me(request),
                    material_id=request.POST.get("material", ""),
                    name=(upload.name or "") if upload else "",
                    data=upload.read() if upload else b"",
                )
        except DomainError as problem:
            error = problem
        else:
            return HttpResponseRedirect(reverse("cases:materials", args=[case.pk]))
    rows = selectors.case_materials(case=case)
    needed = [
        {
            "material": material,
            "rows": [row for row in rows if row.material_id == material.pk],
        }
        for material in services.materials_needed(case)
    ]
    return render(
        request,
        "cases/materials.html",
        {
            "case": case,
            "needed": needed,
            "steps": _step_titles(case),
            "number": len(_steps(case)) + 1,
            "error": error,
            "upload": MaterialSource.UPLOAD,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The answers, the materials, the credit commitment; submit with a one-time token."""
    case = _case(request, case_id)
    if request.method == "POST" and request.POST.get("action") == "delivery":
        return _review_delivery_choose(request, case)
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        version_text = request.POST.get("commitment_version", "")
        try:
            submitted = services.case_submit(
                case_id=case.pk,
                actor_id=_me(request),
                idempotency_key=key,
                commitment_version=int(version_text) if version_text.isdigit() else None,
                confirmed=request.POST.get("confirmed") == "on",
            )
        except DomainError as problem:
            if case.status != CaseStatus.DRAFT:
                return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
            return _review_render(request, case, problem)
        return HttpResponseRedirect(reverse("cases:receipt", args=[submitted.pk]))
    if case.status != CaseStatus.DRAFT:
        return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    return _review_render(request, case, None)


def _delivery_form(case: Case, data: Any = None) -> DeliveryForm | None:
    """The delivery choice on the review page, when the service offers one."""
    methods = list(case.service_version.delivery_options or [])
    if not methods:
        return None
    delivery = CaseDelivery.objects.filter(case=case).first()
    initial = {"method": delivery.method} if delivery is not None else {}
    return DeliveryForm(data, methods=methods, initial=initial)


def _review_delivery_choose(request: HttpRequest, case: Case) -> HttpResponse:
    """Saves how the result reaches the applicant and returns to the review (same service as
    the delivery page: a post without a full address is refused)."""
    if case.status != CaseStatus.DRAFT:
        return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
    form = _delivery_form(case, request.POST)
    if form is None:
        raise CaseNotFound()
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_delivery_choose(
                case_id=case.pk,
                actor_id=_me(request),
                method=data["method"],
                recipient_name=data["recipient_name"],
                address=data["address"],
                postal_code=data["postal_code"],
                hall_code=data["hall"],
            )
        except DomainError as problem:
            _errors_into(form, problem)
        else:
            return HttpResponseRedirect(reverse("cases:review", args=[case.pk]) + "#delivery")
    return _review_render(request, case, None, delivery_form=form)


def _review_render(
    request: HttpRequest,
    case: Case,
    error: DomainError | None,
    *,
    delivery_form: DeliveryForm | None = None,
) -> HttpResponse:
    answers = case.answers
    rows = [
        {
            "label": row.label,
            "value": answers.get(row.key, ""),
            "source": case.prefill.get(row.key, {}).get("label", ""),
            "step": index,
        }
        for index, step in enumerate(_steps(case), start=1)
        for row in case.service_version.field_rows.filter(
            key__in=[f["key"] for f in step["fields"]]
        )
        if row.key in answers
    ]
    commitment = services.commitment_current()
    return render(
        request,
        "cases/review.html",
        {
            "case": case,
            "rows": rows,
            "materials": selectors.case_materials(case=case),
            "commitment": commitment,
            "idempotency_key": uuid.uuid4().hex,
            "steps": _step_titles(case),
            "number": len(_steps(case)) + 2,
            "error": error,
            "delivery_form": delivery_form or _delivery_form(case),
            "delivery": CaseDelivery.objects.filter(case=case).first(),
        },
        status=400 if error or (delivery_form is not None and delivery_form.errors) else 200,
    )


@login_required
@require_GET
def receipt(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    if case.status == CaseStatus.DRAFT:
        raise CaseNotFound()
    return render(
        request,
        "cases/receipt.html",
        {"case": case, "clocks": selectors.case_clocks(case=case), **_bundle_context(case)},
    )


def _bundle_context(case: Case) -> dict[str, Any]:
    """A bundle's parent shows every department's part side by side (else nothing)."""
    if case.bundle_id is None:
        return {}
    children = selectors.bundle_children(parent=case)
    events = selectors.bundle_child_events(children=children)
    branches = [
        {
            "case": child,
            "events": events[child.pk],
            "due": child.decision_due or child.acceptance_due,
        }
        for child in children
    ]
    status = selectors.bundle_status_of(children)
    return {
        "branches": branches,
        "bundle_status": status,
        "branches_done": sum(1 for child in children if child.status in FINAL_STATUSES),
    }


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    if case.status == CaseStatus.DRAFT:
        raise CaseNotFound()
    response = HttpResponse(services.case_receipt_pdf(case=case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
    return response


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    page = selectors.case_list_for_applicant(
        user=request.user, cursor=request.GET.get("cursor", "")
    )
    return render(
        request,
        "cases/mine.html",
        {
            "rows": [
                {
                    "case": case,
                    "clocks": selectors.case_clocks(case=case),
                    "next_action": selectors.next_action(case),
                }
                for case in page.cases
            ],
            "next_cursor": page.next_cursor,
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    # Each step names the department that handles it (通办: wherever the applicant applied).
    events = [
        {
            "when": event.at,
            "title": event.get_kind_display(),
            "note": event.note,
            "department": event.department.name if event.department else "",
        }
        for event in reversed(selectors.case_events_for_applicant(case=case))
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            **_bundle_context(case),
            "events": events,
            "clocks": selectors.case_clocks(case=case),
            "next_action": selectors.next_action(case),
            "materials": selectors.case_materials(case=case),
            "pension_next_due": services.pension_next_due(case),
            "can_withdraw": case.status in OPEN_STATUSES and case.bundle_id is None,
            "supplementation": (
                services.supplementation_open(case=case)
                if case.status == CaseStatus.SUPPLEMENTING
                else None
            ),
            "can_urge": case.status in (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED)
            and bool(services.case_clocks_late(case=case, today=local_date(timezone.now()))),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, case_id)
    services.case_withdraw(
        case_id=case.pk, actor_id=_me(request), reason=request.POST.get("reason", "")
    )
    return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))


@login_required
@require_GET
def material_file(request: HttpRequest, case_id: uuid.UUID, row_id: uuid.UUID) -> HttpResponseBase:
    """An uploaded file, only to those who may see the case; never inline as HTML."""
    case = _case(request, case_id)
    row = selectors.case_material_get(case=case, row_id=row_id)
    if not row.file:
        raise CaseNotFound()
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, case_id: uuid.UUID, key: str) -> HttpResponse:
    """ "This prefilled value is wrong": a correction request to the source department."""
    case = _case(request, case_id)
    entry = case.prefill.get(key)
    if entry is None:
        raise CaseNotFound()
    error: DomainError | None = None
    if request.method == "POST":
        try:
            services.correction_request_file(
                case=case,
                actor_id=_me(request),
                field_key=key,
                value_claimed=request.POST.get("value_claimed", ""),
            )
        except DomainError as problem:
            error = problem
        else:
            return HttpResponseRedirect(reverse("cases:corrections"))
    label = case.service_version.field_rows.filter(key=key).values_list("label", flat=True).first()
    return render(
        request,
        "cases/flag.html",
        {"case": case, "key": key, "entry": entry, "label": label, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_GET
def corrections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/corrections.html",
        {"corrections": selectors.corrections_for_user(user=request.user)[:100]},  # type: ignore[arg-type]
    )
