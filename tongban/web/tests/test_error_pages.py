from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from tongban.core.exceptions import PermissionDenied


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: /srv/tongban/settings.py line 42")


def _forbidden(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    raise DjangoPermissionDenied


def _domain_forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("domain-forbidden/", _domain_forbidden),
    path("", include("tongban.config.urls")),
]
handler500 = "tongban.web.views.server_error"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "页面不存在"), ("en", "Page not found")],
)
def test_an_unknown_address_shows_the_portal_404_page(client: Client, language, text) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert 'class="site-header"' in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "您无权打开此页面"), ("en", "You cannot open this page")],
)
def test_a_forbidden_page_shows_the_portal_403_page(client: Client, language, text) -> None:
    response = client.get("/forbidden/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "系统出现问题"), ("en", "Something went wrong on our side")],
)
def test_a_crash_shows_the_500_page_without_a_stack_trace(client: Client, language, text) -> None:
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 500
    html = response.content.decode()
    assert text in html
    assert "Traceback" not in html
    assert "secret internals" not in html
    assert response["X-Request-ID"] in html


def test_a_domain_error_renders_inside_the_portal_shell(client: Client) -> None:
    response = client.get("/domain-forbidden/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    html = response.content.decode()
    assert "You are not allowed to do this." in html
    assert 'class="site-header"' in html
