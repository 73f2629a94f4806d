"""Reads of certificates, scoped to who asks: a foreign certificate answers "not found"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.accounts.constants import PartyKind
from tongban.accounts.models import Enterprise, User
from tongban.accounts.selectors import enterprises_represented_by, parties_for_user
from tongban.certificates.constants import CertificateStatus, HolderKind
from tongban.certificates.models import (
    Certificate,
    CertificateType,
    IssuerKey,
    Presentation,
    PresentationCheck,
)
from tongban.core.exceptions import NotFound
from tongban.core.fields import blind_index_of
from tongban.organization.selectors import staff_positions_of


@dataclass(frozen=True)
class Holder:
    """Who a certificate belongs to: a person by resident ID number, an enterprise by credit
    code, optionally with the account that receives it (the person, or the enterprise's agent)."""

    kind: str
    identifier: str
    name: str
    user: User | None = None

    @classmethod
    def person(cls, user: User) -> Holder:
        return cls(HolderKind.PERSON, user.resident_id_number, user.real_name, user)

    def index(self) -> str:
        return holder_index_of(self.identifier)


def holder_index_of(identifier: str) -> str:
    return blind_index_of(Certificate, "holder_identifier", identifier)


def _with_relations(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return queryset.select_related("type", "issuer__department")


def _holder_filter(user: Any) -> Q:
    """The user's own certificates, and those of every party they may act for now: people who
    authorised them (family), enterprises they are agents of or legally represent."""
    condition = Q(holder_user_id=user.pk)
    person_ids: list[uuid.UUID] = [user.pk]
    enterprise_ids: list[uuid.UUID] = []
    for party in parties_for_user(user=user):
        if party.kind == PartyKind.PERSON:
            person_ids.append(party.id)
        elif party.kind == PartyKind.ENTERPRISE:
            enterprise_ids.append(party.id)
    person_indexes = [
        holder_index_of(number)
        for number in User.objects.filter(pk__in=person_ids).values_list(
            "resident_id_number", flat=True
        )
        if number
    ]
    credit_codes = list(
        Enterprise.objects.filter(
            Q(pk__in=enterprise_ids) | Q(pk__in=enterprises_represented_by(user=user))
        ).values_list("credit_code", flat=True)
    )
    if person_indexes:
        condition |= Q(holder_kind=HolderKind.PERSON, holder_index__in=person_indexes)
    if credit_codes:
        condition |= Q(
            holder_kind=HolderKind.ENTERPRISE,
            holder_index__in=[holder_index_of(code) for code in credit_codes],
        )
    return condition


def certificates_for_holder(*, user: Any) -> QuerySet[Certificate]:
    """The wallet (电子证照夹): the user's own certificates and those held for them."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return _with_relations(Certificate.objects.filter(_holder_filter(user)))


def certificate_get_for_holder(*, user: Any, certificate_id: uuid.UUID | str) -> Certificate:
    try:
        return certificates_for_holder(user=user).get(pk=certificate_id)
    except (Certificate.DoesNotExist, ValueError):
        raise NotFound() from None


def certificate_get_for_staff(*, user: Any, certificate_id: uuid.UUID | str) -> Certificate:
    """A certificate issued by a department where ``user`` holds an active position."""
    departments = staff_positions_of(user_id=user.pk).values_list("department_id", flat=True)
    try:
        return _with_relations(
            Certificate.objects.filter(issuer__department_id__in=list(departments))
        ).get(pk=certificate_id)
    except (Certificate.DoesNotExist, ValueError):
        raise NotFound() from None


def certificate_types() -> QuerySet[CertificateType]:
    return CertificateType.objects.select_related("issuing_department_type")


def certificates_satisfying(
    *, holder: Holder | None = None, user: Any | None = None, certificate_type_code: str
) -> list[Certificate]:
    """Valid certificates of a type that a holder (or a user's wallet) holds now: what the
    application forms offer instead of an upload."""
    if (holder is None) == (user is None):
        raise ValueError("give either holder or user")
    today = timezone.localdate()
    if holder is not None:
        queryset = Certificate.objects.filter(holder_kind=holder.kind, holder_index=holder.index())
    else:
        queryset = certificates_for_holder(user=user)
    return list(
        _with_relations(queryset)
        .filter(
            type__code=certificate_type_code,
            status=CertificateStatus.VALID,
            valid_from__lte=today,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def presentation_checks_for_holder(*, certificate: Certificate) -> QuerySet[PresentationCheck]:
    """Who verified the certificate's presentations and when (the caller checked the holder)."""
    return PresentationCheck.objects.filter(presentation__certificate=certificate).select_related(
        "presentation"
    )


def presentation_get_for_holder(
    *, user: Any, certificate: Certificate, presentation_id: uuid.UUID | str
) -> Presentation:
    try:
        return Presentation.objects.get(
            pk=presentation_id, certificate=certificate, created_by_id=user.pk
        )
    except (Presentation.DoesNotExist, ValueError):
        raise NotFound() from None


def issuer_keys_published() -> list[IssuerKey]:
    """Keys a verifier needs: every active key, and each retired key until everything it
    signed has expired."""
    today = timezone.localdate()
    still_needed = Certificate.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    ).values("issuer_key_id")
    return list(
        IssuerKey.objects.filter(Q(active=True) | Q(pk__in=still_needed))
        .select_related("issuer__department")
        .order_by("issuer__department__code", "-created_at")
    )
