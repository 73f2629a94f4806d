from __future__ import annotations

from io import StringIO

import pytest
from allauth.idp.oidc.models import Client
from django.core.management import call_command

from tongban.web.management.demo_sso import DEMO_CLIENT_ID, DEMO_CLIENT_REDIRECT_URI

pytestmark = pytest.mark.django_db


def test_seed_demo_registers_one_public_single_sign_on_client_once(settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())

    client = Client.objects.get()
    assert client.id == DEMO_CLIENT_ID
    assert client.type == Client.Type.PUBLIC
    assert client.get_redirect_uris() == [DEMO_CLIENT_REDIRECT_URI]
    assert not client.skip_consent
    assert DEMO_CLIENT_ID in out.getvalue()
