"""Enterprises and their agents, family members acting for a person, and acting-as."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tongban.accounts.constants import GrantKind, PartyKind, RealNameLevel
from tongban.accounts.exceptions import (
    GrantExpired,
    GrantInvalid,
    GrantNotFound,
    GrantOutOfScope,
    GrantRevoked,
    NotLegalRepresentative,
)
from tongban.accounts.factories import AgentGrantFactory, UserFactory
from tongban.accounts.models import AgentGrant, Enterprise
from tongban.accounts.selectors import grant_check, parties_for_user
from tongban.accounts.services import (
    enterprise_agent_grant,
    enterprise_register,
    family_member_grant,
    grant_revoke,
)
from tongban.audit.models import AuditEvent
from tongban.core.exceptions import NotFound
from tongban.registries.factories import DemoEnterpriseFactory, DemoResidentFactory

pytestmark = pytest.mark.django_db
NEXT_YEAR = timezone.now() + dt.timedelta(days=365)


def verified_user(username: str, resident=None, **fields):
    resident = resident or DemoResidentFactory.create()
    return UserFactory.create(
        username=username,
        real_name=resident.name,
        resident_id_number=resident.id_number,
        real_name_level=RealNameLevel.L2,
        **fields,
    )


@pytest.fixture
def registry_enterprise():
    return DemoEnterpriseFactory.create()


@pytest.fixture
def representative(registry_enterprise):
    return verified_user("representative", registry_enterprise.legal_representative)


@pytest.fixture
def agent():
    return verified_user("agent")


def test_the_legal_representative_brings_the_enterprise_from_the_registry(
    representative, registry_enterprise
):
    enterprise = enterprise_register(
        user=representative, credit_code=registry_enterprise.credit_code
    )

    assert (enterprise.name, enterprise.legal_representative) == (
        registry_enterprise.name,
        representative,
    )


def test_someone_else_cannot_claim_the_enterprise(agent, registry_enterprise):
    with pytest.raises(NotLegalRepresentative):
        enterprise_register(user=agent, credit_code=registry_enterprise.credit_code)

    assert Enterprise.objects.count() == 0


def test_the_representative_grants_an_agent_who_then_acts_for_the_enterprise(
    client: Client, representative, registry_enterprise, agent
):
    enterprise = enterprise_register(
        user=representative, credit_code=registry_enterprise.credit_code
    )
    grant = enterprise_agent_grant(
        enterprise=enterprise,
        representative=representative,
        agent_real_name=agent.real_name,
        agent_id_number=agent.resident_id_number,
        all_services=False,
        service_codes=["sole-proprietor-registration"],
        valid_until=NEXT_YEAR,
    )
    client.force_login(agent)

    client.post("/accounts/acting-for/", {"grant": str(grant.pk)})

    me = client.get("/api/v1/me").json()
    assert me["acting_as"] == {
        "kind": "enterprise",
        "id": str(enterprise.pk),
        "name": enterprise.name,
        "grant_id": str(grant.pk),
    }
    switch = AuditEvent.objects.get(object_type="accounts.acting_party")
    assert (switch.actor_id, switch.on_behalf_of_id, switch.on_behalf_of_kind) == (
        agent.pk,
        enterprise.pk,
        "enterprise",
    )


def test_an_agent_outside_the_scope_is_refused(enterprise_agent):
    grant = enterprise_agent.grants_held.get()
    grant.all_services = False
    grant.service_codes = ["pension"]
    grant.save()

    with pytest.raises(GrantOutOfScope):
        grant_check(grant=grant, agent=enterprise_agent, service_code="business-licence")
    assert grant_check(grant=grant, agent=enterprise_agent, service_code="pension")


def test_an_expired_agent_cannot_act_and_nothing_changes(client: Client, enterprise_agent):
    grant = enterprise_agent.grants_held.get()
    client.force_login(enterprise_agent)
    client.post("/accounts/acting-for/", {"grant": str(grant.pk)})
    AgentGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.now() - dt.timedelta(1))
    before = AuditEvent.objects.count()

    response = client.post(
        "/accounts/acting-for/", {"grant": str(grant.pk)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 403
    assert "has expired" in response.content.decode()
    assert AuditEvent.objects.count() == before
    with pytest.raises(GrantExpired):
        grant_check(grant=AgentGrant.objects.get(pk=grant.pk), agent=enterprise_agent)


def test_a_revoked_agent_cannot_act(enterprise_agent):
    grant = enterprise_agent.grants_held.get()
    representative = grant.principal_enterprise.legal_representative

    grant_revoke(grant=grant, actor=representative)

    with pytest.raises(GrantRevoked):
        grant_check(grant=grant, agent=enterprise_agent)
    assert [party.kind for party in parties_for_user(user=enterprise_agent)] == [PartyKind.SELF]


def test_a_stranger_cannot_revoke_or_use_someone_elses_grant(enterprise_agent, other_citizen):
    grant = enterprise_agent.grants_held.get()

    with pytest.raises(NotFound):
        grant_revoke(grant=grant, actor=other_citizen)
    with pytest.raises(GrantNotFound):
        grant_check(grant=grant, agent=other_citizen)
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_a_parent_authorises_a_child_who_acts_for_them(client: Client, agent):
    parent = verified_user("parent", DemoResidentFactory.create(name="林𠇔"))
    grant = family_member_grant(
        principal=parent,
        agent_real_name=agent.real_name,
        agent_id_number=agent.resident_id_number,
        all_services=True,
        valid_until=NEXT_YEAR,
    )
    client.force_login(agent)

    client.post("/accounts/acting-for/", {"grant": str(grant.pk)})

    assert grant.kind == GrantKind.FAMILY_MEMBER
    html = client.get("/accounts/me/").content.decode()
    assert "林𠇔" in html
    assert client.get("/api/v1/me").json()["acting_as"]["kind"] == "person"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"agent_real_name": "不是他"}, "agent_not_found"),
        ({"all_services": False, "service_codes": []}, "scope_empty"),
        ({"valid_until": timezone.now() - dt.timedelta(days=1)}, "in_the_past"),
        ({"valid_until": timezone.now() + dt.timedelta(days=4 * 365)}, "too_long"),
    ],
)
def test_a_bad_grant_is_refused_and_nothing_is_created(agent, changes, code):
    parent = verified_user("parent")
    arguments = {
        "principal": parent,
        "agent_real_name": agent.real_name,
        "agent_id_number": agent.resident_id_number,
        "all_services": True,
        "service_codes": [],
        "valid_until": NEXT_YEAR,
        **changes,
    }

    with pytest.raises(GrantInvalid) as caught:
        family_member_grant(**arguments)

    assert next(iter(caught.value.errors.values()))[0].code == code
    assert AgentGrant.objects.count() == 0


def test_the_enterprise_agent_persona_acts_for_an_enterprise(enterprise_agent):
    grant = AgentGrant.objects.get(agent=enterprise_agent)

    assert grant.principal_enterprise is not None
    assert [p.kind for p in parties_for_user(user=enterprise_agent)] == [
        PartyKind.SELF,
        PartyKind.ENTERPRISE,
    ]


def test_grants_of_an_unknown_kind_cannot_be_built():
    with pytest.raises(Exception):  # noqa: B017, PT011 (the database's check constraint)
        AgentGrantFactory.create(kind=GrantKind.FAMILY_MEMBER)
