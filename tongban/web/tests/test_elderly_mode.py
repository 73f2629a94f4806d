from __future__ import annotations

import pytest
from django.test import Client

from tongban.accounts.models import User

pytestmark = pytest.mark.django_db


def test_elderly_mode_is_off_for_a_new_visitor(client: Client) -> None:
    html = client.get("/").content.decode()

    assert 'class="elderly"' not in html
    assert "长辈模式" in html


def test_elderly_mode_is_remembered_by_the_browser(client: Client) -> None:
    response = client.post("/preferences/elderly-mode/", {"on": "1", "next": "/accessibility/"})

    assert response.status_code == 302
    assert response["Location"] == "/accessibility/"
    cookie = response.cookies["tongban_elderly"]
    assert cookie.value == "1"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert '<html lang="zh-hans" class="elderly">' in client.get("/").content.decode()


def test_elderly_mode_can_be_switched_off_again(client: Client) -> None:
    client.post("/preferences/elderly-mode/", {"on": "1"})

    client.post("/preferences/elderly-mode/", {"on": ""})

    assert 'class="elderly"' not in client.get("/").content.decode()


def test_elderly_mode_is_remembered_by_the_account_of_a_signed_in_person(client: Client) -> None:
    user = User.objects.create_user(username="zhang.wei", password="x")
    client.force_login(user)

    client.post("/preferences/elderly-mode/", {"on": "1"})

    user.refresh_from_db()
    assert user.elderly_mode is True
    other_browser = Client()
    other_browser.force_login(user)
    assert 'class="elderly"' in other_browser.get("/").content.decode()


def test_the_account_preference_wins_over_a_stale_cookie(client: Client) -> None:
    user = User.objects.create_user(username="li.na", password="x", elderly_mode=False)
    client.cookies["tongban_elderly"] = "1"
    client.force_login(user)

    assert 'class="elderly"' not in client.get("/").content.decode()


def test_switching_elderly_mode_needs_a_post(client: Client) -> None:
    response = client.get("/preferences/elderly-mode/?on=1")

    assert response.status_code == 405
    assert "tongban_elderly" not in response.cookies
