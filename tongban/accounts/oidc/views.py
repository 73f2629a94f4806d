"""The consent screen in front of allauth's authorisation endpoint, and "connected systems"."""

from __future__ import annotations

import uuid
from typing import Any, cast
from urllib.parse import urlsplit

from allauth.core.internal.httpkit import add_query_params
from allauth.idp.oidc.forms import AuthorizationForm
from allauth.idp.oidc.models import Client
from allauth.idp.oidc.views import AuthorizationView, _ClientHttpResponseRedirect
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tongban.accounts.constants import AuthenticationStrength
from tongban.accounts.models import User
from tongban.accounts.oidc import selectors, services
from tongban.accounts.oidc.scopes import SCOPES
from tongban.accounts.selectors import authentication_strength
from tongban.core.ratelimit import client_address


class ConsentView(AuthorizationView):
    """allauth's authorisation endpoint with Tongban's consent: all listed data, or none.

    A consent already given to this client for exactly this scope set is remembered: the
    person goes straight back to the system. Every authorisation records how the session
    signed in, for the id_token's ``acr``/``amr``.
    """

    template_name = "accounts/oidc/consent.html"

    def _without_s256_pkce(self) -> HttpResponse | None:
        # Every client proves the code is its own with PKCE S256 (RFC 9700 §2.1.1), not only
        # public ones; "plain" would show the verifier to whoever sees the request.
        if self._request_info.get("code_challenge_method") == "S256":
            return None
        redirect_uri = self._request_info.get("redirect_uri")
        params = {"error": "invalid_request", "error_description": "PKCE with S256 is required."}
        if state := self._request_info.get("state"):
            params["state"] = state
        return cast(
            HttpResponse, _ClientHttpResponseRedirect(add_query_params(redirect_uri, params))
        )

    def get_initial(self) -> dict[str, Any]:
        # allauth drops the parsed request when it signs the form's state; skipping a
        # remembered consent needs it back.
        self._oauth_request = self._request_info.get("request")
        return cast(dict[str, Any], super().get_initial())

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        refused = self._without_s256_pkce()
        if refused:
            return refused
        user = self.request.user
        client = context["client"]
        if (
            self.request.method == "GET"
            and isinstance(user, User)
            and selectors.consent_active_get(client=client, user=user, scopes=self._scopes)
        ):
            self._request_info["request"] = self._oauth_request
            return cast(HttpResponse, self._skip_consent())
        context["scopes"] = [SCOPES[name] for name in sorted(self._scopes) if name in SCOPES]
        response: HttpResponse = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        # The answer to the consent form redirects to the client, and browsers hold that
        # redirect to the page's form-action: allow the one validated redirect URI's origin.
        redirect = urlsplit(str(self._request_info["redirect_uri"]))
        response._csp_update = {  # type: ignore[attr-defined]
            "form-action": [f"{redirect.scheme}://{redirect.netloc}"]
        }
        return response

    def form_valid(self, form: AuthorizationForm) -> HttpResponse:
        refused = self._without_s256_pkce()
        if refused:
            return refused
        user = self.request.user
        assert isinstance(user, User)
        # The person agreed to the whole list shown, never to a part the client did not ask.
        scopes = sorted(self._scopes)
        form.cleaned_data["scopes"] = scopes
        services.oidc_consent_grant(
            user=user,
            client=Client.objects.get(id=self._request_info["client_id"]),
            scopes=scopes,
            strength=authentication_strength(self.request) or AuthenticationStrength.PASSWORD,
            ip_address=client_address(self.request),
        )
        return cast(HttpResponse, super().form_valid(form))


consent = ConsentView.as_view()


def _signed_in_user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@require_GET
def connected_systems(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    consents = [
        (consent, [SCOPES[name] for name in consent.scope_list() if name in SCOPES])
        for consent in selectors.consents_for_user(user=user)
    ]
    response = render(request, "accounts/oidc/connected_systems.html", {"consents": consents})
    add_never_cache_headers(response)
    return response


@require_POST
def consent_revoke(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    user = _signed_in_user(request)
    if user is None:
        return redirect_to_login(reverse("accounts:connected_systems"))
    consent = services.oidc_consent_revoke(
        user=user, consent_id=consent_id, ip_address=client_address(request)
    )
    messages.success(
        request,
        _("%(system)s can no longer sign you in or read your data.")
        % {"system": consent.client.name},
    )
    return HttpResponseRedirect(reverse("accounts:connected_systems"))
