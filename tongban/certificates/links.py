"""The public addresses certificates point at: issuer ids, status lists, keys, verification."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def issuer_url(department_code: str) -> str:
    return absolute(reverse("certificates:issuer", args=[department_code]))


def status_list_url(department_code: str, purpose: str, number: int) -> str:
    return absolute(reverse("certificates:status_list", args=[department_code, purpose, number]))


def jwks_url() -> str:
    return absolute(reverse("certificates:jwks"))


def verification_url(token: str) -> str:
    return absolute(reverse("certificates:verify")) + "?t=" + quote(token, safe=".-_")
