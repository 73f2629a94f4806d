"""Template filters for masked personal data: ``{{ phone|mask_phone }}``."""

from django import template

from tongban.core import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_resident_id_number", masking.mask_resident_id_number)
register.filter("mask_name", masking.mask_name)
register.filter("mask_email", masking.mask_email)
register.filter("mask_bank_card", masking.mask_bank_card)
