"""The scopes a department system may ask for, the claims each releases, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import AuthenticationStrength


@dataclass(frozen=True)
class Scope:
    name: str
    label: Promise
    claims: tuple[str, ...]
    # What the person is told the data is for, on the consent screen.
    reason: Promise


SCOPES: dict[str, Scope] = {
    scope.name: scope
    for scope in (
        Scope(
            "openid",
            _("A sign-in identifier for this system only, and how strongly you signed in"),
            ("sub", "acr", "amr", "auth_time"),
            _(
                "so the system knows it is you each time, without being able to link you with "
                "other systems"
            ),
        ),
        Scope(
            "profile",
            _("Your real name"),
            ("name",),
            _("to address you and fill in forms with your name"),
        ),
        Scope(
            "phone",
            _("Your mobile number"),
            ("phone_number", "phone_number_verified"),
            _("to contact you about your business with this system"),
        ),
        Scope(
            "realname",
            _("Your real-name verification level"),
            ("real_name_level",),
            _("to decide which services you may use without another identity check"),
        ),
        Scope(
            "enterprise",
            _("The enterprises you represent"),
            ("enterprises",),
            _("to let you act for an enterprise you are authorised for"),
        ),
    )
}

# How strongly a session signed in, as OpenID Connect's `acr` (authentication context
# class) and `amr` (RFC 8176 authentication method references).
ACR_VALUES: dict[AuthenticationStrength, str] = {
    AuthenticationStrength.PASSWORD: "urn:tongban:acr:password",
    AuthenticationStrength.TWO_FACTOR: "urn:tongban:acr:two-factor",
    AuthenticationStrength.PASSKEY: "urn:tongban:acr:passkey",
}
AMR_VALUES: dict[AuthenticationStrength, list[str]] = {
    AuthenticationStrength.PASSWORD: ["pwd"],
    AuthenticationStrength.TWO_FACTOR: ["pwd", "otp", "mfa"],
    AuthenticationStrength.PASSKEY: ["hwk", "user", "mfa"],
}


def scope_set(scopes: Iterable[str]) -> str:
    """A scope set as one canonical string: sorted, deduplicated, space-separated."""
    return " ".join(sorted(set(scopes)))


def claims_for(scopes: Iterable[str]) -> list[str]:
    return [
        claim for name in sorted(set(scopes)) if name in SCOPES for claim in SCOPES[name].claims
    ]
