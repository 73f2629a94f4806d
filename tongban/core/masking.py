"""Masking of personal data on screen, following common Chinese practice.

Pages show personal identifiers masked unless the person looking is the person they belong to
and has just asked to see them. Each function accepts any string and never raises: a value that
does not look like what it should be is masked whole.
"""

from __future__ import annotations

MASK = "*"


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    if len(value) <= keep_start + keep_end:
        return MASK * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + MASK * hidden + value[len(value) - keep_end :]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678 (the form used by banks and government apps)."""
    digits = "".join(value.split())
    if digits.startswith("+86"):
        digits = digits[3:]
    return _mask_middle(digits, 3, 4)


def mask_resident_id_number(value: str) -> str:
    """Keeps the first three and last four characters: 110***********123X."""
    return _mask_middle("".join(value.split()), 3, 4)


def mask_name(value: str) -> str:
    """张三 → 张*; 张三丰 → 张*丰; 欧阳娜娜 → 欧**娜. Counts characters, not bytes, so names
    with characters outside the Basic Multilingual Plane (𠇔) mask correctly."""
    name = value.strip()
    if len(name) <= 1:
        return MASK * len(name)
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def mask_email(value: str) -> str:
    """zhangsan@example.cn → z***@example.cn."""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain:
        return MASK * len(value)
    return local[0] + MASK * 3 + "@" + domain


def mask_bank_card(value: str) -> str:
    """Only the last four digits: **** 1234."""
    digits = "".join(value.split())
    if len(digits) <= 4:
        return MASK * len(digits)
    return MASK * 4 + " " + digits[-4:]
