from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from lxml import etree

from tongban.accounts.models import User
from tongban.alerts import services
from tongban.alerts.cap import CapInvalid, cap_datetime, cap_document, cap_validate
from tongban.alerts.constants import CAP_NAMESPACE, MessageType
from tongban.alerts.factories import approved_alert, rainstorm_input
from tongban.alerts.feed import feed_cap_documents

pytestmark = pytest.mark.django_db
CAP = f"{{{CAP_NAMESPACE}}}"


@pytest.fixture
def sent_update(drafter: User, approver: User, district: Any, send_now: Any) -> Any:
    original = approved_alert(drafter=drafter, approver=approver, area_codes=[district.code])
    with send_now():
        services.alert_send(alert=original, actor=approver)
    update = services.alert_draft(
        actor=drafter,
        data=rainstorm_input(area_codes=[district.code], headline="暴雨橙色预警升级为红色"),
        references_id=original.id,
        msg_type=MessageType.UPDATE,
    )
    services.alert_approve(alert=update, actor=approver)
    with send_now():
        services.alert_send(alert=update, actor=drafter)
    original.refresh_from_db()
    update.refresh_from_db()
    return original, update


def test_cap_times_have_an_offset_and_no_fraction() -> None:
    moment = dt.datetime(2026, 11, 22, 0, 0, 0, 123456, tzinfo=dt.UTC)

    assert cap_datetime(moment) == "2026-11-22T08:00:00+08:00"


def test_the_feed_carries_one_valid_cap_document_per_alert(sent_update: Any) -> None:
    original, update = sent_update

    response = Client().get("/alerts/feed.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    documents = feed_cap_documents(response.content)
    assert len(documents) == 2
    for document in documents:
        cap_validate(document)
    newest = etree.fromstring(documents[0])
    assert newest.findtext(f"{CAP}identifier") == update.identifier
    assert newest.findtext(f"{CAP}msgType") == "Update"
    assert newest.findtext(f"{CAP}references") == (
        f"{original.sender},{original.identifier},{cap_datetime(original.sent)}"
    )
    info = newest.find(f"{CAP}info")
    assert info is not None
    for name in (
        "category",
        "event",
        "urgency",
        "severity",
        "certainty",
        "headline",
        "description",
        "instruction",
        "expires",
    ):
        assert info.findtext(f"{CAP}{name}"), name
    assert [value.text for value in info.iterfind(f"{CAP}area/{CAP}geocode/{CAP}value")] == [
        "990202"
    ]


def test_each_alert_has_its_cap_document(sent_update: Any) -> None:
    _original, update = sent_update

    response = Client().get(f"/alerts/{update.id}/cap.xml")

    assert response.status_code == 200
    cap_validate(response.content)


@pytest.mark.parametrize(
    "sent",
    ["2026-11-22T00:00:00Z", "2026-11-22T08:00:00.5+08:00", "2026-11-22 08:00:00+08:00"],
)
def test_a_sent_time_the_schema_rejects_is_refused(sent_update: Any, sent: str) -> None:
    _original, update = sent_update
    root = etree.fromstring(cap_document(update))
    element = root.find(f"{CAP}sent")
    assert element is not None
    element.text = sent

    with pytest.raises(CapInvalid) as caught:
        cap_validate(etree.tostring(root))

    assert caught.value.code == "cap_invalid"
    assert [error.code for error in caught.value.errors["cap"]] == ["cap_schema"]


def test_a_document_that_is_not_xml_is_refused() -> None:
    with pytest.raises(CapInvalid) as caught:
        cap_validate(b"<alert")

    assert [error.code for error in caught.value.errors["cap"]] == ["cap_not_xml"]


def test_the_sent_time_is_china_time(sent_update: Any) -> None:
    _original, update = sent_update
    sent = etree.fromstring(cap_document(update)).findtext(f"{CAP}sent")

    assert sent is not None
    assert sent.endswith("+08:00")
    assert dt.datetime.fromisoformat(sent) == update.sent.astimezone(ZoneInfo("Asia/Shanghai"))
