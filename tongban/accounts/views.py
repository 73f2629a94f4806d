"""Account pages: sign-up, real name, step-up, acting for others, personal-data rights.

Sign-in, MFA and passkeys are allauth's views with templates that extend the portal shell.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.accounts import selectors, services
from tongban.accounts.constants import (
    SESSION_AUTHENTICATION,
    SESSION_LAST_ACTIVITY,
    AuthenticationStrength,
    CodePurpose,
    IdentifierKind,
    RealNameLevel,
)
from tongban.accounts.decorators import safe_next
from tongban.accounts.forms import (
    ActingForm,
    DeleteAccountForm,
    EnterpriseForm,
    GrantForm,
    RealNameForm,
    SignupFinishForm,
    SignupStartForm,
    StepUpCodeForm,
)
from tongban.accounts.identifiers import Identifier, identifier_parse
from tongban.accounts.middleware import session_activity_start
from tongban.accounts.models import User
from tongban.core.exceptions import DomainError, RateLimited
from tongban.core.ratelimit import client_address
from tongban.organization.constants import RegionLevel
from tongban.organization.models import Region

P = ParamSpec("P")
_SIGNUP = "tongban.signup"


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


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _form_errors(form: forms.Form, error: DomainError) -> None:
    """Puts a service's error on the form: on its fields when it names them, else on top."""
    if isinstance(error, RateLimited):
        raise error
    placed = False
    for field, items in error.errors.items():
        for item in items:
            form.add_error(field if field in form.fields else None, str(item.message))
            placed = True
    if not placed:
        form.add_error(None, error.translated_message())


def _session_authentication_record(request: HttpRequest, method: str) -> None:
    records = list(request.session.get(SESSION_AUTHENTICATION, []))
    records.append({"method": method, "at": time.time()})
    request.session[SESSION_AUTHENTICATION] = records


def _region_choices() -> list[tuple[str, str]]:
    return list(
        Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT])
        .order_by("code")
        .values_list("code", "name")
    )


