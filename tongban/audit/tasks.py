"""Audit background jobs: thin wrappers around one service each."""

from __future__ import annotations

from celery import shared_task

from tongban.audit.services import audit_events_purge as audit_events_purge_service
from tongban.audit.services import audit_events_seal as audit_events_seal_service


@shared_task(name="tongban.audit.tasks.audit_events_seal")
def audit_events_seal() -> int:
    """Chains the events committed since the last run (periodic, every minute)."""
    return audit_events_seal_service()


@shared_task(name="tongban.audit.tasks.audit_events_purge")
def audit_events_purge() -> int:
    """Deletes events past the retention period, keeping the chain verifiable (daily)."""
    return audit_events_purge_service().purged
