"""The public alerts API: what relaying systems read, without signing in."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from tongban.alerts import services
from tongban.alerts.constants import MessageType
from tongban.alerts.factories import approved_alert, rainstorm_input
from tongban.alerts.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(drafter: Any, approver: Any, district: Any, send_now: Any) -> Alert:
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    with send_now():
        return services.alert_send(alert=alert, actor=approver)


def test_the_list_holds_sent_alerts_only_with_their_cap_fields(
    sent: Alert, drafter: Any, district: Any
) -> None:
    services.alert_draft(
        actor=drafter, data=rainstorm_input(area_codes=[district.code], headline="未发送的草稿")
    )
    response = Client().get("/api/v1/alerts")

    assert response.status_code == 200
    [item] = response.json()
    assert item["identifier"] == sent.identifier
    assert item["severity"] == sent.severity
    assert item["areas"] == [{"code": district.code, "name": district.name}]
    assert item["active"] is True
    assert Client().get(item["cap_url"]).status_code == 200


def test_the_region_filter_keeps_alerts_covering_it(
    sent: Alert, street: Any, other_district: Any
) -> None:
    assert len(Client().get("/api/v1/alerts", {"region": street.code}).json()) == 1
    assert Client().get("/api/v1/alerts", {"region": other_district.code}).json() == []


def test_a_cancelled_alert_is_no_longer_active(
    sent: Alert, drafter: Any, approver: Any, district: Any, send_now: Any
) -> None:
    cancel = services.alert_draft(
        actor=drafter,
        data=rainstorm_input(area_codes=[district.code], headline="暴雨预警解除"),
        references_id=sent.id,
        msg_type=MessageType.CANCEL,
    )
    services.alert_approve(alert=cancel, actor=approver)
    with send_now():
        services.alert_send(alert=cancel, actor=drafter)

    listing = Client().get("/api/v1/alerts").json()
    assert {item["msg_type"] for item in listing} == {"Alert", "Cancel"}
    assert Client().get("/api/v1/alerts", {"active": "true"}).json() == []
    cancelled = Client().get(f"/api/v1/alerts/{cancel.id}").json()
    assert cancelled["references"] == str(sent.id)


def test_an_unknown_or_unsent_alert_is_not_found_with_the_error_shape(
    drafter: Any, district: Any
) -> None:
    draft = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))
    for alert_id in (uuid.uuid4(), draft.id):
        response = Client().get(f"/api/v1/alerts/{alert_id}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    invalid = Client().get("/api/v1/alerts", {"active": "perhaps"})
    assert invalid.status_code == 400
    assert invalid.json()["code"] == "invalid_input"
