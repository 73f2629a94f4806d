"""Certificates under /api/v1/certificates: the wallet, verification, presentations, status."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth
from pydantic import Field

from tongban.certificates import selectors, services
from tongban.certificates.documents import credential_claims
from tongban.certificates.models import Certificate
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.ratelimit import RateLimit, client_address, ratelimit_hit

router = Router(tags=["certificates"])


def verify_rate_limit() -> RateLimit:
    return RateLimit("certificate_verify", limit=settings.CERTIFICATE_VERIFY_RATE_LIMIT, window=60)


class CertificateOut(Schema):
    id: uuid.UUID
    number: str
    type: str
    type_name: str
    issuer: str
    holder_kind: str
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    validity: str


class CertificateDetailOut(CertificateOut):
    credential: str
    claims: dict[str, object]


def _out(certificate: Certificate) -> CertificateOut:
    return CertificateOut(
        id=certificate.pk,
        number=certificate.number,
        type=certificate.type.code,
        type_name=certificate.type.name,
        issuer=certificate.issuer.department.name,
        holder_kind=certificate.holder_kind,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        status=certificate.status,
        validity=certificate.validity_on(),
    )


@router.get("/certificates", response=list[CertificateOut], auth=django_auth)
def certificate_list(request: HttpRequest) -> list[CertificateOut]:
    return [_out(item) for item in selectors.certificates_for_holder(user=request.user)[:200]]


@router.get("/certificates/{uuid:certificate_id}", response=CertificateDetailOut, auth=django_auth)
def certificate_detail(request: HttpRequest, certificate_id: uuid.UUID) -> CertificateDetailOut:
    certificate = selectors.certificate_get_for_holder(
        user=request.user, certificate_id=certificate_id
    )
    return CertificateDetailOut(
        **_out(certificate).dict(),
        credential=certificate.credential,
        claims=credential_claims(certificate),
    )


class VerifyIn(Schema):
    credential: str = Field("", max_length=64_000)
    token: str = Field("", max_length=4_000)


class VerifiedCertificate(Schema):
    id: uuid.UUID
    number: str
    type: str
    type_name: str
    issuer: str
    issuer_credit_code: str
    valid_from: dt.date
    valid_until: dt.date | None


class VerifyOut(Schema):
    valid: bool
    status: str
    kind: str
    certificate: VerifiedCertificate


@router.post("/certificates/verify", response=VerifyOut, auth=None)
def certificate_verify(request: HttpRequest, payload: VerifyIn) -> VerifyOut:
    """Verifies a full credential (``credential``) or a QR token (``token``) without signing in.

    Rejected input answers 400 with the reason's ``code`` (``token_malformed``,
    ``algorithm_not_allowed``, ``key_unknown``, ``signature_invalid``, ``issuer_mismatch``,
    ``certificate_unknown``, ``presentation_expired``); a genuine certificate answers 200 with
    its status: ``valid``, ``suspended``, ``revoked``, ``expired`` or ``not_yet_valid``.
    """
    ratelimit_hit(rule=verify_rate_limit(), key=client_address(request))
    text = payload.credential or payload.token
    if not text or (payload.credential and payload.token):
        raise InvalidInput(
            errors={"credential": [FieldError("one_of", "Give either credential or token.")]}
        )
    result = services.certificate_verify(
        token=text, verifier=request.user, ip_address=client_address(request)
    )
    certificate = result.certificate
    return VerifyOut(
        valid=result.valid,
        status=result.validity,
        kind=result.kind,
        certificate=VerifiedCertificate(
            id=certificate.pk,
            number=certificate.number,
            type=certificate.type.code,
            type_name=certificate.type.name,
            issuer=certificate.issuer.department.name,
            issuer_credit_code=certificate.issuer.credit_code,
            valid_from=certificate.valid_from,
            valid_until=certificate.valid_until,
        ),
    )


class PresentationOut(Schema):
    id: uuid.UUID
    token: str
    url: str
    expires_at: dt.datetime


@router.post(
    "/certificates/{uuid:certificate_id}/presentations", response=PresentationOut, auth=django_auth
)
def presentation_create(request: HttpRequest, certificate_id: uuid.UUID) -> PresentationOut:
    from tongban.certificates.links import verification_url

    certificate = selectors.certificate_get_for_holder(
        user=request.user, certificate_id=certificate_id
    )
    presentation = services.presentation_create(certificate=certificate, actor=request.user)
    return PresentationOut(
        id=presentation.pk,
        token=presentation.token,
        url=verification_url(presentation.token),
        expires_at=presentation.expires_at,
    )


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


_STATUS_SERVICES = {
    "revoke": services.certificate_revoke,
    "suspend": services.certificate_suspend,
    "reinstate": services.certificate_reinstate,
}


@router.post(
    "/certificates/{uuid:certificate_id}/{action}", response=CertificateOut, auth=django_auth
)
def certificate_status_change(
    request: HttpRequest, certificate_id: uuid.UUID, action: str, payload: ReasonIn
) -> CertificateOut:
    """Staff: ``revoke``, ``suspend`` or ``reinstate`` with a reason (approvers and
    administrators of the issuing department)."""
    change = _STATUS_SERVICES.get(action)
    if change is None:
        from tongban.core.exceptions import NotFound

        raise NotFound()
    certificate = selectors.certificate_get_for_staff(
        user=request.user, certificate_id=certificate_id
    )
    return _out(change(certificate=certificate, actor=request.user, reason=payload.reason))
