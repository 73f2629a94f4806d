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
