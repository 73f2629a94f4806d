"""The admin's burden figures and correction answers, the periodic job, the demo's earlier
application."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.constants import CaseStatus, CorrectionStatus
from tongban.cases.models import Case, CorrectionRequest
from tongban.cases.tests.conftest import draft_create
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


def test_the_admin_answers_a_correction_request(
    client: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    case = draft_create(sole_proprietor, applicant)
    correction = services.correction_request_file(
        case=case, actor_id=applicant.pk, field_key="premises", value_claimed="滨江路2号"
    )
    admin_user = User.objects.create_superuser("root", "root@example.invalid", "x")
    client.force_login(admin_user)

    response = client.post(
        "/admin/cases/correctionrequest/",
        {"action": "answer_confirmed", "_selected_action": [str(correction.pk)]},
    )

    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.CONFIRMED
    assert correction.answer != ""


def test_the_admin_lists_the_burden_figures(
    client: Client, sole_proprietor: ServiceItem, applicant: User
) -> None:
    draft_create(sole_proprietor, applicant)
    client.force_login(User.objects.create_superuser("root", "root@example.invalid", "x"))

    response = client.get("/admin/cases/case/")

    assert response.status_code == 200
    assert "fields_prefilled" in response.content.decode() or "预填" in response.content.decode()


def test_deemed_acceptance_runs_as_a_periodic_job() -> None:
    from tongban.cases import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["cases-deemed-accepted-apply"]
    assert entry["task"] == tasks.cases_deemed_accepted_apply.name
    assert tasks.cases_deemed_accepted_apply.delay().get() == 0


def test_the_demo_citizen_has_an_earlier_application_to_prefill_from(
    sole_proprietor: ServiceItem, applicant: User
) -> None:
    earlier = services.demo_earlier_application_seed(user=applicant)

    assert earlier is not None
    assert earlier.status == CaseStatus.WITHDRAWN
    assert services.demo_earlier_application_seed(user=applicant) is None
    fresh = draft_create(sole_proprietor, applicant)
    assert fresh.fields_prefilled >= fresh.fields_typed
    assert Case.objects.count() == 2
    assert not CorrectionRequest.objects.exists()
