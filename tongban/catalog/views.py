"""Public catalog pages: search, a service's guide, its form step by step, a bundle's guide."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tongban.catalog import selectors
from tongban.catalog.api import SEARCH_LIMIT
from tongban.catalog.constants import Delivery
from tongban.catalog.exceptions import SearchQueryInvalid
from tongban.catalog.forms import SchemaForm, SearchForm
from tongban.core.exceptions import NotFound
from tongban.core.ratelimit import client_address, ratelimit_hit
from tongban.organization.models import DepartmentType


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    department_types = list(
        DepartmentType.objects.filter(service_items__isnull=False)
        .distinct()
        .values_list("code", "name")
    )
    form = SearchForm(request.GET or None, department_types=department_types)
    items = []
    searched = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ServiceFilters(
            topic=data["topic"],
            department_type=data["department_type"],
            applicant_type=data["applicant_type"],
            channel=data["channel"],
        )
        try:
            if data["q"].strip():
                ratelimit_hit(rule=SEARCH_LIMIT, key=client_address(request))
            items = selectors.service_search(query=data["q"], filters=filters)
            searched = True
        except SearchQueryInvalid as error:
            for problem in error.errors.get("q", []):
                form.add_error("q", str(problem.message))
    elif not form.is_bound:
        items = selectors.service_list(filters=selectors.ServiceFilters(), limit=50).items
    return render(
        request,
        "catalog/search.html",
        {"form": form, "items": items, "searched": searched},
    )


@require_GET
def guide(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.service_get_published(code=code)
    version = item.published_version
    assert version is not None
    return render(
        request,
        "catalog/guide.html",
        {
            "item": item,
            "version": version,
            "materials": selectors.version_materials(version),
            "burden": selectors.burden_figures(version=version),
            "deliveries": [Delivery(value).label for value in version.delivery_options],
            "steps": version.form_ui.get("steps", []),
        },
    )


@require_http_methods(["GET", "POST"])
def form_preview(request: HttpRequest, code: str, step: int) -> HttpResponse:
    item = selectors.service_get_published(code=code)
    version = item.published_version
    assert version is not None
    steps = version.form_ui.get("steps", [])
    if not 1 <= step <= len(steps):
        raise NotFound()
    form = SchemaForm(
        request.POST if request.method == "POST" else None,
        schema=version.form_schema,
        step=steps[step - 1],
    )
    checked = form.is_bound and form.is_valid()
    return render(
        request,
        "catalog/form_preview.html",
        {
            "item": item,
            "form": form,
            "step": step,
            "steps": [entry["title"] or item.name for entry in steps],
            "next_step": step + 1 if step < len(steps) else None,
            "checked": checked,
        },
    )


@require_GET
def bundle(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "catalog/bundle.html", {"guide": selectors.bundle_guide(code=code)})
