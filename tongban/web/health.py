"""Readiness checks for `/healthz`: can this node reach its database and its cache?"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def cache_check() -> None:
    # A unique key per check, so two nodes sharing a Redis cannot read each other's value.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)


CHECKS: dict[str, Callable[[], None]] = {"database": database_check, "cache": cache_check}


def health_report() -> dict[str, str]:
    """``{"database": "ok", "cache": "fail"}``. Why a check failed goes to the log, not out."""
    report: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check failed", extra={"check": name})
            report[name] = "fail"
        else:
            report[name] = "ok"
    return report
