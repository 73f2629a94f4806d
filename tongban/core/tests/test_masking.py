import pytest
from django.template import Context, Template

from tongban.core.masking import (
    mask_bank_card,
    mask_email,
    mask_name,
    mask_phone,
    mask_resident_id_number,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_it_masks_a_mobile_number_the_usual_way(value, masked):
    assert mask_phone(value) == masked


def test_it_keeps_the_first_three_and_last_four_characters_of_an_id_number():
    assert mask_resident_id_number("11010519491231002X") == "110***********002X"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳娜娜", "欧**娜"),
        ("𠇔", "*"),
        ("李𠇔", "李*"),
        ("", ""),
    ],
)
def test_it_masks_names_by_character(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("zhangsan@example.cn", "z***@example.cn"), ("not-an-email", "************"), ("@x", "**")],
)
def test_it_masks_e_mail_addresses(value, masked):
    assert mask_email(value) == masked


def test_it_shows_only_the_last_four_digits_of_a_bank_card():
    assert mask_bank_card("6222 0212 3456 7890") == "**** 7890"
    assert mask_bank_card("123") == "***"


def test_templates_mask_through_filters():
    template = Template("{% load masking %}{{ phone|mask_phone }} {{ name|mask_name }}")
    assert template.render(Context({"phone": "13812345678", "name": "王小明"})) == (
        "138****5678 王*明"
    )
