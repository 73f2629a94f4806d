from __future__ import annotations

import pytest
from django.test import Client

from tongban.notifications.constants import Category, Channel
from tongban.notifications.exceptions import CategoryEssential
from tongban.notifications.models import ChannelPreference
from tongban.notifications.selectors import preferences_for_user
from tongban.notifications.services import preferences_set

pytestmark = pytest.mark.django_db


def _enabled(user, category, channel):
    row = next(r for r in preferences_for_user(user=user) if r.category == category)
    return next(c.enabled for c in row.cells if c.channel == channel)


def test_defaults_are_push_and_e_mail_with_sms_opt_in(citizen):
    assert _enabled(citizen, Category.ANNOUNCEMENT, Channel.PUSH) is True
    assert _enabled(citizen, Category.ANNOUNCEMENT, Channel.EMAIL) is True
    assert _enabled(citizen, Category.ANNOUNCEMENT, Channel.SMS) is False
    assert _enabled(citizen, Category.DEADLINE, Channel.SMS) is True


def test_an_essential_category_cannot_be_switched_off(citizen):
    with pytest.raises(CategoryEssential) as error:
        preferences_set(user=citizen, choices={(Category.EMERGENCY_ALERT, Channel.SMS): False})

    assert list(error.value.errors) == ["emergency_alert__sms"]
    assert ChannelPreference.objects.count() == 0


def test_an_unknown_choice_is_refused(citizen):
    from tongban.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        preferences_set(user=citizen, choices={("gossip", Channel.SMS): True})
    with pytest.raises(InvalidInput):
        preferences_set(user=citizen, choices={(Category.ANNOUNCEMENT, Channel.INBOX): False})

    assert ChannelPreference.objects.count() == 0


def test_the_page_saves_choices_and_keeps_essential_ones_on(client: Client, citizen):
    client.force_login(citizen)
    html = client.get("/notifications/preferences/").content.decode()

    response = client.post(
        "/notifications/preferences/",
        {"announcement__sms": "on", "announcement__push": "on", "emergency_alert__sms": ""},
    )

    assert 'name="emergency_alert__sms" checked disabled' in html
    assert response.status_code == 302
    assert _enabled(citizen, Category.ANNOUNCEMENT, Channel.SMS) is True
    assert _enabled(citizen, Category.ANNOUNCEMENT, Channel.EMAIL) is False
    assert _enabled(citizen, Category.CASE_PROGRESS, Channel.EMAIL) is False
    assert _enabled(citizen, Category.EMERGENCY_ALERT, Channel.SMS) is True


def test_operations_reports_are_offered_to_staff_only(citizen, clerk):
    assert Category.OPERATIONS not in [r.category for r in preferences_for_user(user=citizen)]
    assert Category.OPERATIONS in [r.category for r in preferences_for_user(user=clerk)]


def test_preferences_are_per_person(client: Client, citizen, other_citizen):
    preferences_set(user=other_citizen, choices={(Category.ANNOUNCEMENT, Channel.EMAIL): False})

    assert _enabled(citizen, Category.ANNOUNCEMENT, Channel.EMAIL) is True
