"""The applicant's page for a life-event bundle (一件事一次办): one combined form, the district,
one set of materials and the credit commitment on one page; submitting it dispatches every
service to its department at once. Thin: parse, one service, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from tongban.accounts.constants import AuthenticationStrength, RealNameLevel
from tongban.accounts.selectors import actor_context, assurance_check, authentication_strength
from tongban.cases.services import commitment_current
from tongban.cases.services.bundles import (
    BundlePlan,
    BundleUpload,
    bundle_plan,
    bundle_submit,
)
from tongban.cases.services.districts import regions_offering
from tongban.catalog.selectors import form_of_specs
from tongban.core.exceptions import DomainError

MATERIAL_INPUT = "material-{index}"


def _step_up(request: HttpRequest, plan: BundlePlan) -> HttpResponseRedirect | None:
    shortfall = assurance_check(
        request,
        level=RealNameLevel(plan.real_name_level),
        strength=AuthenticationStrength(plan.authentication_strength),
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


def _form(plan: BundlePlan, data: Any = None) -> Any:
    return form_of_specs(schema=plan.schema, specs=plan.fields, data=data)


@login_required
@require_http_methods(["GET", "POST"])
def bundle_apply(request: HttpRequest, code: str) -> HttpResponse:
    plan = bundle_plan(code=code)
    redirect = _step_up(request, plan)
    if redirect is not None:
        return redirect
    context = actor_context(request)
    regions = regions_offering(department_types=plan.department_types)
    form = _form(plan, request.POST if request.method == "POST" else None)
    chosen_region = request.POST.get("region", "") or getattr(request.user, "region_code", "")
    error: DomainError | None = None
    material_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        # The service checks everything at once (answers, materials, district, commitment);
        # the form's own checks only add the format of each answer.
        form.is_valid()
        uploads = [
            BundleUpload(
                material_name=material.name, file_name=upload.name or "", data=upload.read()
            )
            for index, material in enumerate(plan.materials)
            if (upload := request.FILES.get(MATERIAL_INPUT.format(index=index))) is not None
        ]
        version_text = request.POST.get("commitment_version", "")
        strength = authentication_strength(request) or AuthenticationStrength.PASSWORD
        try:
            parent = bundle_submit(
                code=code,
                actor=context,
                real_name_level=request.user.real_name_level,  # type: ignore[union-attr]
                authentication_strength=int(strength),
                answers=form.answers(),
                uploads=uploads,
                region_code=request.POST.get("region", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
                commitment_version=int(version_text) if version_text.isdigit() else None,
                confirmed=request.POST.get("confirmed") == "on",
            )
        except DomainError as problem:
            error = problem
            for key, items in problem.errors.items():
                if key.startswith("materials."):
                    material_errors[key.removeprefix("materials.")] = [
                        str(item.message) for item in items
                    ]
                elif key in form.fields and not form.has_error(key):
                    for item in items:
                        form.add_error(key, str(item.message))
        else:
            return HttpResponseRedirect(reverse("cases:receipt", args=[parent.pk]))
    materials = [
        {
            "input": MATERIAL_INPUT.format(index=index),
            "material": material,
            "errors": material_errors.get(material.name, []),
        }
        for index, material in enumerate(plan.materials)
    ]
    region_error = [str(item.message) for item in (error.errors.get("region", []) if error else [])]
    commitment_error = [
        str(item.message) for item in (error.errors.get("commitment", []) if error else [])
    ]
    return render(
        request,
        "cases/bundle_apply.html",
        {
            "plan": plan,
            "form": form,
            "regions": regions,
            "chosen_region": chosen_region,
            "region_error": region_error,
            "materials": materials,
            "provided": sorted(plan.provided.items()),
            "pending": sorted(
                {name for fields in plan.pending.values() for name in fields.values()}
            ),
            "commitment": commitment_current(),
            "commitment_error": commitment_error,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "party": context.party,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )
