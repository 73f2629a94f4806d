"""The periodic deadline job: due timers, due-soon and overdue notices."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.exceptions import SpiffWorkflowException

from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import (
    local_date,
    working_days_between,
)
from tongban.workflow.callbacks import (
    task_due_soon,
    task_overdue,
)
from tongban.workflow.constants import (
    ACTIVE_TASK_STATUSES,
    DUE_SOON_WORKING_DAYS,
    InstanceStatus,
)
from tongban.workflow.engine import runtime
from tongban.workflow.models import HumanTask, ProcessInstance
from tongban.workflow.services.definitions import definition_of
from tongban.workflow.services.running import _advance, _engine_failed, _engine_for, _event_of

logger = logging.getLogger(__name__)

DATA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def task_deadlines_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic deadline job: fires due timers and tells upper apps of due and late tasks.

    Each instance and each notice is its own transaction, claimed with a conditional update,
    so two runners at once neither fire a timer twice nor notify twice.
    """
    now = now or timezone.now()
    fired = 0
    due_instances = ProcessInstance.objects.filter(
        status=InstanceStatus.RUNNING, next_timer_at__lte=now
    ).values_list("pk", flat=True)
    for instance_id in list(due_instances[:500]):
        fired += _instance_timers_fire(instance_id=instance_id, now=now)
    calendar = working_calendar_get()
    today = local_date(now)
    due_soon = 0
    overdue = 0
    active = HumanTask.objects.filter(status__in=ACTIVE_TASK_STATUSES, due_at__isnull=False)
    for row in active.filter(due_at__lte=now, overdue_notified_at__isnull=True)[:1000]:
        overdue += _notify_once(row, "overdue_notified_at", now)
    soon = active.filter(due_at__gt=now, due_soon_notified_at__isnull=True, due_date__isnull=False)
    for row in soon.order_by("due_at")[:1000]:
        assert row.due_date is not None
        if working_days_between(calendar, today, row.due_date).days <= DUE_SOON_WORKING_DAYS:
            due_soon += _notify_once(row, "due_soon_notified_at", now)
    return {"timers_fired": fired, "due_soon": due_soon, "overdue": overdue}


@transaction.atomic
def _notify_once(row: HumanTask, flag: str, now: dt.datetime) -> int:
    claimed = HumanTask.objects.filter(pk=row.pk, **{f"{flag}__isnull": True}).update(**{flag: now})
    if not claimed:
        return 0
    hook = task_overdue if flag == "overdue_notified_at" else task_due_soon
    hook.fire(_event_of(row, row.instance))
    return 1


@transaction.atomic
def _instance_timers_fire(*, instance_id: uuid.UUID, now: dt.datetime) -> int:
    instance = (
        ProcessInstance.objects.select_for_update(skip_locked=True)
        .filter(pk=instance_id, status=InstanceStatus.RUNNING, next_timer_at__lte=now)
        .first()
    )
    if instance is None:
        return 0
    parsed = definition_of(instance.definition)
    workflow = runtime.workflow_load(instance.state, parsed, _engine_for(instance))
    try:
        fired = runtime.timers_fire(workflow, now=now)
    except (SpiffWorkflowException, KeyError, ValueError, TypeError) as error:
        raise _engine_failed(instance, error) from error
    _advance(instance, workflow, parsed, now)
    return fired
