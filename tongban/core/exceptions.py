"""The one domain error type, and the one JSON shape every error takes.

Services raise subclasses of ``DomainError``; the API renders them as::

    {"code": "not_found", "message": "…", "errors": {"field": [{"code": "…", "message": "…"}]}}

and pages render the translated ``message``. ``code`` is stable: clients may branch on it;
``message`` is for people and follows the request's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypedDict

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class FieldErrorPayload(TypedDict):
    code: str
    message: str


class ErrorPayload(TypedDict):
    code: str
    message: str
    errors: dict[str, list[FieldErrorPayload]]


class FieldError:
    """One problem with one input field."""

    def __init__(self, code: str, message: str | Promise) -> None:
        self.code = code
        self.message = message

    def payload(self) -> FieldErrorPayload:
        return {"code": self.code, "message": str(self.message)}

    def __repr__(self) -> str:
        return f"FieldError({self.code!r})"


class DomainError(Exception):
    code: ClassVar[str] = "error"
    default_message: ClassVar[str | Promise] = _("The request could not be completed.")
    status: ClassVar[int] = 400

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        errors: Mapping[str, Sequence[FieldError]] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.errors = {field: list(items) for field, items in (errors or {}).items()}
        self.params = dict(params or {})
        super().__init__(self.code)

    def __str__(self) -> str:
        return self.translated_message()

    def translated_message(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def headers(self) -> dict[str, str]:
        """HTTP headers the response carries (e.g. ``Retry-After``); none by default."""
        return {}

    def payload(self) -> ErrorPayload:
        return {
            "code": self.code,
            "message": self.translated_message(),
            "errors": {
                field: [error.payload() for error in items] for field, items in self.errors.items()
            },
        }


class InvalidInput(DomainError):
    code = "invalid_input"
    default_message = _("Some of the information given is not valid. Please correct it.")
    status = 400


class NotFound(DomainError):
    """Also the answer for objects that exist but belong to someone else (DESIGN.md §8)."""

    code = "not_found"
    default_message = _("We could not find what you asked for.")
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")
    status = 403


class Conflict(DomainError):
    code = "conflict"
    default_message = _("This cannot be done in the current state. Reload and try again.")
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    default_message = _("Too many attempts. Please wait a moment and try again.")
    status = 429


class InvalidResidentIdNumber(InvalidInput):
    code = "invalid_resident_id_number"
    default_message = _("This is not a valid resident ID number.")


class InvalidCreditCode(InvalidInput):
    code = "invalid_credit_code"
    default_message = _("This is not a valid unified social credit code.")


class NoJurisdiction(NotFound):
    code = "no_jurisdiction"
    default_message = _("No department handles this in the chosen region.")
