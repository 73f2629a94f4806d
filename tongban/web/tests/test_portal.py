from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_is_in_simplified_chinese_by_default(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "政务服务" in html
    assert 'href="#main"' in html


def test_the_home_page_is_complete_in_english(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Government services, all in one place" in html
    assert "政务服务" not in html


def test_the_language_switch_posts_with_a_csrf_token_and_remembers_the_choice() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/")
    token = page.cookies["csrftoken"].value
    assert 'action="/i18n/setlang/"' in page.content.decode()

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert "Government services" in client.get("/").content.decode()


def test_a_form_posted_without_a_csrf_token_is_refused_with_the_portal_page() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/preferences/elderly-mode/", {"on": "1"})

    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
    assert "elderly" not in response.cookies.get("tongban_elderly", "")


def test_the_home_page_links_only_to_pages_that_exist(client: Client) -> None:
    import re

    html = client.get("/").content.decode()
    links = set(re.findall(r'href="(/[^"#]*)"', html)) - {"/static/"}

    for link in links:
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code in {200, 302}, link


def test_the_design_system_page_is_hidden_outside_development_and_demo(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    assert client.get("/design-system/").status_code == 404
    assert "/design-system/" not in client.get("/").content.decode()


def test_the_design_system_page_shows_every_component_in_demo_mode(
    client: Client, settings
) -> None:
    settings.DEMO_MODE = True

    html = client.get("/design-system/").content.decode()

    for marker in [
        'class="button"',
        'class="field__hint"',
        'class="field__error"',
        'class="error-summary"',
        'class="card"',
        "badge--success",
        'class="timeline"',
        'aria-current="step"',
        'class="table"',
    ]:
        assert marker in html, marker
    assert 'aria-invalid="true"' in html
    assert 'href="#id_mobile"' in html


def test_the_region_switch_lists_the_regions_and_remembers_the_choice(
    client: Client, regions
) -> None:
    assert "海川市东湖区" in client.get("/").content.decode()

    response = client.post("/preferences/region/", {"region": "370202", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["tongban_region"].value == "370202"
    assert '<option value="370202" selected>' in client.get("/").content.decode()


def test_an_unknown_region_is_refused_and_nothing_is_remembered(client: Client, regions) -> None:
    response = client.post("/preferences/region/", {"region": "999999"})

    assert response.status_code == 400
    assert "tongban_region" not in response.cookies


def test_the_switches_never_redirect_to_another_site(client: Client) -> None:
    response = client.post(
        "/preferences/elderly-mode/", {"on": "1", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
