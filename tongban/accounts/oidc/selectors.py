"""Reads of single sign-on: consents, subjects, and how an authorisation signed in."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from allauth.idp.oidc.models import Client, Token
from django.db.models import QuerySet

from tongban.accounts.constants import AuthenticationStrength
from tongban.accounts.models import User
from tongban.accounts.oidc.models import OidcConsent, OidcSubject
from tongban.accounts.oidc.scopes import scope_set
from tongban.core.exceptions import NotFound


def consent_active_get(*, client: Client, user: User, scopes: Iterable[str]) -> OidcConsent | None:
    """The person's remembered consent to exactly this scope set, if not revoked."""
    return OidcConsent.objects.filter(
        client=client, user=user, scopes=scope_set(scopes), revoked_at=None
    ).first()


def consents_for_user(*, user: User) -> QuerySet[OidcConsent]:
    """The person's connected systems: every consent not revoked, newest first."""
    return (
        OidcConsent.objects.filter(user=user, revoked_at=None)
        .select_related("client")
        .order_by("-granted_at")
    )


def consent_get_for_user(*, user: User, consent_id: uuid.UUID | str) -> OidcConsent:
    """One of the person's own active consents; someone else's answers "not found"."""
    consent = consents_for_user(user=user).filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    return consent


def user_by_subject(*, client: Client, subject: str) -> User | None:
    """The active person a client knows by ``subject`` while any of their consents stands."""
    found = (
        OidcSubject.objects.filter(client=client, subject=subject).select_related("user").first()
    )
    if found is None or not found.user.is_active:
        return None
    user = found.user
    assert isinstance(user, User)
    if not OidcConsent.objects.filter(client=client, user=user, revoked_at=None).exists():
        return None
    return user


def token_authentication_strength(*, token: Token) -> AuthenticationStrength | None:
    """How the session that authorised this access token signed in."""
    user = token.user
    if token.client is None or not isinstance(user, User):
        return None
    consent = consent_active_get(client=token.client, user=user, scopes=token.get_scopes())
    return AuthenticationStrength(consent.authentication_strength) if consent else None
