"""Issuers and their signing keys: registration and rotation."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.certificates.models import Issuer, IssuerKey
from tongban.certificates.signing import signing_algorithms
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.identifiers import credit_code_validate
from tongban.organization.models import Department


def _algorithm_or_default(algorithm: str | None) -> str:
    name = algorithm or settings.CERTIFICATE_SIGNING_ALGORITHM
    if name not in signing_algorithms:
        raise InvalidInput(
            errors={"algorithm": [FieldError("unknown", f"Use one of {signing_algorithms.keys()}")]}
        )
    return name


def _key_create(*, issuer: Issuer, algorithm: str) -> IssuerKey:
    pair = signing_algorithms[algorithm].generate()
    kid = f"{issuer.department.code}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(4)}"
    key = IssuerKey.objects.create(
        issuer=issuer,
        kid=kid,
        algorithm=algorithm,
        public_jwk={**pair.public_jwk, "kid": kid, "alg": algorithm, "use": "sig"},
        private_jwk=json.dumps(pair.private_jwk),
        active=True,
    )
    # Now for this process, and again once committed for readers that cached meanwhile.
    _publication_forget()
    transaction.on_commit(_publication_forget)
    return key


@transaction.atomic
def issuer_register(
    *, department: Department, credit_code: str, actor: Any | None, algorithm: str | None = None
) -> Issuer:
    """Makes a department an issuer with a first signing key; again, it changes nothing."""
    existing = Issuer.objects.filter(department=department).first()
    if existing is not None:
        return existing
    issuer = Issuer.objects.create(
        department=department, credit_code=credit_code_validate(credit_code)
    )
    key = _key_create(issuer=issuer, algorithm=_algorithm_or_default(algorithm))
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor.pk if actor else None,
        object_type="certificates.issuer",
        object_id=str(issuer.pk),
        summary={"department": department.code, "kid": key.kid},
    )
    return issuer


@transaction.atomic
def issuer_key_rotate(
    *, issuer: Issuer, actor: Any | None, algorithm: str | None = None
) -> IssuerKey:
    """A new key signs from now on. The old one stays published for verification until every
    certificate it signed has expired (``selectors.issuer_keys_published``)."""
    name = _algorithm_or_default(algorithm)
    Issuer.objects.select_for_update().get(pk=issuer.pk)
    now = timezone.now()
    retired = list(
        IssuerKey.objects.filter(issuer=issuer, active=True).values_list("kid", flat=True)
    )
    IssuerKey.objects.filter(issuer=issuer, active=True).update(active=False, retired_at=now)
    key = _key_create(issuer=issuer, algorithm=name)
    audit_event_record(
        kind=AuditEventKind.CONFIGURATION_CHANGED,
        actor_id=actor.pk if actor else None,
        object_type="certificates.issuer",
        object_id=str(issuer.pk),
        summary={"rotated": retired, "kid": key.kid, "algorithm": name},
    )
    return key


def _publication_forget() -> None:
    from tongban.certificates.services.publication import publication_cache_clear

    publication_cache_clear()
