from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tongban.notifications.constants import UNREAD_COUNT_CAP
from tongban.notifications.factories import NotificationFactory, RecipientFactory
from tongban.notifications.models import Recipient

pytestmark = pytest.mark.django_db

API = "/api/v1/notifications"


def _messages(user, count):
    """``count`` messages for ``user``, oldest first, one second apart."""
    start = timezone.now() - dt.timedelta(hours=1)
    entries = []
    for number in range(count):
        notification = NotificationFactory.create(
            content={
                "zh-hans": {"subject": f"消息{number}", "body": "正文"},
                "en": {"subject": f"Message {number}", "body": "Body"},
            },
        )
        entries.append(
            RecipientFactory.create(
                notification=notification,
                user=user,
                created_at=start + dt.timedelta(seconds=number),
            )
        )
    return entries


def test_the_inbox_lists_the_person_s_messages_newest_first_with_the_unread_count(
    client: Client, citizen, other_citizen
):
    _messages(citizen, 3)
    _messages(other_citizen, 2)
    client.force_login(citizen)

    body = client.get(API, HTTP_ACCEPT_LANGUAGE="en").json()

    assert [item["subject"] for item in body["items"]] == ["Message 2", "Message 1", "Message 0"]
    assert (body["unread_count"], body["unread_count_capped"], body["next_cursor"]) == (
        3,
        False,
        None,
    )


def test_the_cursor_walks_every_message_once_even_with_equal_times(client: Client, citizen):
    entries = _messages(citizen, 7)
    same_time = entries[3].created_at
    Recipient.objects.filter(id__in=[e.id for e in entries[2:5]]).update(created_at=same_time)
    client.force_login(citizen)

    seen = []
    cursor = None
    while True:
        url = f"{API}?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert sorted(seen) == sorted(str(e.id) for e in entries)
    assert len(seen) == len(set(seen))


def test_a_page_of_the_inbox_costs_the_same_few_queries_however_long_it_is(
    client: Client, citizen, django_assert_max_num_queries
):
    _messages(citizen, 30)
    client.force_login(citizen)

    # Session, user, page of entries with their messages, unread count.
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}?limit=20")

    assert len(response.json()["items"]) == 20


def test_the_unread_count_stops_at_the_cap(client: Client, citizen):
    _messages(citizen, UNREAD_COUNT_CAP + 2)
    client.force_login(citizen)

    body = client.get(f"{API}?limit=1").json()

    assert (body["unread_count"], body["unread_count_capped"]) == (UNREAD_COUNT_CAP, True)


@pytest.mark.parametrize("cursor", ["nonsense", "e30", "WyJ4IiwgInkiXQ"])
def test_a_bad_cursor_is_a_clear_error(client: Client, citizen, cursor):
    client.force_login(citizen)

    response = client.get(f"{API}?cursor={cursor}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_a_bad_page_size_is_a_clear_error(client: Client, citizen, limit):
    client.force_login(citizen)

    response = client.get(f"{API}?limit={limit}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["limit"]


def test_reading_a_message_marks_it_read_once(client: Client, citizen):
    [entry] = _messages(citizen, 1)
    client.force_login(citizen)

    first = client.post(f"{API}/{entry.id}/read").json()
    second = client.post(f"{API}/{entry.id}/read").json()

    assert first["read_at"] == second["read_at"]
    assert client.get(API).json()["unread_count"] == 0


def test_another_person_s_message_answers_not_found_and_stays_unread(
    client: Client, citizen, other_citizen
):
    [theirs] = _messages(other_citizen, 1)
    client.force_login(citizen)

    api = client.post(f"{API}/{theirs.id}/read")
    page = client.post(f"/notifications/{theirs.id}/read/")

    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    assert page.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_signed_in_person(client: Client):
    assert client.get(API).status_code == 401
    page = client.get("/notifications/")
    assert page.status_code == 302
    assert "next=/notifications/" in page["Location"]


def test_the_inbox_page_shows_messages_and_marks_them_read_without_javascript(
    client: Client, citizen
):
    [entry] = _messages(citizen, 1)
    client.force_login(citizen)

    html = client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{entry.id}/read/")

    assert "消息0" in html
    assert "未读" in html
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.read_at is not None


def test_the_navigation_shows_the_unread_count(client: Client, citizen):
    _messages(citizen, 2)
    client.force_login(citizen)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'href="/notifications/"' in html
    assert '<span class="count">2<span class="visually-hidden"> unread</span></span>' in html


def test_mark_all_as_read(client: Client, citizen, other_citizen):
    _messages(citizen, 3)
    [theirs] = _messages(other_citizen, 1)
    client.force_login(citizen)

    client.post("/notifications/read-all/")

    assert not Recipient.objects.filter(user=citizen, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
