from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_content_security_policy_with_a_nonce_and_no_inline_script(
    client: Client,
) -> None:
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy)
    assert script_src is not None
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", script_src.group(1))
    assert nonce is not None
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce.group(1)}"' in tag and "src=" in tag for tag in scripts)
    assert "frame-ancestors 'none'" in policy


def test_the_nonce_changes_with_every_response(client: Client) -> None:
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]

    assert first != second


def test_pages_forbid_framing_and_send_a_referrer_and_permissions_policy(client: Client) -> None:
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions
    assert "geolocation=()" in permissions
    assert "microphone=()" in permissions


def test_htmx_is_served_from_our_own_static_files(client: Client) -> None:
    html = client.get("/").content.decode()

    assert '<script src="/static/web/js/htmx-2.0.11.min.js"' in html
    assert "https://" not in " ".join(re.findall(r"<(?:script|link)\b[^>]*>", html))


def test_htmx_posts_carry_the_csrf_token_from_the_page(client: Client) -> None:
    html = client.get("/").content.decode()

    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[A-Za-z0-9]{32,}\"\}'", html)


def test_secure_requests_get_hsts(client: Client, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_turn_on_every_transport_protection() -> None:
    environment = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "www.haichuan.gov.example",
        "DATABASE_URL": "sqlite:///:memory:",
        "FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
        "FIELD_BLIND_INDEX_KEY": "A" * 43 + "=",
        "DJANGO_SETTINGS_MODULE": "tongban.config.settings.prod",
    }
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.DEBUG)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )

    assert result.stdout.split() == ["True", "True", "True", "True", "True", "True", "False"]
