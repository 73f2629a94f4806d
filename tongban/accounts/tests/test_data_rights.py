"""My data, its download, who accessed it, and deleting the account."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from tongban.accounts.exceptions import AccountDeletionVetoed
from tongban.accounts.models import User
from tongban.accounts.services import account_delete
from tongban.audit.models import AuditEvent
from tongban.core.deletion import DeletionObstacle, deletion_vetoes
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.factories import DemoResidentFactory
from tongban.registries.services import Reader, ResidentByIdNumber, registry_read

pytestmark = pytest.mark.django_db


class OpenCase:
    key = "test.open_case"

    def obstacles(self, *, person_id: uuid.UUID) -> list[DeletionObstacle]:
        return [DeletionObstacle("case_open", "An application of yours is still being decided.")]


def test_my_data_lists_each_item_with_its_source(client: Client, citizen):
    client.force_login(citizen)
    client.get("/accounts/my-data/download/")  # something for the audit provider

    html = client.get("/accounts/my-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Account" in html
    assert "You, at sign-up and in your settings" in html
    assert "Activity log" in html


def test_the_download_is_json_with_every_providers_items(client: Client, citizen):
    client.force_login(citizen)

    response = client.get("/accounts/my-data/download/", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    categories = {item["category"] for item in data["items"]}
    assert {"Account", "Identity"} <= categories
    assert AuditEvent.objects.filter(kind="personal_data_exported", actor_id=citizen.pk).exists()


def test_who_accessed_my_data_shows_the_department_and_purpose(client: Client, clerk):
    resident = DemoResidentFactory.create(name="林𠇔")
    person = User.objects.create(
        username="person", resident_id_number=resident.id_number, real_name="林𠇔"
    )
    registry_read(
        source=RegistrySourceKey.POPULATION,
        query=ResidentByIdNumber(resident.id_number),
        reader=Reader(id=clerk.pk),
        purpose="identity check for case HC-2025-0001",
    )
    client.force_login(person)

    html = client.get("/accounts/my-data/accesses/").content.decode()

    assert "海川市市场监督管理局" in html
    assert "identity check for case HC-2025-0001" in html
    assert "clerk" not in html


def test_a_veto_keeps_the_account_and_says_why(client: Client, citizen):
    client.force_login(citizen)
    with deletion_vetoes.override(OpenCase.key, OpenCase()):
        response = client.post("/accounts/delete/", {"confirm": "on"})
        with pytest.raises(AccountDeletionVetoed):
            account_delete(user=citizen)

    assert "still being decided" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.is_active
    assert citizen.real_name == "林𠇔"
    assert citizen.deleted_at is None


def test_deleting_anonymises_what_must_be_kept(client: Client, citizen):
    client.force_login(citizen)
    client.get("/accounts/my-data/download/")

    response = client.post("/accounts/delete/", {"confirm": "on"})

    assert response.status_code == 200
    citizen.refresh_from_db()
    assert (citizen.real_name, citizen.resident_id_number, citizen.mobile, citizen.email) == (
        "",
        "",
        "",
        "",
    )
    assert not citizen.is_active
    assert not citizen.has_usable_password()
    assert AuditEvent.objects.filter(actor_id=citizen.pk, kind="deleted").exists()
    assert AuditEvent.objects.filter(actor_id=citizen.pk).count() >= 2
    assert "_auth_user_id" not in client.session


def test_a_legal_representative_with_active_agents_must_withdraw_them_first(enterprise_agent):
    representative = enterprise_agent.grants_held.get().principal_enterprise.legal_representative

    with pytest.raises(AccountDeletionVetoed):
        account_delete(user=representative)

    representative.refresh_from_db()
    assert representative.is_active
