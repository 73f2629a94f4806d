"""The designers' admin: preview, publish, clone, export and import through the services."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.catalog.constants import VersionStatus
from tongban.catalog.models import ServiceVersion
from tongban.catalog.tests.conftest import draft_complete, item_create

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/serviceversion/"


def test_the_preview_lists_the_problems_and_the_form(
    admin_client: Client, certificate_types: None
) -> None:
    draft = item_create().versions.get()

    html = admin_client.get(f"{CHANGELIST}{draft.pk}/preview/", HTTP_ACCEPT_LANGUAGE="en")

    assert html.status_code == 200
    assert "form: The form has no fields." in html.content.decode()


def test_the_publish_action_publishes_a_complete_draft(
    admin_client: Client, certificate_types: None
) -> None:
    draft = draft_complete(item_create())

    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [str(draft.pk)]})

    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_export_then_import_makes_a_new_draft(
    admin_client: Client, published: ServiceVersion
) -> None:
    exported = admin_client.post(
        CHANGELIST, {"action": "export", "_selected_action": [str(published.pk)]}
    )
    document = json.loads(exported.content)

    response = admin_client.post(
        f"{CHANGELIST}import/",
        {"document": SimpleUploadedFile("v1.json", json.dumps(document).encode())},
    )

    assert response.status_code == 302
    assert ServiceVersion.objects.filter(status=VersionStatus.DRAFT).count() == 1


def test_importing_a_corrupt_file_shows_the_error_and_saves_nothing(
    admin_client: Client, published: ServiceVersion
) -> None:
    response = admin_client.post(
        f"{CHANGELIST}import/",
        {"document": SimpleUploadedFile("v1.json", b"\x00\xff not json")},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "This is not JSON." in response.content.decode()
    assert ServiceVersion.objects.count() == 1


def test_a_published_version_is_read_only_in_the_admin(
    admin_client: Client, published: ServiceVersion
) -> None:
    response = admin_client.post(f"{CHANGELIST}{published.pk}/change/", {"legal_basis": "changed"})

    published.refresh_from_db()
    assert response.status_code == 403
    assert published.legal_basis != "changed"


def test_an_item_added_in_the_admin_starts_with_a_draft(
    admin_client: Client, certificate_types: None
) -> None:
    from tongban.organization.models import DepartmentType

    admin_client.post(
        "/admin/catalog/serviceitem/add/",
        {
            "code": "NEW-1",
            "name": "新事项",
            "aliases": "",
            "kind": "filing",
            "department_type": str(DepartmentType.objects.get(code="market_regulation").pk),
            "applicant_types": '["person"]',
            "topics": "[]",
        },
    )

    assert ServiceVersion.objects.get(item__code="NEW-1").status == VersionStatus.DRAFT
