"""One-time codes that prove a mobile number or an e-mail address."""

from __future__ import annotations

import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from tongban.accounts.constants import (
    CODE_CHECK_PER_IDENTIFIER,
    CODE_LENGTH,
    CODE_LIFETIME,
    CODE_MAX_ATTEMPTS,
    CODE_SEND_PER_IDENTIFIER,
    VERIFICATION_CODE_EVENT,
    CodePurpose,
)
from tongban.accounts.exceptions import CodeInvalid
from tongban.accounts.identifiers import Identifier
from tongban.accounts.models import OneTimeCode
from tongban.core.encryption import keyring
from tongban.core.ratelimit import ratelimit_hit
from tongban.notifications.services import address_message_send


def _identifier_index(identifier: Identifier) -> str:
    return keyring().blind_index(identifier.value, context="accounts.onetimecode.identifier")


def _code_hash(code: str) -> str:
    return keyring().blind_index(code, context="accounts.onetimecode.code")


def verification_code_send(*, identifier: Identifier, purpose: CodePurpose) -> None:
    """Sends a fresh code to the address; earlier unused codes for it stop working.

    Rate limited per address with growing delays, so nobody can flood a phone with texts.
    The send happens after the code is stored: a code that was not stored is never sent.
    """
    ratelimit_hit(rule=CODE_SEND_PER_IDENTIFIER, key=f"{purpose}:{identifier.value}")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    index = _identifier_index(identifier)
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(purpose=purpose, identifier_index=index, used_at=None).update(
            used_at=now
        )
        OneTimeCode.objects.create(
            purpose=purpose,
            identifier_index=index,
            code_hash=_code_hash(code),
            expires_at=now + CODE_LIFETIME,
        )
    minutes = str(int(CODE_LIFETIME.total_seconds() // 60))
    address_message_send(
        event=VERIFICATION_CODE_EVENT,
        context={"code": code, "minutes": minutes},
        **identifier.address(),
    )


def verification_code_check(*, identifier: Identifier, purpose: CodePurpose, code: str) -> None:
    """Spends the code if it is right; raises ``CodeInvalid`` otherwise.

    Every check counts against the address's rate limit (growing delays against guessing);
    a code allows ``CODE_MAX_ATTEMPTS`` wrong guesses and is then spent. The wrong-guess
    counter is committed even though the check fails, so it cannot be rolled back.
    """
    ratelimit_hit(rule=CODE_CHECK_PER_IDENTIFIER, key=f"{purpose}:{identifier.value}")
    candidate = "".join((code or "").split())
    now = timezone.now()
    with transaction.atomic():
        stored = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, identifier_index=_identifier_index(identifier), used_at=None)
            .order_by("-created_at")
            .first()
        )
        if stored is None or stored.expires_at <= now:
            raise CodeInvalid()
        if not hmac.compare_digest(stored.code_hash, _code_hash(candidate)):
            stored.attempts += 1
            if stored.attempts >= CODE_MAX_ATTEMPTS:
                stored.used_at = now
            stored.save(update_fields=["attempts", "used_at"])
            wrong = True
        else:
            stored.used_at = now
            stored.save(update_fields=["used_at"])
            wrong = False
    if wrong:
        raise CodeInvalid()
