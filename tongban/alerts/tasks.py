"""Alert background jobs: thin wrappers around one service each, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from tongban.alerts import services


@shared_task(name="tongban.alerts.tasks.alert_fan_out")
def alert_fan_out(alert_id: str) -> int:
    """Adds the alert's targeted people to its broadcast in batches (each its own transaction)."""
    return services.alert_fan_out(alert_id=alert_id)
