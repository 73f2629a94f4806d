"""The case API's detail tells the applicant how the result reaches them (the recipient's name
masked, the street address left out) and the instant-approval rules' outcome in plain words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.tests.conftest import draft_create
from tongban.cases.tests.test_instant_approval import home_address, submitted_with
from tongban.catalog.constants import Delivery

pytestmark = pytest.mark.django_db

ADDRESS = "海川市东湖区望潮路77号3单元"


def detail(user: User, case_id: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/v1/cases/{case_id}")
    assert response.status_code == 200
    return dict(json.loads(response.content))


def test_a_draft_has_no_delivery_and_no_rules_outcome_yet(sole_proprietor, applicant):
    case = draft_create(sole_proprietor, applicant)

    body = detail(applicant, case.pk)

    assert (body["delivery"], body["instant_approval"]) == (None, None)


def test_the_postal_delivery_is_shown_without_the_address(sole_proprietor, applicant):
    case = draft_create(sole_proprietor, applicant)
    services.case_delivery_choose(
        case_id=case.pk,
        actor_id=applicant.pk,
        method=Delivery.POST,
        recipient_name="林晓",
        address=ADDRESS,
        postal_code="310000",
    )

    body = detail(applicant, case.pk)

    assert body["delivery"]["method"] == Delivery.POST
    assert body["delivery"]["method_label"]
    assert body["delivery"]["recipient_name"] == "林*"
    assert body["delivery"]["postal_code"] == "310000"
    assert ADDRESS not in json.dumps(body, ensure_ascii=False)


def test_a_failed_rule_is_explained_in_plain_words(
    sole_proprietor, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_with(
            sole_proprietor,
            applicant,
            premises=home_address(applicant),
            business_scope="预包装食品销售",
        )

    approval = detail(applicant, case.pk)["instant_approval"]

    assert approval["passed"] is False
    failed = [row["explanation"] for row in approval["results"] if not row["passed"]]
    assert len(failed) == 1
    assert "经营范围不含须经许可的项目" in failed[0]
    assert all(set(row) == {"explanation", "passed"} for row in approval["results"])


def test_another_citizen_reads_nothing(sole_proprietor, applicant, other_citizen):
    case = draft_create(sole_proprietor, applicant)
    client = Client()
    client.force_login(other_citizen)

    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
