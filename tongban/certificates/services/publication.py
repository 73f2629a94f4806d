"""What verifiers fetch: the key set (JWKS) and the Bitstring Status Lists, cached ≤ 60 s."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from tongban.certificates import links
from tongban.certificates.constants import (
    PUBLICATION_CACHE_SECONDS,
    STATUS_LIST_LENGTH,
    VC_CONTEXT,
    CertificateStatus,
    StatusPurpose,
    TokenType,
)
from tongban.certificates.exceptions import IssuerKeyMissing
from tongban.certificates.models import Certificate, Issuer, IssuerKey
from tongban.certificates.selectors import issuer_keys_published
from tongban.certificates.signing import json_bytes, signing_algorithms
from tongban.core.exceptions import NotFound

_GENERATION_KEY = "certificates:publication:generation"
# Status index i is a bijection of the issue serial: consecutive certificates do not sit next
# to each other in the list, so a list says nothing about issue order (odd multiplier mod 2^17).
_INDEX_MULTIPLIER = 0x9E37


def status_entry_for_serial(serial: int) -> tuple[int, int]:
    """(list number, index in the list) of the certificate with this issue serial (from 1)."""
    position = serial - 1
    return position // STATUS_LIST_LENGTH + 1, (position * _INDEX_MULTIPLIER) % STATUS_LIST_LENGTH


def _generation() -> int:
    return int(cache.get_or_set(_GENERATION_KEY, 1, timeout=None) or 1)


def publication_cache_clear() -> None:
    """Makes the next request rebuild the key set and status lists (after a change commits)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 2, timeout=None)


def jwks() -> dict[str, Any]:
    key = f"certificates:jwks:{_generation()}"
    document = cache.get(key)
    if document is None:
        document = {"keys": [dict(issuer_key.public_jwk) for issuer_key in issuer_keys_published()]}
        cache.set(key, document, PUBLICATION_CACHE_SECONDS)
    return dict(document)


def encoded_list(indexes: list[int]) -> str:
    """W3C Bitstring Status List v1.0 §3.2: bit 0 is the most significant bit of byte 0; the
    bitstring is GZIP-compressed and Multibase base64url encoded (``u`` prefix, no padding)."""
    bits = bytearray(STATUS_LIST_LENGTH // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def status_list_credential(*, department_code: str, purpose: str, number: int) -> str:
    """The signed status list credential (a compact JWS, ``vc+jwt``) of one issuer's list."""
    if purpose not in StatusPurpose.values or number < 1:
        raise NotFound()
    cache_key = f"certificates:status:{_generation()}:{department_code}:{purpose}:{number}"
    token = cache.get(cache_key)
    if token is not None:
        return str(token)
    issuer = (
        Issuer.objects.select_related("department").filter(department__code=department_code).first()
    )
    if issuer is None:
        raise NotFound()
    marked = (
        CertificateStatus.REVOKED
        if purpose == StatusPurpose.REVOCATION
        else (CertificateStatus.SUSPENDED)
    )
    indexes = list(
        Certificate.objects.filter(
            issuer=issuer, status_list_number=number, status=marked
        ).values_list("status_list_index", flat=True)
    )
    now = timezone.now().replace(microsecond=0)
    url = links.status_list_url(department_code, purpose, number)
    payload = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": links.issuer_url(department_code),
        "validFrom": now.isoformat(),
        "validUntil": (now + dt.timedelta(days=1)).isoformat(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list(indexes),
            "ttl": PUBLICATION_CACHE_SECONDS * 1000,
        },
    }
    token = credential_sign(issuer=issuer, payload=payload)
    cache.set(cache_key, token, PUBLICATION_CACHE_SECONDS)
    return token


def active_key_of(issuer: Issuer) -> IssuerKey:
    key = IssuerKey.objects.filter(issuer=issuer, active=True).first()
    if key is None:
        raise IssuerKeyMissing()
    return key


def credential_sign(
    *, issuer: Issuer, payload: dict[str, Any], key: IssuerKey | None = None
) -> str:
    """A W3C VC 2.0 secured with JOSE: the credential itself is the JWS payload (VC-JOSE-COSE)."""
    return token_sign(key=key or active_key_of(issuer), payload=payload, typ=TokenType.CREDENTIAL)


def token_sign(*, key: IssuerKey, payload: dict[str, Any], typ: str) -> str:
    header = {"kid": key.kid, "typ": typ}
    if typ == TokenType.CREDENTIAL:
        header["cty"] = "vc"
    return signing_algorithms[key.algorithm].sign(
        header=header, payload=json_bytes(payload), private_jwk=json.loads(key.private_jwk)
    )
