"""Workflow background jobs: thin wrappers around one service each."""

from __future__ import annotations

from celery import shared_task

from tongban.workflow.services import task_deadlines_check as task_deadlines_check_service


@shared_task(name="tongban.workflow.tasks.task_deadlines_check")
def task_deadlines_check() -> dict[str, int]:
    """Fires due task timers and tells upper apps of tasks due soon or overdue."""
    return task_deadlines_check_service()
