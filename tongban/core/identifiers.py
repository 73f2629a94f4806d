"""Validation of resident ID numbers (居民身份证号码) and unified social credit codes
(统一社会信用代码).

Checksums and region codes come from python-stdnum (``cn.ric`` after GB 11643-1999, ``cn.uscc``
after GB 32100-2015), not from hand-written arithmetic.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from tongban.core.exceptions import FieldError, InvalidCreditCode, InvalidResidentIdNumber

# The oldest birth year we accept: older numbers are typing errors, not people.
EARLIEST_BIRTH_YEAR = 1890

_RESIDENT_ID_REASONS = {
    "length": _("A resident ID number has 18 characters."),
    "format": _("A resident ID number has 17 digits followed by a digit or X."),
    "checksum": _("The last character does not match: please check the number for typing errors."),
    "birth_date": _("The birth date in this number is not a real date."),
    "birth_date_future": _("The birth date in this number is in the future."),
    "region": _("The first six digits are not a known region code."),
}

_CREDIT_CODE_REASONS = {
    "length": _("A unified social credit code has 18 characters."),
    "format": _(
        "A unified social credit code has digits and capital letters other than I, O, S, V, Z."
    ),
    "checksum": _("The last character does not match: please check the code for typing errors."),
}


def _normalize(value: str) -> str:
    # People type on Chinese input methods: full-width digits and stray spaces are common.
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def _resident_id_error(reason: str) -> InvalidResidentIdNumber:
    return InvalidResidentIdNumber(
        errors={"id_number": [FieldError(f"id_number_{reason}", _RESIDENT_ID_REASONS[reason])]}
    )


def resident_id_number_validate(value: str, *, today: dt.date | None = None) -> str:
    """Returns the number in its stored form (no spaces, capital X) or raises with the reason."""
    number = _normalize(value)
    if len(number) != 18:
        raise _resident_id_error("length")
    if not (number[:17].isdigit() and number[:17].isascii()) or not (
        number[17].isdigit() or number[17] == "X"
    ):
        raise _resident_id_error("format")
    if number[17] != ric.calc_check_digit(number):
        raise _resident_id_error("checksum")
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise _resident_id_error("birth_date") from None
    today = today or timezone.localdate()
    if birth_date > today:
        raise _resident_id_error("birth_date_future")
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise _resident_id_error("birth_date")
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        raise _resident_id_error("region") from None
    return number


def resident_id_number_birth_date(value: str) -> dt.date:
    return ric.get_birth_date(resident_id_number_validate(value))


def credit_code_validate(value: str) -> str:
    """Returns the code in its stored form (no spaces, capitals) or raises with the reason."""
    code = _normalize(value)
    try:
        return str(uscc.validate(code))
    except stdnum_errors.InvalidLength:
        reason = "length"
    except stdnum_errors.InvalidFormat:
        reason = "format"
    except stdnum_errors.InvalidChecksum:
        reason = "checksum"
    except stdnum_errors.ValidationError:
        reason = "format"
    raise InvalidCreditCode(
        errors={"credit_code": [FieldError(f"credit_code_{reason}", _CREDIT_CODE_REASONS[reason])]}
    )


def validate_resident_id_number(value: str) -> None:
    """Django validator for model and form fields."""
    try:
        resident_id_number_validate(value)
    except InvalidResidentIdNumber as error:
        field_error = error.errors["id_number"][0]
        raise ValidationError(str(field_error.message), code=field_error.code) from None


def validate_credit_code(value: str) -> None:
    """Django validator for model and form fields."""
    try:
        credit_code_validate(value)
    except InvalidCreditCode as error:
        field_error = error.errors["credit_code"][0]
        raise ValidationError(str(field_error.message), code=field_error.code) from None
