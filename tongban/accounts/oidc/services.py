"""Changes to single sign-on: registering clients, consenting, revoking, releasing claims.

Each is one transaction with its audit record. Views and allauth's adapter call these; the
protocol itself (codes, tokens, signatures) is allauth's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence

from allauth.idp.oidc.models import Client, Token
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.accounts.constants import AuthenticationStrength
from tongban.accounts.models import User
from tongban.accounts.oidc.models import OidcConsent, OidcSubject
from tongban.accounts.oidc.scopes import SCOPES, claims_for, scope_set
from tongban.accounts.oidc.selectors import consent_active_get, consent_get_for_user
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, InvalidInput


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(errors={field: [FieldError(code, message)]})


@transaction.atomic
def oidc_client_register(
    *,
    actor: User | None,
    name: str,
    redirect_uris: Sequence[str],
    confidential: bool,
    scopes: Sequence[str] = ("openid", "profile"),
    client_id: str | None = None,
) -> tuple[Client, str | None]:
    """An administrator registers a department system; returns it and its secret.

    Redirect URIs are matched exactly (no wildcards) and must be absolute https URLs, or
    http on the loopback address for development. A public client (a mobile app, a
    single-page app) gets no secret and must use PKCE. The secret is shown once here and
    stored only as a hash.
    """
    if not name.strip():
        raise _invalid("name", "required", "A client needs a name.")
    uris = [uri.strip() for uri in redirect_uris if uri.strip()]
    if not uris:
        raise _invalid("redirect_uris", "required", "A client needs a redirect URI.")
    for uri in uris:
        local = uri.startswith(("http://127.0.0.1", "http://localhost"))
        if not (uri.startswith("https://") or local) or "#" in uri or "*" in uri:
            raise _invalid("redirect_uris", "invalid", f"Not an exact https URL: {uri}")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or "openid" not in scopes:
        raise _invalid("scopes", "invalid", "Scopes must include openid and be known ones.")
    client = Client(
        name=name.strip(),
        type=Client.Type.CONFIDENTIAL if confidential else Client.Type.PUBLIC,
        allow_uri_wildcards=False,
        skip_consent=False,
    )
    if client_id:
        client.id = client_id
    client.set_redirect_uris(uris)
    client.set_scopes(sorted(set(scopes)))
    client.set_default_scopes(["openid"])
    client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN])
    client.set_response_types(["code"])
    secret: str | None = None
    if confidential:
        secret = secrets.token_urlsafe(32)
        client.set_secret(secret)
    client.save()
    audit_event_record(
        kind=AuditEventKind.CONFIGURATION_CHANGED,
        actor_id=actor.pk if actor else None,
        object_type="oidc.client",
        object_id=client.id,
        summary={"action": "registered", "name": client.name, "redirect_uris": uris},
    )
    return client, secret


def oidc_subject_ensure(*, client: Client, user: User) -> str:
    """The pairwise ``sub`` for this person at this client, made on first use.

    Derived with an HMAC of the client and the account under the secret key, then stored,
    so it stays the same if the secret key rotates and can be looked up backwards.
    """
    found = OidcSubject.objects.filter(client=client, user=user).first()
    if found:
        return found.subject
    message = f"{client.id}:{user.pk}".encode()
    subject = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    try:
        with transaction.atomic():
            return OidcSubject.objects.create(client=client, user=user, subject=subject).subject
    except IntegrityError:
        return OidcSubject.objects.get(client=client, user=user).subject


@transaction.atomic
def oidc_consent_grant(
    *,
    user: User,
    client: Client,
    scopes: Sequence[str],
    strength: AuthenticationStrength,
    ip_address: str | None = None,
) -> OidcConsent:
    """The person lets the client have the claims of ``scopes`` (or confirms it again).

    Consent is per client and exact scope set: asking for more is asking again. Each
    authorisation records how the session signed in, which the id_tokens then state.
    """
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or "openid" not in scopes:
        raise _invalid("scopes", "invalid", "Unknown scopes.")
    now = timezone.now()
    consent = consent_active_get(client=client, user=user, scopes=scopes)
    if consent is None:
        consent = OidcConsent.objects.create(
            client=client,
            user=user,
            scopes=scope_set(scopes),
            granted_at=now,
            authentication_strength=strength,
            authenticated_at=now,
        )
        audit_event_record(
            kind=AuditEventKind.CREATED,
            actor_id=user.pk,
            subject_id=user.pk,
            object_type="oidc.consent",
            object_id=str(consent.pk),
            summary={"client": client.name, "scopes": consent.scopes},
            ip_address=ip_address,
        )
    else:
        consent.authentication_strength = strength
        consent.authenticated_at = now
        consent.save(update_fields=["authentication_strength", "authenticated_at", "updated_at"])
    return consent


@transaction.atomic
def oidc_consent_revoke(
    *, user: User, consent_id: uuid.UUID | str, ip_address: str | None = None
) -> OidcConsent:
    """The person withdraws a consent; the client's tokens for it stop working at once."""
    consent = consent_get_for_user(user=user, consent_id=consent_id)
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at", "updated_at"])
    revoked = [
        token.pk
        for token in Token.objects.filter(client=consent.client, user=user)
        if scope_set(token.get_scopes()) == consent.scopes
    ]
    Token.objects.filter(pk__in=revoked).delete()
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=user.pk,
        subject_id=user.pk,
        object_type="oidc.consent",
        object_id=str(consent.pk),
        summary={"client": consent.client.name, "action": "revoked", "tokens": len(revoked)},
        ip_address=ip_address,
    )
    return consent


@transaction.atomic
def oidc_claims_release(*, user: User, client: Client, scopes: Sequence[str], via: str) -> None:
    """Logs that a department system received the person's claims (id_token or userinfo).

    The person sees it under "who accessed my data", with the system's name as the reader.
    """
    audit_event_record(
        kind=AuditEventKind.PERSONAL_DATA_READ,
        actor_id=None,
        subject_id=user.pk,
        object_type="oidc.client",
        object_id=client.id,
        purpose=f"single sign-on ({via})",
        fields=claims_for(scopes),
        summary={"source": client.name},
    )
