"""The portal shell's pages, the preference switches, and the operations endpoints."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tongban.core.metrics import registry
from tongban.web.context_processors import design_system_enabled
from tongban.web.forms import ElderlyModeForm, ExampleApplicantForm, RegionForm
from tongban.web.health import health_report
from tongban.web.operations import metrics_reader_allowed
from tongban.web.preferences import elderly_mode_remember, region_remember
from tongban.web.regions import region_find

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimelineEvent:
    when: dt.datetime
    title: str
    note: str


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def design_system(request: HttpRequest) -> HttpResponse:
    if not design_system_enabled():
        raise Http404
    # Bound with wrong values on purpose, to show a field with its error and the summary.
    invalid = ExampleApplicantForm(data={"name": "", "mobile": "1380013800", "delivery": ""})
    invalid.is_valid()
    opened = dt.datetime(2026, 3, 15, 9, 30, tzinfo=dt.UTC)
    timeline = [
        TimelineEvent(
            when=opened + dt.timedelta(days=1, hours=2),
            title=_("Accepted by the market regulation bureau"),
            note=_("The decision is due within 3 working days."),
        ),
        TimelineEvent(when=opened, title=_("Application submitted"), note=""),
    ]
    steps = [_("Read the guide"), _("Fill in the form"), _("Add materials"), _("Submit")]
    return render(
        request,
        "web/design_system.html",
        {
            "blank_form": ExampleApplicantForm(prefix="blank"),
            "invalid_form": invalid,
            "timeline": timeline,
            "steps": steps,
        },
    )


def _back(request: HttpRequest, target: str | None) -> HttpResponseRedirect:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect("/")


@require_POST
def elderly_mode_set(request: HttpRequest) -> HttpResponse:
    form = ElderlyModeForm(request.POST)
    form.is_valid()  # Both fields are optional: anything missing means "off" and "home".
    response = _back(request, form.cleaned_data.get("next"))
    elderly_mode_remember(request, response, on=bool(form.cleaned_data.get("on")))
    return response


@require_POST
def region_set(request: HttpRequest) -> HttpResponse:
    form = RegionForm(request.POST)
    if not form.is_valid() or region_find(form.cleaned_data["region"]) is None:
        return render(
            request,
            "web/message.html",
            {"title": _("Choose a region from the list.")},
            status=400,
        )
    response = _back(request, form.cleaned_data.get("next"))
    region_remember(request, response, region_code=form.cleaned_data["region"])
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health_report()
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_reader_allowed(request):
        # The same answer as any unknown address: nothing tells a scanner the endpoint exists.
        raise Http404
    return HttpResponse(registry.render(), content_type="text/plain; version=0.0.4; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form came back without a valid token: most often a page left open for too long."""
    return render(request, "403_csrf.html", status=403)


# Used when rendering the 500 page itself fails: plain HTML in both languages, no template.
_LAST_RESORT_500 = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>通办</title></head>'
    "<body><main><h1>系统出现问题，请稍后再试。</h1>"
    '<p lang="en">Something went wrong on our side. Please try again later.</p>'
    '<p><a href="/">返回首页 · Back to the home page</a></p></main></body></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: translated, with the request id to quote, never a stack trace."""
    try:
        # The minimal shell leaves out what reads the database, which may be what failed.
        html = render_to_string("500.html", {"minimal_shell": True}, request=request)
        return HttpResponse(html, status=500)
    except Exception:
        logger.exception("the 500 page could not be rendered")
        return HttpResponse(_LAST_RESORT_500, status=500)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers (and the admin's pages) ask for /favicon.ico whatever a page links to."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
