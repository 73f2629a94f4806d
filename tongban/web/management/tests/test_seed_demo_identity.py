"""seed_demo gives staff working TOTP authenticators and creates one verified citizen."""

from io import StringIO

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import override_settings

from tongban.accounts.models import Enterprise, User
from tongban.web.management.demo_city import demo_totp_secret
from tongban.web.management.demo_identity import DEMO_CITIZEN_USERNAME

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_the_printed_totp_secrets_work_and_the_citizen_is_verified_once():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    staff = User.objects.get(username="scjg-clerk")
    [totp] = Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP)
    code = pyotp.TOTP(demo_totp_secret("scjg-clerk")).now()
    assert totp.wrap().validate_code(code)
    citizen = User.objects.get(username=DEMO_CITIZEN_USERNAME)
    assert citizen.real_name_level == 2
    assert Enterprise.objects.get(legal_representative=citizen)
