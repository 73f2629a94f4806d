"""Test helpers for the audit log: altering rows behind the services' back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def triggers_disabled() -> Iterator[None]:
    """Lets a test tamper with the log the way an attacker with table access would.

    On PostgreSQL, ``session_replication_role = replica`` skips the append-only triggers
    (only a superuser may set it: exactly the access the chain is there to catch).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        yield
