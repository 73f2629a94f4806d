from __future__ import annotations

import pytest
from django.test import Client

from tongban.audit.models import AuditEvent
from tongban.notifications.constants import Category, Channel
from tongban.notifications.events import EventType, event_types
from tongban.notifications.exceptions import TemplateInvalid
from tongban.notifications.models import MessageTemplate, Notification, SmsTemplateBinding
from tongban.notifications.services import notification_send
from tongban.notifications.templating import TemplateText, render, template_validate
from tongban.notifications.tests.conftest import CASE_ACCEPTED

pytestmark = pytest.mark.django_db

ADD = "/admin/notifications/messagetemplate/add/"


def test_a_template_with_an_undefined_variable_is_refused():
    with pytest.raises(TemplateInvalid) as error:
        template_validate(
            TemplateText("{{ case_numbr }}", "Hello {{ name }}"), allowed=["case_number"]
        )

    assert sorted(error.value.errors) == ["body", "subject"]
    assert "case_numbr" in str(error.value.errors["subject"][0].message)


@pytest.mark.parametrize(
    "body",
    ["{% load static %}", "{{ user.password }}", "{{ case_number|upper }}", "{# note #}"],
)
def test_template_syntax_beyond_plain_variables_is_refused(body):
    with pytest.raises(TemplateInvalid):
        template_validate(TemplateText("x", body), allowed=["case_number"])


def test_values_are_inserted_as_text():
    assert render("A {{ x }} B {{x}}", {"x": "<b>"}) == "A <b> B <b>"


def test_every_registered_event_s_default_texts_are_valid():
    for event in event_types:
        for text in event.templates.values():
            template_validate(text, allowed=event.variables)


def test_an_event_with_an_unknown_sms_parameter_cannot_be_declared():
    with pytest.raises(ValueError, match="not variables"):
        EventType(
            code="x",
            category=Category.ANNOUNCEMENT,
            description="x",
            variables=("a",),
            channels=(Channel.SMS,),
            sms_template_code="SMS_1",
            sms_parameters=("b",),
        )


def test_the_admin_refuses_an_undefined_variable_on_save(
    client: Client, administrator, case_accepted
):
    client.force_login(administrator)

    response = client.post(
        ADD,
        {
            "event_code": CASE_ACCEPTED,
            "channel": "email",
            "language": "zh-hans",
            "subject": "受理 {{ case_no }}",
            "body": "正文",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Unknown variable: case_no" in response.content.decode()
    assert MessageTemplate.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_administrator_s_template_replaces_the_default_and_is_audited(
    client: Client, administrator, citizen, case_accepted, on_commit
):
    client.force_login(administrator)
    response = client.post(
        ADD,
        {
            "event_code": CASE_ACCEPTED,
            "channel": "inbox",
            "language": "zh-hans",
            "subject": "好消息：{{ case_number }} 已受理",
            "body": "{{ service }}",
        },
    )
    assert response.status_code == 302

    template = MessageTemplate.objects.get()
    preview = client.get(f"/admin/notifications/messagetemplate/{template.id}/change/")
    with on_commit():
        notification = notification_send(
            event=CASE_ACCEPTED,
            context={"case_number": "HC-9", "service": "S"},
            recipient=citizen,
        )

    assert "好消息：HC-20260315-0001 已受理" in preview.content.decode()
    assert notification.text("zh-hans")["subject"] == "好消息：HC-9 已受理"
    assert AuditEvent.objects.filter(
        kind="configuration_changed", object_id=str(template.id), actor_id=administrator.pk
    ).exists()


def test_an_sms_binding_with_an_unknown_parameter_is_refused(
    client: Client, administrator, case_accepted
):
    client.force_login(administrator)

    response = client.post(
        "/admin/notifications/smstemplatebinding/add/",
        {"event_code": CASE_ACCEPTED, "template_code": "SMS_1", "parameters": '["code"]'},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Unknown variable: code" in response.content.decode()
    assert SmsTemplateBinding.objects.count() == 0
    assert Notification.objects.count() == 0
