"""Real-name levels: L2 against the population registry, L3 in person at a counter."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils import timezone

from tongban.accounts.constants import (
    PURPOSE_IDENTITY_VERIFICATION,
    REAL_NAME_PER_USER,
    RealNameLevel,
)
from tongban.accounts.exceptions import (
    RealNameLevelTooLow,
    RealNameNotVerified,
    ResidentDeceased,
    ResidentIdNumberTaken,
)
from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, InvalidInput, PermissionDenied
from tongban.core.fields import blind_index_of
from tongban.core.identifiers import resident_id_number_validate
from tongban.core.ratelimit import ratelimit_hit
from tongban.organization.constants import StaffRole
from tongban.organization.selectors import staff_positions_of
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.services import Reader, ResidentByIdNumber, registry_read

NAME_MAX_LENGTH = 50


def _name_normalize(value: str) -> str:
    # NFC keeps characters outside the Basic Multilingual Plane (𠇔) as they are; NFKC would
    # not change them either, but would fold full-width letters people never meant.
    return unicodedata.normalize("NFC", "".join((value or "").split()))


def real_name_verify(
    *, user: User, real_name: str, id_number: str, ip_address: str | None = None
) -> User:
    """Raises the account to L2 when the population registry confirms the name and number.

    The registry read is logged (purpose "identity verification") and committed even when
    the answer is no, since asking about a number is itself a use of it. The account changes
    only in one transaction at the end, and only on a match. Attempts are rate limited per
    account with growing delays: the form must not become a way to test names against numbers.
    """
    name = _name_normalize(real_name)
    if not name or len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            errors={
                "real_name": [FieldError("real_name_invalid", RealNameNotVerified.default_message)]
            }
        )
    number = resident_id_number_validate(id_number)
    ratelimit_hit(rule=REAL_NAME_PER_USER, key=str(user.pk))
    if user.real_name_level >= RealNameLevel.L2 and user.resident_id_number == number:
        return user
    records = registry_read(
        source=RegistrySourceKey.POPULATION,
        query=ResidentByIdNumber(number),
        reader=Reader(id=user.pk, ip_address=ip_address),
        purpose=PURPOSE_IDENTITY_VERIFICATION,
    )
    if not records or _name_normalize(records[0].name) != name:
        raise RealNameNotVerified()
    if records[0].deceased_on is not None:
        raise ResidentDeceased()
    with transaction.atomic():
        index = blind_index_of(User, "resident_id_number", number)
        if User.objects.filter(resident_id_number_index=index).exclude(pk=user.pk).exists():
            raise ResidentIdNumberTaken()
        user.real_name = records[0].name
        user.resident_id_number = number
        user.real_name_level = max(user.real_name_level, RealNameLevel.L2)
        user.real_name_verified_at = timezone.now()
        user.save(
            update_fields=[
                "real_name",
                "resident_id_number",
                "resident_id_number_index",
                "real_name_level",
                "real_name_verified_at",
            ]
        )
        audit_event_record(
            kind=AuditEventKind.CHANGED,
            actor_id=user.pk,
            subject_id=user.pk,
            object_type="accounts.user",
            object_id=str(user.pk),
            fields=["real_name", "resident_id_number", "real_name_level"],
            summary={"real_name_level": int(RealNameLevel.L2)},
            ip_address=ip_address,
        )
    return user


@transaction.atomic
def real_name_verify_in_person(*, user: User, clerk: User, ip_address: str | None = None) -> User:
    """A window clerk saw the person's ID card at the counter: L2 becomes L3.

    Only staff holding an active clerk position may do this, and only for an account whose
    real name is already verified (the card is compared with what the registry confirmed).
    """
    if not any(
        position.role == StaffRole.CLERK for position in staff_positions_of(user_id=clerk.pk)
    ):
        raise PermissionDenied()
    if clerk.pk == user.pk:
        raise PermissionDenied()
    if user.real_name_level < RealNameLevel.L2:
        raise RealNameLevelTooLow()
    if user.real_name_level == RealNameLevel.L3:
        return user
    user.real_name_level = RealNameLevel.L3
    user.real_name_verified_at = timezone.now()
    user.save(update_fields=["real_name_level", "real_name_verified_at"])
    audit_event_record(
        kind=AuditEventKind.CHANGED,
        actor_id=clerk.pk,
        subject_id=user.pk,
        object_type="accounts.user",
        object_id=str(user.pk),
        fields=["real_name_level"],
        summary={"real_name_level": int(RealNameLevel.L3), "verified": "in_person"},
        ip_address=ip_address,
    )
    return user
