"""The wallet and prefill follow "acting for": enterprises I represent or am an agent of, and
people who authorised me (accounts' ``parties_for_user``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.accounts.models import AgentGrant, Enterprise
from tongban.certificates.selectors import certificates_for_holder
from tongban.certificates.tests.conftest import LICENCE_DATA, issue_licence
from tongban.core.prefill import PrefillSubject, prefill_sources


@pytest.fixture
def enterprise(other_citizen) -> Enterprise:
    return Enterprise.objects.create(
        credit_code=LICENCE_DATA["credit_code"],
        name=LICENCE_DATA["name"],
        legal_representative=other_citizen,
        verified_at=timezone.now(),
    )


@pytest.fixture
def enterprise_licence(market_issuer, enterprise):
    return issue_licence(market_issuer, None)


def test_the_legal_representative_sees_the_enterprise_certificates(
    enterprise_licence, other_citizen, citizen
):
    assert list(certificates_for_holder(user=other_citizen)) == [enterprise_licence]
    assert list(certificates_for_holder(user=citizen)) == []


def test_an_agent_sees_them_while_the_grant_lasts(enterprise_licence, enterprise, enterprise_agent):
    grant = AgentGrant.objects.create(
        kind="enterprise_agent",
        principal_enterprise=enterprise,
        agent=enterprise_agent,
        all_services=True,
        valid_until=timezone.now() + dt.timedelta(days=30),
    )
    assert list(certificates_for_holder(user=enterprise_agent)) == [enterprise_licence]

    grant.revoked_at = timezone.now()
    grant.save()

    assert list(certificates_for_holder(user=enterprise_agent)) == []


def test_the_agent_of_another_party_gets_not_found(client, enterprise_licence, enterprise_agent):
    client.force_login(enterprise_agent)

    assert client.get(f"/certificates/{enterprise_licence.pk}/").status_code == 404


def test_an_enterprise_subject_is_prefilled_from_its_licence(enterprise_licence, enterprise):
    subject = PrefillSubject(
        person_id=None, enterprise_id=enterprise.pk, actor_id=enterprise.pk, purpose="test"
    )

    values = prefill_sources["certificates"].values(
        subject=subject, keys=["business_licence.established_on"]
    )

    assert values["business_licence.established_on"].value == "2025-03-14"
