"""Verification without login: of a full credential, a printed QR token or a presentation.

A token is rejected (``VerificationFailed`` with the reason) when it is malformed or cut off,
names an algorithm certificates never use, names a key that was never published, does not
match its signature, or claims another issuer than the key's owner. A genuine certificate is
then reported with its validity: valid, suspended, revoked, expired or not yet valid.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.certificates import links
from tongban.certificates.constants import TokenType, Validity
from tongban.certificates.exceptions import (
    AlgorithmNotAllowed,
    CertificateUnknown,
    IssuerMismatch,
    KeyUnknown,
    PresentationExpired,
    SignatureInvalid,
    TokenMalformed,
)
from tongban.certificates.models import Certificate, IssuerKey, Presentation, PresentationCheck
from tongban.certificates.signing import SignatureMismatch, signing_algorithms

TOKEN_MAX_LENGTH = 64_000
_KINDS = {
    TokenType.CREDENTIAL: "credential",
    TokenType.QR: "qr",
    TokenType.PRESENTATION: "presentation",
}


@dataclass(frozen=True)
class _PublishedKey:
    kid: str
    algorithm: str
    public_jwk: dict[str, Any]
    issuer_id: uuid.UUID
    department_code: str


# A key's public half and owner never change once made (rotation adds keys; keys are never
# deleted), so each process remembers the ones it has looked up: no query per verification.
_known_keys: dict[str, _PublishedKey] = {}
_KNOWN_KEYS_MAX = 10_000


def _published_key(kid: str) -> _PublishedKey | None:
    known = _known_keys.get(kid)
    if known is not None:
        return known
    key = IssuerKey.objects.select_related("issuer__department").filter(kid=kid).first()
    if key is None:
        return None
    known = _PublishedKey(
        kid=key.kid,
        algorithm=key.algorithm,
        public_jwk=dict(key.public_jwk),
        issuer_id=key.issuer_id,
        department_code=key.issuer.department.code,
    )
    if len(_known_keys) < _KNOWN_KEYS_MAX:
        _known_keys[kid] = known
    return known


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    validity: Validity
    kind: str  # credential, qr or presentation
    presentation: Presentation | None = None

    @property
    def valid(self) -> bool:
        return self.validity == Validity.VALID


def _b64_json(part: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise TokenMalformed() from None
    if not isinstance(value, dict):
        raise TokenMalformed()
    return value


def _verified_payload(token: str) -> tuple[dict[str, Any], dict[str, Any], _PublishedKey]:
    token = "".join(token.split())
    if not token or len(token) > TOKEN_MAX_LENGTH or token.count(".") != 2:
        raise TokenMalformed()
    header_part, _payload_part, signature_part = token.split(".")
    if not signature_part:
        raise TokenMalformed()
    header = _b64_json(header_part)
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in signing_algorithms:
        raise AlgorithmNotAllowed()
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise KeyUnknown()
    key = _published_key(kid)
    if key is None:
        raise KeyUnknown()
    if key.algorithm != algorithm:
        # The key decides the algorithm, never the token (algorithm confusion).
        raise AlgorithmNotAllowed()
    try:
        raw = signing_algorithms[key.algorithm].verify(token=token, public_jwk=key.public_jwk)
    except SignatureMismatch:
        raise SignatureInvalid() from None
    try:
        payload = json.loads(raw)
    except ValueError:
        raise TokenMalformed() from None
    if not isinstance(payload, dict):
        raise TokenMalformed()
    return header, payload, key


def _certificate_of(key: _PublishedKey, certificate_id: Any) -> Certificate:
    try:
        pk = uuid.UUID(str(certificate_id).removeprefix("urn:uuid:"))
    except ValueError:
        raise TokenMalformed() from None
    try:
        return (
            Certificate.objects.select_related("type", "issuer__department")
            .defer("credential", "qr_token")
            .get(pk=pk, issuer_id=key.issuer_id)
        )
    except Certificate.DoesNotExist:
        raise CertificateUnknown() from None


def _network_of(address: str | None) -> str:
    """The client's network, not its address: a /24 (IPv4) or /48 (IPv6) is enough to tell the
    holder "a phone on another network", without keeping anyone's exact address."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def certificate_verify(
    *, token: str, verifier: Any | None = None, ip_address: str | None = None
) -> Verification:
    """Verifies a credential, QR token or presentation token; see the module's docstring.

    A presentation's verification is written to its log (who, when) and the audit log, in its
    own transaction; everything else is read-only.
    """
    header, payload, key = _verified_payload(token)
    kind = _KINDS.get(str(header.get("typ", "")))
    if kind is None:
        raise TokenMalformed()
    department_code = key.department_code
    if kind == "credential":
        issuer = payload.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != links.issuer_url(department_code):
            raise IssuerMismatch()
        certificate = _certificate_of(key, payload.get("id", ""))
    else:
        if payload.get("iss") != department_code:
            raise IssuerMismatch()
        certificate = _certificate_of(key, payload.get("cid", ""))
    presentation = None
    if kind == "presentation":
        presentation = Presentation.objects.filter(
            pk=_uuid_or_malformed(payload.get("pid")), certificate=certificate
        ).first()
        if presentation is None:
            raise CertificateUnknown()
        expires = payload.get("exp")
        if not isinstance(expires, int) or timezone.now() >= dt.datetime.fromtimestamp(
            expires, tz=dt.UTC
        ):
            raise PresentationExpired()
        _presentation_check_record(presentation, verifier=verifier, ip_address=ip_address)
    return Verification(
        certificate=certificate,
        validity=certificate.validity_on(),
        kind=kind,
        presentation=presentation,
    )


def _uuid_or_malformed(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise TokenMalformed() from None


@transaction.atomic
def _presentation_check_record(
    presentation: Presentation, *, verifier: Any | None, ip_address: str | None
) -> PresentationCheck:
    signed_in = bool(verifier is not None and getattr(verifier, "is_authenticated", False))
    if verifier is not None and signed_in:
        label = str(getattr(verifier, "real_name", "") or verifier.get_username())
    else:
        verifier, label = None, _("A visitor who was not signed in")
    check = PresentationCheck.objects.create(
        presentation=presentation,
        verifier_user=verifier,
        verifier_label=label[:200],
        network=_network_of(ip_address),
    )
    audit_event_record(
        kind=AuditEventKind.PERSONAL_DATA_READ,
        actor_id=verifier.pk if verifier is not None else None,
        subject_id=presentation.certificate.holder_user_id,
        object_type="certificates.presentation",
        object_id=str(presentation.pk),
        purpose="Verification of a certificate the holder presented (亮证)",
        fields=["holder_name", "certificate_number", "validity"],
        ip_address=ip_address,
    )
    return check
