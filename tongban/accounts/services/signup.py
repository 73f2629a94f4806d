"""Sign-up with the least data that works: one proven identifier and a password."""

from __future__ import annotations

import uuid

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.constants import SIGNUP_PER_ADDRESS, CodePurpose, IdentifierKind
from tongban.accounts.exceptions import AccountExists
from tongban.accounts.identifiers import Identifier
from tongban.accounts.models import User
from tongban.accounts.selectors import user_by_identifier
from tongban.accounts.services.codes import verification_code_check, verification_code_send
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.ratelimit import ratelimit_hit


def signup_code_send(*, identifier: Identifier, client_address: str) -> None:
    """Sends the sign-up code. Answers the same whether or not an account exists.

    Whoever holds the code may learn that the identifier already has an account (they
    proved it is theirs); nobody else learns anything from this step.
    """
    ratelimit_hit(rule=SIGNUP_PER_ADDRESS, key=client_address)
    verification_code_send(identifier=identifier, purpose=CodePurpose.SIGNUP)


def signup_password_check(*, password: str, identifier: Identifier) -> None:
    """Django's password validators, with the identifier as the thing not to resemble."""
    probe = User(
        username="new",
        email=identifier.value if identifier.kind == IdentifierKind.EMAIL else "",
    )
    try:
        validate_password(password, user=probe)
    except ValidationError as error:
        raise InvalidInput(
            errors={
                "password": [
                    FieldError(item.code or "password_invalid", message)
                    for item, message in zip(error.error_list, error.messages, strict=True)
                ]
            }
        ) from None


def signup_complete(
    *, identifier: Identifier, code: str, password: str, region_code: str = ""
) -> User:
    """Opens the account once the code proves the identifier belongs to the person.

    Validates the password before spending the code, so a weak password does not cost the
    person their code. An account a window clerk opened at a counter for this mobile number
    (proven there by a code, no password yet, never signed in) is not a second account: the
    code proves the number is the person's again, so the password is set on it. Raises
    ``CodeInvalid``, ``InvalidInput`` or ``AccountExists``; on any of them nothing is created.
    """
    signup_password_check(password=password, identifier=identifier)
    verification_code_check(identifier=identifier, purpose=CodePurpose.SIGNUP, code=code)
    with transaction.atomic():
        existing = user_by_identifier(identifier=identifier)
        if existing is not None and _opened_at_counter(existing):
            return _counter_account_claim(user=existing, password=password)
        if existing is not None:
            raise AccountExists()
        user = User(username=f"u{uuid.uuid4().hex[:16]}", region_code=region_code)
        if identifier.kind == IdentifierKind.MOBILE:
            user.mobile = identifier.value
            user.mobile_verified = True
        else:
            user.email = identifier.value
        user.set_password(password)
        user.save()
        if identifier.kind == IdentifierKind.EMAIL:
            EmailAddress.objects.create(
                user=user, email=identifier.value, verified=True, primary=True
            )
        audit_event_record(
            kind=AuditEventKind.CREATED,
            actor_id=user.pk,
            subject_id=user.pk,
            object_type="accounts.user",
            object_id=str(user.pk),
            summary={"identifier_kind": identifier.kind.value, "region_code": region_code},
        )
    return user


def _opened_at_counter(user: User) -> bool:
    """Opened by a clerk (``account_create_in_person``) and not yet taken over by its owner.

    Only with the mobile number proven at the counter (the person read out a code sent to
    it): an account whose number nobody proved could belong to someone else than the holder
    of the number, so it is never handed over by a sign-up code alone.
    """
    return (
        not user.has_usable_password()
        and user.last_login is None
        and user.mobile_verified
        and user.is_active
    )


def _counter_account_claim(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(
        kind=AuditEventKind.CHANGED,
        actor_id=user.pk,
        subject_id=user.pk,
        object_type="accounts.user",
        object_id=str(user.pk),
        fields=["password"],
        summary={"claimed": "counter_account"},
    )
    return user
