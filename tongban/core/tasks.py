"""Core background jobs: thin wrappers around one service each."""

from __future__ import annotations

import socket

from celery import shared_task

from tongban.core.services import calendar_sync as calendar_sync_service


@shared_task(name="tongban.core.tasks.calendar_sync")
def calendar_sync() -> list[int]:
    """Adds official holiday schedules that a newer chinese-calendar package knows."""
    return calendar_sync_service()


@shared_task(name="tongban.core.tasks.worker_ping")
def worker_ping(nonce: str) -> dict[str, str]:
    """Answers with the nonce and the worker's host: proves a worker is consuming tasks."""
    return {"nonce": nonce, "worker": socket.gethostname()}
