"""The wallet (电子证照夹), presentations, and the public verification page and documents."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.certificates import links, selectors, services
from tongban.certificates.api import verify_rate_limit
from tongban.certificates.constants import PUBLICATION_CACHE_SECONDS, HolderKind, Validity
from tongban.certificates.documents import certificate_fields, certificate_pdf
from tongban.certificates.exceptions import VerificationFailed
from tongban.certificates.models import Issuer
from tongban.certificates.pdf import qr_svg_data_uri
from tongban.core.exceptions import NotFound
from tongban.core.masking import mask_name
from tongban.core.ratelimit import client_address, ratelimit_hit

P = ParamSpec("P")

VALIDITY_TONES = {
    Validity.VALID: "success",
    Validity.SUSPENDED: "warning",
    Validity.REVOKED: "danger",
    Validity.EXPIRED: "danger",
    Validity.NOT_YET_VALID: "warning",
}


def _signed_in(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


@_signed_in
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    certificates = list(selectors.certificates_for_holder(user=request.user)[:200])
    rows = [
        {
            "certificate": certificate,
            "validity": certificate.validity_on(),
            "tone": VALIDITY_TONES[certificate.validity_on()],
        }
        for certificate in certificates
    ]
    return render(request, "certificates/wallet.html", {"rows": rows})


@_signed_in
@require_GET
def detail(request: HttpRequest, certificate_id: uuid.UUID) -> HttpResponse:
    certificate = selectors.certificate_get_for_holder(
        user=request.user, certificate_id=certificate_id
    )
    validity = certificate.validity_on()
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "validity": validity,
            "tone": VALIDITY_TONES[validity],
            "fields": certificate_fields(certificate),
            "checks": list(selectors.presentation_checks_for_holder(certificate=certificate)[:50]),
            "is_enterprise": certificate.holder_kind == HolderKind.ENTERPRISE,
        },
    )


@_signed_in
@require_GET
def download(request: HttpRequest, certificate_id: uuid.UUID) -> HttpResponse:
    certificate = selectors.certificate_get_for_holder(
        user=request.user, certificate_id=certificate_id
    )
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
    return response


@_signed_in
@require_POST
def present(request: HttpRequest, certificate_id: uuid.UUID) -> HttpResponse:
    certificate = selectors.certificate_get_for_holder(
        user=request.user, certificate_id=certificate_id
    )
    presentation = services.presentation_create(certificate=certificate, actor=request.user)
    return HttpResponseRedirect(
        reverse("certificates:presentation", args=[certificate.pk, presentation.pk])
    )


@_signed_in
@require_GET
def presentation(
    request: HttpRequest, certificate_id: uuid.UUID, presentation_id: uuid.UUID
) -> HttpResponse:
    certificate = selectors.certificate_get_for_holder(
        user=request.user, certificate_id=certificate_id
    )
    shown = selectors.presentation_get_for_holder(
        user=request.user, certificate=certificate, presentation_id=presentation_id
    )
    url = links.verification_url(shown.token)
    return render(
        request,
        "certificates/presentation.html",
        {
            "certificate": certificate,
            "presentation": shown,
            "expired": shown.expires_at <= timezone.now(),
            "qr": qr_svg_data_uri(url),
            "url": url,
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: a phone camera opens the printed or presented QR here; anyone may also paste a
    credential. Shows validity and the minimum a verifier needs."""
    token = (
        request.POST.get("credential", "") if request.method == "POST" else request.GET.get("t", "")
    )
    context: dict[str, object] = {"submitted": bool(token), "credential": ""}
    if token:
        ratelimit_hit(rule=verify_rate_limit(), key=client_address(request))
        try:
            result = services.certificate_verify(
                token=token[:64_000], verifier=request.user, ip_address=client_address(request)
            )
        except VerificationFailed as error:
            context["error"] = error
        else:
            certificate = result.certificate
            presented = result.kind == "presentation"
            context.update(
                result=result,
                certificate=certificate,
                tone=VALIDITY_TONES[result.validity],
                # Who holds it, in full only when the holder chose to show it (亮证).
                holder_name=certificate.holder_name
                if presented or certificate.holder_kind == HolderKind.ENTERPRISE
                else mask_name(certificate.holder_name),
                presented=presented,
            )
    response = render(request, "certificates/verify.html", context)
    add_never_cache_headers(response)
    return response


def _public_json(document: object, content_type: str = "application/json") -> HttpResponse:
    response = (
        JsonResponse(document, content_type=content_type)
        if isinstance(document, dict)
        else HttpResponse(str(document), content_type=content_type)
    )
    patch_cache_control(response, public=True, max_age=PUBLICATION_CACHE_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    return _public_json(services.jwks(), "application/jwk-set+json")


@require_GET
def status_list(
    request: HttpRequest, department_code: str, purpose: str, number: int
) -> HttpResponse:
    token = services.status_list_credential(
        department_code=department_code, purpose=purpose, number=number
    )
    return _public_json(token, "application/vc+jwt")


@require_GET
def issuer(request: HttpRequest, department_code: str) -> HttpResponse:
    found = (
        Issuer.objects.select_related("department").filter(department__code=department_code).first()
    )
    if found is None:
        raise NotFound()
    return _public_json(
        {
            "id": links.issuer_url(department_code),
            "name": found.department.name,
            "creditCode": found.credit_code,
            "jwks_uri": links.jwks_url(),
        }
    )
