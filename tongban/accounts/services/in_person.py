"""Accounts opened at a service-hall counter for people who never registered online.

A walk-in citizen must be served even without an account (线上线下融合): the window clerk has
the person's resident ID card in front of them, checks the name and number against the
population registry, and opens the account at L3 (the card was checked in person). The
account has no usable password; a text to the mobile number tells the person how to set one
(sign up with that number: the code proves the number is theirs again) and follow their case
online.

The mobile number is proven before the account is opened: a number mistyped by the clerk would
otherwise let whoever holds it take over an L3 account of someone else. The clerk sends a code
to the number (``account_code_send_in_person``), the person reads it out from their phone, and
``account_create_in_person`` spends it before anything is written.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.constants import (
    COUNTER_ACCOUNT_EVENT,
    PURPOSE_IDENTITY_VERIFICATION,
    CodePurpose,
    IdentifierKind,
    RealNameLevel,
)
from tongban.accounts.exceptions import (
    CodeInvalid,
    CodeRequired,
    IdentifierInvalid,
    MobileInvalid,
    MobileTaken,
    RealNameNotVerified,
    ResidentDeceased,
    ResidentIdNumberTaken,
)
from tongban.accounts.identifiers import Identifier, identifier_parse
from tongban.accounts.models import User
from tongban.accounts.selectors import user_by_identifier
from tongban.accounts.services.codes import verification_code_check, verification_code_send
from tongban.accounts.services.real_name import NAME_MAX_LENGTH, _name_normalize
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, InvalidInput, PermissionDenied
from tongban.core.fields import blind_index_of
from tongban.core.identifiers import resident_id_number_validate
from tongban.notifications.exceptions import MessageNotSent
from tongban.notifications.services import address_message_send
from tongban.organization.constants import StaffRole
from tongban.organization.selectors import staff_positions_of
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.services import Reader, ResidentByIdNumber, registry_read

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountInPerson:
    """The account the counter serves: ``created`` when opened just now, and whether the text
    telling the person how to set a password went out (``message_sent``)."""

    user: User
    created: bool
    message_sent: bool


def _mobile_parse(mobile: str) -> Identifier:
    try:
        identifier = identifier_parse(mobile)
    except IdentifierInvalid:
        identifier = None
    if identifier is None or identifier.kind != IdentifierKind.MOBILE:
        raise MobileInvalid(
            errors={"mobile": [FieldError(MobileInvalid.code, MobileInvalid.default_message)]}
        )
    return identifier


def _mobile_taken() -> MobileTaken:
    return MobileTaken(
        errors={"mobile": [FieldError(MobileTaken.code, MobileTaken.default_message)]}
    )


def _name_clean(real_name: str) -> str:
    name = _name_normalize(real_name)
    if not name or len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            errors={
                "real_name": [FieldError("real_name_invalid", RealNameNotVerified.default_message)]
            }
        )
    return name


def _clerk_check(clerk: User) -> None:
    if not any(
        position.role == StaffRole.CLERK for position in staff_positions_of(user_id=clerk.pk)
    ):
        raise PermissionDenied()


def account_code_send_in_person(*, clerk: User, mobile: str) -> None:
    """Sends a code to the mobile number the clerk typed, for the person to read out.

    Refuses a number another account already uses before any text goes out (the account
    could not be opened on it anyway). Rate limited per number as every code is
    (``verification_code_send``): a few resends for a text that did not arrive pass at once,
    more wait a growing delay. Raises ``PermissionDenied`` (not a clerk), ``MobileInvalid``,
    ``MobileTaken``, ``TooManyAttempts`` or ``MessageNotSent``.
    """
    _clerk_check(clerk)
    identifier = _mobile_parse(mobile)
    if user_by_identifier(identifier=identifier) is not None:
        raise _mobile_taken()
    verification_code_send(identifier=identifier, purpose=CodePurpose.COUNTER_ACCOUNT)


def _code_spend(identifier: Identifier, code: str) -> None:
    if not "".join((code or "").split()):
        raise CodeRequired(
            errors={"code": [FieldError(CodeRequired.code, CodeRequired.default_message)]}
        )
    try:
        verification_code_check(
            identifier=identifier, purpose=CodePurpose.COUNTER_ACCOUNT, code=code
        )
    except CodeInvalid:
        raise CodeInvalid(
            errors={"code": [FieldError(CodeInvalid.code, CodeInvalid.default_message)]}
        ) from None


def account_create_in_person(
    *,
    clerk: User,
    real_name: str,
    id_number: str,
    mobile: str,
    code: str,
    ip_address: str | None = None,
) -> AccountInPerson:
    """Opens an L3 account for the person whose ID card the clerk checked at the counter.

    When an active account already holds the ID number, that account is returned and nothing
    is created (one person, one account; the mobile number is not used, so no code is
    needed). Otherwise the registry must confirm the name and number of a living person, the
    mobile number must be free, and ``code`` must be the one sent to it by
    ``account_code_send_in_person``: the number is then proven to be the person's and is
    stored as verified. The code is checked last, so a typo in the name does not cost it.
    Raises ``PermissionDenied`` (not a clerk), ``InvalidInput`` (name or mobile malformed),
    ``InvalidResidentIdNumber``, ``RealNameNotVerified``, ``ResidentDeceased``,
    ``MobileTaken``, ``ResidentIdNumberTaken``, ``CodeRequired`` or ``CodeInvalid`` (field
    ``code``); nothing is written to the account then. The registry read is logged and
    committed even when the answer is no, as in ``real_name_verify``.
    """
    _clerk_check(clerk)
    name = _name_clean(real_name)
    number = resident_id_number_validate(id_number)
    identifier = _mobile_parse(mobile)
    index = blind_index_of(User, "resident_id_number", number)
    existing = User.objects.filter(resident_id_number_index=index, deleted_at=None).first()
    if existing is not None:
        if not existing.is_active:
            raise ResidentIdNumberTaken()
        return AccountInPerson(user=existing, created=False, message_sent=False)
    if user_by_identifier(identifier=identifier) is not None:
        raise _mobile_taken()
    records = registry_read(
        source=RegistrySourceKey.POPULATION,
        query=ResidentByIdNumber(number),
        reader=Reader(id=clerk.pk, ip_address=ip_address),
        purpose=PURPOSE_IDENTITY_VERIFICATION,
    )
    if not records or _name_normalize(records[0].name) != name:
        raise RealNameNotVerified()
    if records[0].deceased_on is not None:
        raise ResidentDeceased()
    # Its own transaction: a wrong guess stays counted although nothing else is written.
    _code_spend(identifier, code)
    with transaction.atomic():
        # Checked again inside the transaction: two windows may serve the same family at once.
        if User.objects.filter(resident_id_number_index=index).exists():
            raise ResidentIdNumberTaken()
        if user_by_identifier(identifier=identifier) is not None:
            raise _mobile_taken()
        user = User(
            username=f"u{uuid.uuid4().hex[:16]}",
            mobile=identifier.value,
            # The person read out the code sent to the number: it is theirs.
            mobile_verified=True,
            real_name=records[0].name,
            resident_id_number=number,
            real_name_level=RealNameLevel.L3,
            real_name_verified_at=timezone.now(),
        )
        user.set_unusable_password()
        user.save()
        audit_event_record(
            kind=AuditEventKind.CREATED,
            actor_id=clerk.pk,
            subject_id=user.pk,
            object_type="accounts.user",
            object_id=str(user.pk),
            summary={
                "identifier_kind": identifier.kind.value,
                "real_name_level": int(RealNameLevel.L3),
                "verified": "in_person",
                "mobile_verified": "counter_code",
            },
            ip_address=ip_address,
        )
    # After the commit: no text for an account that was never written. A refused text does
    # not undo the account; the clerk is told and explains the steps in person.
    try:
        address_message_send(
            event=COUNTER_ACCOUNT_EVENT,
            context={"link": settings.SITE_URL.rstrip("/") + reverse("accounts:signup")},
            mobile=identifier.value,
        )
    except MessageNotSent:
        logger.warning("Counter account text not sent", extra={"user_id": str(user.pk)})
        return AccountInPerson(user=user, created=True, message_sent=False)
    return AccountInPerson(user=user, created=True, message_sent=True)
