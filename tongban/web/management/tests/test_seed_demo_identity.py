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


@override_settings(DEMO_MODE=True)
def test_the_demo_has_one_retiree_confirmed_silently_and_one_left_for_face_or_visit(
    django_capture_on_commit_callbacks,
):
    from tongban.cases.constants import CaseStatus
    from tongban.cases.models import Case
    from tongban.registries.models import DemoInsuranceActivity, DemoPensionAward
    from tongban.web.management.demo_identity import (
        DEMO_RETIREE_ACTIVE_USERNAME,
        DEMO_RETIREE_QUIET_USERNAME,
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    counts = (
        DemoPensionAward.objects.count(),
        DemoInsuranceActivity.objects.count(),
        Case.objects.filter(service_item__code="HC-RS-002").count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    assert counts[0] > 0
    assert counts[1] > 0
    assert (
        DemoPensionAward.objects.count(),
        DemoInsuranceActivity.objects.count(),
        Case.objects.filter(service_item__code="HC-RS-002").count(),
    ) == counts
    active = User.objects.get(username=DEMO_RETIREE_ACTIVE_USERNAME)
    quiet = User.objects.get(username=DEMO_RETIREE_QUIET_USERNAME)
    assert active.real_name_level == quiet.real_name_level == 2
    [confirmed] = Case.objects.filter(applicant_person=active, service_item__code="HC-RS-002")
    assert confirmed.status == CaseStatus.APPROVED
    assert confirmed.decided_automatically is True
    [waiting] = Case.objects.filter(applicant_person=quiet, service_item__code="HC-RS-002")
    assert waiting.status == CaseStatus.SUBMITTED
    assert waiting.rules_outcome["passed"] is False
