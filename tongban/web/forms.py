"""Forms of the portal shell, and the example form the design-system page renders."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ElderlyModeForm(forms.Form):
    on = forms.BooleanField(required=False)
    next = forms.CharField(required=False)


class RegionForm(forms.Form):
    region = forms.CharField(max_length=12)
    next = forms.CharField(required=False)


class ExampleApplicantForm(forms.Form):
    """Only for the design-system page: shows every state a form field can be in."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        help_text=_("As written on your resident identity card."),
    )
    mobile = forms.RegexField(
        label=_("Mobile number"),
        regex=r"^1\d{10}$",
        help_text=_("We send the result of your application to this number."),
        error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")},
    )
    delivery = forms.ChoiceField(
        label=_("How do you want to receive the certificate?"),
        choices=[
            ("electronic", _("Electronic certificate only")),
            ("mail", _("By post (free of charge)")),
            ("pickup", _("Pick up at the service hall")),
        ],
        widget=forms.RadioSelect,
        help_text=_("You can change this until the decision is made."),
    )
