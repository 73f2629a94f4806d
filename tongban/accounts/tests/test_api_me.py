"""GET /api/v1/me: the profile, level, parties and acting-as, with identifiers masked."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_me_needs_a_session(client: Client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_answers_with_masked_identifiers_and_the_parties(client: Client, enterprise_agent):
    client.force_login(enterprise_agent)

    body = client.get("/api/v1/me").json()

    assert body["real_name"] == "王*"
    assert enterprise_agent.resident_id_number not in str(body)
    assert body["real_name_level"] == 2
    assert [party["kind"] for party in body["parties"]] == ["self", "enterprise"]
    assert body["acting_as"]["kind"] == "self"


def test_me_costs_a_handful_of_queries(
    client: Client, enterprise_agent, django_assert_max_num_queries
):
    client.force_login(enterprise_agent)

    with django_assert_max_num_queries(5):
        client.get("/api/v1/me")
