"""The portal's URLs plus one view that needs L2 and a two-factor sign-in (tests only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from tongban.accounts.constants import AuthenticationStrength, RealNameLevel
from tongban.accounts.decorators import require_assurance


@require_assurance(level=RealNameLevel.L2, strength=AuthenticationStrength.TWO_FACTOR)
def pension_apply(request: HttpRequest) -> HttpResponse:
    return HttpResponse("pension form")


@require_assurance(level=RealNameLevel.L1, strength=AuthenticationStrength.PASSKEY)
def passkey_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("passkey page")


urlpatterns = [
    path("test/pension/", pension_apply),
    path("test/passkey/", passkey_only),
    # By name, not import: apps never import the config package (the layer contract).
    path("", include("tongban.config.urls")),
]