# --- sign-up ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("accounts:home"))
    form = SignupStartForm(request.POST or None, region_choices=_region_choices())
    if request.method == "POST" and form.is_valid():
        try:
            identifier = identifier_parse(form.cleaned_data["identifier"])
            services.signup_code_send(identifier=identifier, client_address=client_address(request))
        except DomainError as error:
            _form_errors(form, error)
        else:
            request.session[_SIGNUP] = {
                "kind": identifier.kind.value,
                "value": identifier.value,
                "region_code": form.cleaned_data.get("region_code") or "",
            }
            return HttpResponseRedirect(reverse("accounts:signup_finish"))
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_finish(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_SIGNUP)
    if not pending:
        return HttpResponseRedirect(reverse("accounts:signup"))
    identifier = Identifier(IdentifierKind(pending["kind"]), pending["value"])
    form = SignupFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.signup_complete(
                identifier=identifier,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                region_code=pending.get("region_code", ""),
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            del request.session[_SIGNUP]
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            # The code proved the identifier and the password was just chosen: two factors.
            # Recorded where allauth keeps the session's authentications, and as fresh proof
            # (``reauthenticated``), so adding a passkey right after sign-up asks for no
            # password again within allauth's reauthentication window.
            record_authentication(request, user, method="code", reauthenticated=True)
            session_activity_start(request)
            messages.success(request, _("Your account is ready."))
            return HttpResponseRedirect(reverse("accounts:home"))
    return render(request, "accounts/signup_finish.html", {"form": form, "identifier": identifier})


# --- the account home, real name, step-up ----------------------------------------------------


@_signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/home.html",
        {
            "account": user,
            "level": RealNameLevel(user.real_name_level),
            "strength": selectors.authentication_strength(request),
            "parties": selectors.parties_for_user(user=user),
            "has_passkey": Authenticator.objects.filter(
                user=user, type=Authenticator.Type.WEBAUTHN
            ).exists(),
        },
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def real_name(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    back = safe_next(request, request.POST.get("next") or request.GET.get("next"), "")
    form = RealNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.real_name_verify(
                user=user,
                real_name=form.cleaned_data["real_name"],
                id_number=form.cleaned_data["id_number"],
                ip_address=client_address(request),
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your real name is verified (level L2)."))
            return HttpResponseRedirect(back or reverse("accounts:home"))
    return render(
        request,
        "accounts/real_name.html",
        {"form": form, "next": back, "level": RealNameLevel(user.real_name_level)},
    )


def _contact_identifier(user: User) -> Identifier | None:
    if user.mobile and user.mobile_verified:
        return Identifier(IdentifierKind.MOBILE, user.mobile)
    email = EmailAddress.objects.filter(user=user, verified=True, primary=True).first()
    return Identifier(IdentifierKind.EMAIL, email.email) if email else None


@_signed_in
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Signs in more strongly without signing out, then returns to ``next``."""
    user = _user(request)
    back = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    try:
        wanted = AuthenticationStrength(int(request.GET.get("strength") or 2))
    except ValueError:
        wanted = AuthenticationStrength.TWO_FACTOR
    current = selectors.authentication_strength(request) or AuthenticationStrength.PASSWORD
    if current >= wanted:
        return HttpResponseRedirect(back)
    authenticators = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    contact = _contact_identifier(user)
    form = StepUpCodeForm(request.POST or None) if request.POST.get("action") == "verify" else None
    code_sent = bool(request.session.get("tongban.step_up_sent"))
    if request.method == "POST" and contact is not None:
        try:
            if request.POST.get("action") == "send":
                services.verification_code_send(identifier=contact, purpose=CodePurpose.STEP_UP)
                request.session["tongban.step_up_sent"] = True
                code_sent = True
            elif form is not None and form.is_valid():
                services.verification_code_check(
                    identifier=contact, purpose=CodePurpose.STEP_UP, code=form.cleaned_data["code"]
                )
                request.session.pop("tongban.step_up_sent", None)
                _session_authentication_record(request, "code")
                return HttpResponseRedirect(back)
        except DomainError as error:
            if form is None:
                raise
            _form_errors(form, error)
    return render(
        request,
        "accounts/step_up.html",
        {
            "wanted": wanted,
            "next": back,
            "has_passkey": Authenticator.Type.WEBAUTHN in authenticators,
            "has_totp": Authenticator.Type.TOTP in authenticators,
            "contact": contact,
            "code_sent": code_sent,
            "form": form or StepUpCodeForm(),
            "passkey_url": reverse("mfa_reauthenticate_webauthn") + "?" + urlencode({"next": back}),
            "totp_url": reverse("mfa_reauthenticate") + "?" + urlencode({"next": back}),
        },
    )


@_signed_in
@require_POST
def session_keep_alive(request: HttpRequest) -> JsonResponse:
    """The idle warning's "stay signed in": the middleware already counted this request."""
    return JsonResponse({"idle_seconds": request.session.get(SESSION_LAST_ACTIVITY) and 0})


# --- acting for others ---------------------------------------------------------------------


@_signed_in
@require_http_methods(["GET", "POST"])
def acting_for(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = ActingForm(request.POST)
        if form.is_valid():
            context = services.acting_party_switch(
                session=request.session,
                user=user,
                grant_id=form.cleaned_data.get("grant"),
                ip_address=client_address(request),
            )
            if context.party.is_self:
                messages.success(request, _("You now act for yourself."))
            else:
                messages.success(
                    request, _("You now act for %(party)s.") % {"party": context.party.name}
                )
            return HttpResponseRedirect(
                safe_next(request, form.cleaned_data.get("next"), reverse("accounts:acting_for"))
            )
    return render(
        request,
        "accounts/acting_for.html",
        {
            "parties": selectors.parties_for_user(user=user),
            "current": selectors.acting_party_get(request),
            "on_behalf": selectors.actions_on_behalf_of(party_id=user.pk, limit=20),
        },
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def family(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_member_grant(
                principal=user,
                agent_real_name=form.cleaned_data["agent_real_name"],
                agent_id_number=form.cleaned_data["agent_id_number"],
                all_services=form.cleaned_data["all_services"],
                service_codes=form.cleaned_data["service_codes"],
                valid_until=form.valid_until_moment(),
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The family member can now act for you."))
            return HttpResponseRedirect(reverse("accounts:family"))
    return render(
        request,
        "accounts/family.html",
        {
            "form": form,
            "grants": selectors.grants_given_by_person(user=user),
            "held": selectors.grants_held_by(user=user),
            "level": RealNameLevel(user.real_name_level),
            "now": timezone.now(),
        },
    )


@_signed_in
@require_POST
def grant_revoke(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    try:
        grant = selectors.grant_get_for_principal(user=user, grant_id=grant_id)
    except DomainError:
        grant = selectors.grant_get_for_agent(agent=user, grant_id=grant_id)
    services.grant_revoke(grant=grant, actor=user)
    messages.success(request, _("The authorisation is withdrawn."))
    back = reverse("accounts:family")
    if grant.principal_enterprise_id is not None and grant.agent_id != user.pk:
        back = reverse("accounts:enterprise", args=[grant.principal_enterprise_id])
    return HttpResponseRedirect(back)


@_signed_in
@require_http_methods(["GET", "POST"])
def enterprises(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_register(
                user=user,
                credit_code=form.cleaned_data["credit_code"],
                ip_address=client_address(request),
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("accounts:enterprise", args=[enterprise.pk]))
    return render(
        request,
        "accounts/enterprises.html",
        {"form": form, "enterprises": selectors.enterprises_represented_by(user=user)},
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def enterprise(request: HttpRequest, enterprise_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    item = selectors.enterprise_get_for_representative(user=user, enterprise_id=enterprise_id)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_agent_grant(
                enterprise=item,
                representative=user,
                agent_real_name=form.cleaned_data["agent_real_name"],
                agent_id_number=form.cleaned_data["agent_id_number"],
                all_services=form.cleaned_data["all_services"],
                service_codes=form.cleaned_data["service_codes"],
                valid_until=form.valid_until_moment(),
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The agent can now act for the enterprise."))
            return HttpResponseRedirect(reverse("accounts:enterprise", args=[item.pk]))
    return render(
        request,
        "accounts/enterprise.html",
        {
            "form": form,
            "enterprise": item,
            "grants": item.grants.select_related("agent"),
            "now": timezone.now(),
        },
    )


# --- personal-data rights ------------------------------------------------------------------


@_signed_in
def my_data(request: HttpRequest) -> HttpResponse:
    from tongban.core.personal_data import personal_data_collect

    return render(
        request,
        "accounts/my_data.html",
        {"records": personal_data_collect(person_id=_user(request).pk)},
    )


@_signed_in
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = services.personal_data_export(user=_user(request), ip_address=client_address(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="tongban-my-data.json"'
    return response


@_signed_in
def data_accesses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/data_accesses.html",
        {"accesses": selectors.data_accesses_for_user(user=_user(request))},
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    from tongban.core.deletion import deletion_obstacles_collect

    user = _user(request)
    form = DeleteAccountForm(request.POST or None)
    obstacles = deletion_obstacles_collect(person_id=user.pk)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=user, ip_address=client_address(request))
        except DomainError as error:
            _form_errors(form, error)
            status = error.status
        else:
            logout(request)
            return render(
                request,
                "web/message.html",
                {"title": _("Your account is deleted."), "body": _("Thank you for using Tongban.")},
            )
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "obstacles": obstacles},
        status=status,
    )
