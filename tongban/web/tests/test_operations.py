from __future__ import annotations

import pytest
from django.test import Client

from tongban.core.metrics import registry
from tongban.web import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_the_cache_as_json(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client: Client, monkeypatch) -> None:
    def broken() -> None:
        raise ConnectionError("connection refused to 10.0.0.5")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "fail", "cache": "ok"}}
    assert b"10.0.0.5" not in response.content


def test_healthz_answers_503_when_the_cache_fails(client: Client, monkeypatch) -> None:
    def broken() -> None:
        raise ConnectionError("redis is gone")

    monkeypatch.setitem(health.CHECKS, "cache", broken)

    assert client.get("/healthz").status_code == 503


def test_metrics_count_requests_by_route_and_status_for_an_allowed_network(
    client: Client, settings
) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    registry.reset()
    client.get("/healthz")
    client.get("/no-such-page/")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'tongban_http_requests_total{method="GET",route="healthz",status="200"} 1' in text
    assert 'tongban_http_requests_total{method="GET",route="(unmatched)",status="404"} 1' in text
    assert (
        'tongban_http_request_duration_seconds_bucket{method="GET",route="healthz",le="+Inf"} 1'
        in text
    )
    assert 'tongban_http_request_duration_seconds_count{method="GET",route="healthz"} 1' in text


def test_metrics_are_hidden_from_an_address_outside_the_allowed_networks(
    client: Client, settings
) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.8.0/24"]
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 404
    assert b"tongban_http" not in response.content


def test_metrics_open_with_the_bearer_token_from_anywhere(client: Client, settings) -> None:
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.METRICS_TOKEN = "s3cret-scraper-token"

    refused = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong-token"
    )
    allowed = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token"
    )

    assert refused.status_code == 404
    assert allowed.status_code == 200


def test_metrics_are_closed_by_default_outside_development(client: Client) -> None:
    assert client.get("/metrics").status_code == 404


def test_the_favicon_is_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("web/favicon.svg")
