"""The applicant chooses how the result reaches them on the review page, before submitting:
the same delivery service as the delivery page, so a post without a full address is refused
with the reason and nothing is stored; another citizen reaches nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongban.cases.models import CaseDelivery
from tongban.cases.tests.conftest import draft_complete
from tongban.catalog.constants import Delivery
from tongban.organization.factories import ServiceHallFactory

pytestmark = pytest.mark.django_db

ADDRESS = "海川市东湖区望潮路77号3单元"


@pytest.fixture
def draft(sole_proprietor, applicant):
    return draft_complete(sole_proprietor, applicant)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def choose(client: Client, case, **values: str):
    return client.post(reverse("cases:review", args=[case.pk]), {"action": "delivery", **values})


def test_the_review_page_offers_the_delivery_choice(draft, applicant):
    page = signed_in(applicant).get(reverse("cases:review", args=[draft.pk])).content.decode()

    assert 'name="action" value="delivery"' in page
    assert 'name="address"' in page


def test_a_post_with_its_address_is_saved_and_the_review_shows_it(draft, applicant):
    client = signed_in(applicant)

    response = choose(
        client,
        draft,
        method=Delivery.POST,
        recipient_name="林晓",
        address=ADDRESS,
        postal_code="310000",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:review", args=[draft.pk]) + "#delivery"
    delivery = CaseDelivery.objects.get(case=draft)
    assert (delivery.method, delivery.address, delivery.postal_code) == (
        Delivery.POST,
        ADDRESS,
        "310000",
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize(
    "values",
    [
        {"recipient_name": "林晓", "postal_code": "310000"},
        {"recipient_name": "林晓", "address": ADDRESS, "postal_code": "31000"},
        {"address": ADDRESS, "postal_code": "310000"},
    ],
    ids=["no address", "short postal code", "no recipient"],
)
def test_a_post_without_a_full_address_is_refused_and_nothing_stored(draft, applicant, values):
    response = choose(signed_in(applicant), draft, method=Delivery.POST, **values)

    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写完整的邮寄地址" in page or "请填写六位邮政编码" in page or "请填写收件人" in page
    assert not CaseDelivery.objects.exists()


def test_a_pickup_names_a_hall(draft, applicant):
    hall = ServiceHallFactory.create()
    client = signed_in(applicant)

    refused = choose(client, draft, method=Delivery.PICKUP)
    assert refused.status_code == 400
    assert not CaseDelivery.objects.exists()

    saved = choose(client, draft, method=Delivery.PICKUP, hall=hall.code)
    assert saved.status_code == 302
    assert CaseDelivery.objects.get(case=draft).hall == hall


def test_another_citizen_cannot_choose_for_the_case(draft, other_citizen):
    response = choose(
        signed_in(other_citizen),
        draft,
        method=Delivery.POST,
        recipient_name="陈堃",
        address=ADDRESS,
        postal_code="310000",
    )

    assert response.status_code == 404
    assert not CaseDelivery.objects.exists()
