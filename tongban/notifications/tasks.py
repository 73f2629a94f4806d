"""Notification background jobs: thin wrappers around one service each, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from tongban.notifications import services


@shared_task(name="tongban.notifications.tasks.notification_fan_out")
def notification_fan_out(notification_id: str) -> int:
    """Creates a message's deliveries in batches and schedules them."""
    return services.notification_fan_out(notification_id=notification_id)


@shared_task(name="tongban.notifications.tasks.deliveries_send")
def deliveries_send(delivery_ids: list[str]) -> dict[str, int]:
    """Attempts a batch of deliveries; each is claimed first, so none is sent twice."""
    return services.deliveries_attempt(delivery_ids=delivery_ids)


@shared_task(name="tongban.notifications.tasks.deliveries_retry_due")
def deliveries_retry_due() -> int:
    """Schedules the retries that are due (periodic, every 30 seconds)."""
    return services.deliveries_retry_due()


@shared_task(name="tongban.notifications.tasks.delivery_failures_summarize")
def delivery_failures_summarize() -> str | None:
    """Tells administrators what could not be delivered in the last day (daily)."""
    notification = services.delivery_failures_summarize()
    return str(notification.id) if notification else None
