from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tongban.accounts.models import User
from tongban.alerts import services
from tongban.alerts.constants import AlertState, MessageType
from tongban.alerts.factories import approved_alert, rainstorm_input
from tongban.alerts.models import Alert

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _form(district: Any, **fields: Any) -> dict[str, Any]:
    expires = (timezone.now() + dt.timedelta(hours=6)).astimezone(
        dt.timezone(dt.timedelta(hours=8))
    )
    data: dict[str, Any] = {
        "headline": "海川市气象台发布暴雨橙色预警信号",
        "event": "暴雨橙色预警",
        "category": "Met",
        "severity": "Severe",
        "urgency": "Expected",
        "certainty": "Likely",
        "description": "预计未来3小时内将出现50毫米以上降雨。",
        "instruction": "请避免外出。",
        "areas": [district.code],
        "expires": expires.strftime("%Y-%m-%dT%H:%M"),
        "status": "Actual",
    }
    data.update(fields)
    return data


def test_the_four_eyes_journey_through_the_staff_pages(
    drafter: User, approver: User, district: Any, send_now: Any
) -> None:
    drafting = _client(drafter)
    response = drafting.post("/alerts/staff/new/", _form(district))
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/alerts/staff/{alert.id}/"

    page = drafting.get(f"/alerts/staff/{alert.id}/")
    assert page.status_code == 200
    assert f"/alerts/staff/{alert.id}/approve/" not in page.content.decode()
    assert drafting.post(f"/alerts/staff/{alert.id}/approve/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT

    approving = _client(approver)
    assert approving.post(f"/alerts/staff/{alert.id}/approve/").status_code == 302
    with send_now():
        assert approving.post(f"/alerts/staff/{alert.id}/send/").status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.SENT

    counts = approving.get(f"/alerts/staff/{alert.id}/counts/")
    assert counts.status_code == 200
    assert 'id="alert-counts"' in counts.content.decode()


def test_the_form_shows_a_missing_area_and_writes_nothing(drafter: User, district: Any) -> None:
    response = _client(drafter).post("/alerts/staff/new/", _form(district, areas=[]))

    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert not Alert.objects.exists()


def test_the_form_refuses_an_expiry_in_the_past(drafter: User, district: Any) -> None:
    response = _client(drafter).post(
        "/alerts/staff/new/", _form(district, expires="2020-01-01T08:00")
    )

    assert response.status_code == 200
    assert not Alert.objects.exists()


def test_an_update_of_an_unknown_alert_is_not_found(drafter: User, district: Any) -> None:
    response = _client(drafter).get(
        "/alerts/staff/new/?references=7d3c3f7e-0000-4000-8000-000000000000&type=Update"
    )

    assert response.status_code == 404


def test_the_staff_pages_are_not_found_for_others(
    drafter: User, approver: User, district: Any, citizen: User, other_department_approver: User
) -> None:
    alert = services.alert_draft(actor=drafter, data=rainstorm_input(area_codes=[district.code]))

    assert _client(citizen).get("/alerts/staff/").status_code == 404
    assert _client(other_department_approver).get(f"/alerts/staff/{alert.id}/").status_code == 404
    assert (
        _client(other_department_approver).post(f"/alerts/staff/{alert.id}/approve/").status_code
        == 404
    )
    assert _client().get("/alerts/staff/").status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT


def test_a_sent_alert_can_be_followed_by_an_update_form(
    drafter: User, approver: User, district: Any, send_now: Any
) -> None:
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    with send_now():
        services.alert_send(alert=alert, actor=approver)
    client = _client(drafter)

    form = client.get(f"/alerts/staff/new/?references={alert.id}&type=Cancel")
    assert form.status_code == 200
    response = client.post(
        "/alerts/staff/new/",
        _form(district, headline="暴雨预警解除", references=str(alert.id), type="Cancel"),
    )
    assert response.status_code == 302
    cancel = Alert.objects.get(msg_type=MessageType.CANCEL)
    assert cancel.references == alert
    assert cancel.state == AlertState.DRAFT


# --- public ------------------------------------------------------------------------------------


@pytest.fixture
def sent(drafter: User, approver: User, district: Any, send_now: Any) -> Alert:
    alert = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    with send_now():
        return services.alert_send(alert=alert, actor=approver)


def test_the_public_pages_list_and_show_sent_alerts(
    sent: Alert, drafter: User, district: Any
) -> None:
    draft = services.alert_draft(
        actor=drafter, data=rainstorm_input(area_codes=[district.code], headline="未发送的草稿")
    )
    listing = _client().get("/alerts/").content.decode()

    assert sent.headline in listing
    assert "未发送的草稿" not in listing
    assert _client().get(f"/alerts/{sent.id}/").status_code == 200
    assert _client().get(f"/alerts/{draft.id}/").status_code == 404


def test_the_banner_shows_on_every_page_for_the_area(
    sent: Alert, other_district: Any, street: Any
) -> None:
    anonymous = _client().get("/").content.decode()
    assert "alert-banner" in anonymous
    assert sent.headline in anonymous

    inside = _client()
    inside.cookies["tongban_region"] = street.code
    assert "alert-banner" in inside.get("/alerts/").content.decode()

    elsewhere = _client()
    elsewhere.cookies["tongban_region"] = other_district.code
    assert "alert-banner" not in elsewhere.get("/").content.decode()


def test_the_banner_costs_no_query_once_cached(sent: Alert, django_assert_num_queries: Any) -> None:
    from tongban.alerts.selectors import active_alert_for_region

    active_alert_for_region(region_code="")
    with django_assert_num_queries(0):
        assert active_alert_for_region(region_code="990202001") is not None


def test_a_cancellation_removes_the_banner(
    sent: Alert, drafter: User, approver: User, district: Any, send_now: Any
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

    assert "alert-banner" not in _client().get("/").content.decode()
