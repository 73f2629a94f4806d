"""Forms of the account pages. They parse and check shapes; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import SECOND_FACTOR_PER_USER
from tongban.core.ratelimit import ratelimit_hit


class LoginForm(AllauthLoginForm):
    """allauth's login form, labelled for a mobile number or an e-mail address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Mobile number or e-mail address")
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"


class MfaAuthenticateForm(AuthenticateForm):
    """The second step with TOTP or a recovery code, slowed down by growing delays."""

    def clean_code(self) -> str:
        ratelimit_hit(rule=SECOND_FACTOR_PER_USER, key=str(self.user.pk))
        return str(super().clean_code())


class SignupStartForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        help_text=_(
            "You sign in with it, and we send a code to prove it is yours. Nothing else is "
            "needed to open an account."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    region_code = forms.ChoiceField(
        label=_("My area (optional)"),
        required=False,
        help_text=_(
            "Only used to send you emergency alerts and news for your area. You can leave it "
            "empty or change it at any time."
        ),
    )

    def __init__(self, *args: Any, region_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", _("Not now")), *region_choices]  # type: ignore[attr-defined]


class SignupFinishForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6-digit code we sent you. It is valid for 10 minutes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class StepUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RealNameForm(forms.Form):
    real_name = forms.CharField(
        label=_("Full name"),
        max_length=50,
        help_text=_("As written on your resident identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=30,
        help_text=_(
            "18 characters. We check it once with the population registry (purpose: identity "
            'verification); the check is shown to you under "Who accessed my data".'
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, printed on the business licence."),
    )


def _default_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


class GrantForm(forms.Form):
    agent_real_name = forms.CharField(
        label=_("Their full name"),
        max_length=50,
        help_text=_("The person must have an account with a verified real name."),
    )
    agent_id_number = forms.CharField(label=_("Their resident ID number"), max_length=30)
    all_services = forms.TypedChoiceField(
        label=_("What may they do?"),
        choices=[("1", _("All services")), ("0", _("Only the services listed below"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    service_codes = forms.CharField(
        label=_("Services (codes, one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when you chose listed services."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        initial=_default_until,
        help_text=_("The authority ends at the end of this day, or earlier if you withdraw it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_service_codes(self) -> list[str]:
        text = self.cleaned_data.get("service_codes") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def valid_until_moment(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["valid_until"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class ActingForm(forms.Form):
    grant = forms.UUIDField(required=False)
    next = forms.CharField(required=False)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and what it holds about me will be deleted."),
    )
