from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

from tongban.core.exceptions import InvalidCreditCode, InvalidResidentIdNumber
from tongban.core.identifiers import (
    credit_code_validate,
    resident_id_number_birth_date,
    resident_id_number_validate,
    validate_credit_code,
    validate_resident_id_number,
)


def make_resident_id(body17: str) -> str:
    # stdnum's calc_check_digit expects the number with a check-digit placeholder.
    return body17 + ric.calc_check_digit(body17 + "0")


# Invented numbers with valid checksums: region 110105, birth dates of fictional people.
VALID_ID = make_resident_id("11010519491231002")
VALID_ID_X = next(
    number
    for sequence in range(100, 999)
    if (number := make_resident_id(f"44030419900307{sequence:03d}")).endswith("X")
)


def test_it_accepts_a_valid_number():
    assert resident_id_number_validate(VALID_ID) == VALID_ID


def test_it_accepts_a_lower_case_x_and_stores_it_upper_case():
    assert resident_id_number_validate(VALID_ID_X.lower()) == VALID_ID_X


def test_it_ignores_spaces_people_type():
    spaced = f"{VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}"
    assert resident_id_number_validate(spaced) == VALID_ID


def test_it_accepts_full_width_digits_from_chinese_input_methods():
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in VALID_ID)
    assert resident_id_number_validate(full_width) == VALID_ID


def test_it_reads_the_birth_date():
    assert resident_id_number_birth_date(VALID_ID) == dt.date(1949, 12, 31)


def _reason(value: str, **kwargs: dt.date) -> str:
    with pytest.raises(InvalidResidentIdNumber) as caught:
        resident_id_number_validate(value, **kwargs)
    return caught.value.errors["id_number"][0].code


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "id_number_length"),
        ("110105491231002", "id_number_length"),  # an old 15-digit number
        (VALID_ID + "1", "id_number_length"),
        ("11010519491231002A", "format"),
        ("11010519491231002Y", "format"),
        ("X10105194912310021", "format"),
        (VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2"), "checksum"),
        (make_resident_id("11010519490231002"), "birth_date"),  # 31 February
        (make_resident_id("11010518800101002"), "birth_date"),  # before 1890
        (make_resident_id("99999919800101002"), "region"),
    ],
)
def test_it_rejects_a_bad_number_with_the_reason(value, reason):
    assert _reason(value).endswith(reason)


def test_it_rejects_a_birth_date_in_the_future():
    future = make_resident_id("11010520300101002")
    assert _reason(future, today=dt.date(2026, 11, 22)) == "id_number_birth_date_future"


def test_the_django_validator_raises_a_translated_validation_error():
    validate_resident_id_number(VALID_ID)
    with pytest.raises(ValidationError) as caught:
        validate_resident_id_number(VALID_ID[:-1] + "0" if VALID_ID[-1] != "0" else "1")
    assert caught.value.code == "id_number_checksum"


# --- unified social credit codes ---------------------------------------------------------

VALID_CREDIT_CODE = "91110000" + "MA0" + "1A2B3C"
VALID_CREDIT_CODE += uscc.calc_check_digit(VALID_CREDIT_CODE + "0")


def test_it_accepts_a_valid_credit_code():
    assert credit_code_validate(VALID_CREDIT_CODE.lower()) == VALID_CREDIT_CODE


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "credit_code_length"),
        ("91110000MA01A2B3C", "credit_code_length"),
        ("9111000OMA01A2B3CX", "credit_code_format"),  # a letter O among the first eight digits
        ("91110000MA01A2B3CI", "credit_code_format"),  # I is not in the alphabet
        (
            VALID_CREDIT_CODE[:-1] + ("0" if VALID_CREDIT_CODE[-1] != "0" else "1"),
            "credit_code_checksum",
        ),
    ],
)
def test_it_rejects_a_bad_credit_code_with_the_reason(value, reason):
    with pytest.raises(InvalidCreditCode) as caught:
        credit_code_validate(value)
    assert caught.value.errors["credit_code"][0].code == reason
    assert caught.value.code == "invalid_credit_code"


def test_the_credit_code_validator_raises_a_validation_error():
    validate_credit_code(VALID_CREDIT_CODE)
    with pytest.raises(ValidationError):
        validate_credit_code("123")
