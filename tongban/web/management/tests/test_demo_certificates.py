"""The demo city signs: a key per department and one e-business licence, seeded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from tongban.certificates.models import Certificate, Issuer, IssuerKey
from tongban.organization.models import Department

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_seed_demo_gives_every_department_a_key_and_issues_one_licence_once():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert Issuer.objects.count() == Department.objects.filter(parent=None).count()
    assert IssuerKey.objects.filter(active=True).count() == Issuer.objects.count()
    licence = Certificate.objects.get()
    assert licence.type.code == "business_licence"
    assert licence.holder_kind == "enterprise"


@override_settings(DEMO_MODE=True)
def test_the_demo_citizen_holds_the_demo_licence_in_their_wallet():
    from tongban.accounts.models import Enterprise
    from tongban.certificates.selectors import certificates_for_holder

    call_command("seed_demo", stdout=StringIO())
    representative = Enterprise.objects.get().legal_representative

    assert [c.type.code for c in certificates_for_holder(user=representative)] == [
        "business_licence"
    ]
