"""Login identifiers: a mainland mobile number or an e-mail address, normalised."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tongban.accounts.constants import IdentifierKind
from tongban.accounts.exceptions import IdentifierInvalid
from tongban.core.exceptions import FieldError
from tongban.core.masking import mask_email, mask_phone
from tongban.notifications.services import mobile_is_valid, mobile_normalize


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str

    def address(self) -> dict[str, str]:
        """Keyword arguments for ``address_message_send``."""
        return (
            {"mobile": self.value} if self.kind == IdentifierKind.MOBILE else {"email": self.value}
        )

    @property
    def masked(self) -> str:
        if self.kind == IdentifierKind.MOBILE:
            return mask_phone(self.value)
        return mask_email(self.value)


def identifier_parse(value: str) -> Identifier:
    """``13812345678``, ``+86 138 1234 5678`` or ``Zhang@Example.cn``, normalised.

    Raises ``IdentifierInvalid`` for anything else.
    """
    text = (value or "").strip()
    if "@" in text:
        email = text.rsplit("@", 1)
        normalized = f"{email[0]}@{email[1].lower()}"
        try:
            validate_email(normalized)
        except ValidationError:
            pass
        else:
            return Identifier(IdentifierKind.EMAIL, normalized)
    elif mobile_is_valid(text):
        return Identifier(IdentifierKind.MOBILE, mobile_normalize(text))
    raise IdentifierInvalid(
        errors={"identifier": [FieldError("identifier_invalid", IdentifierInvalid.default_message)]}
    )
