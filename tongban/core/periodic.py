"""The in-process runner for periodic jobs in the embedded default.

At scale, Celery beat sends the jobs of ``CELERY_BEAT_SCHEDULE`` to workers. With no broker
(`make run`), this thread of the web process runs the same schedule, with Celery's own
schedule objects deciding what is due, so deadlines, reminders and sealing work there too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from celery import Celery
from celery.schedules import BaseSchedule, schedule
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# Never sleep longer than this, so a stop request is noticed within a minute.
MAX_SLEEP_SECONDS = 60.0


class PeriodicRunner(threading.Thread):
    def __init__(self, app: Celery, beat_schedule: Mapping[str, Mapping[str, Any]]) -> None:
        super().__init__(name="periodic-runner", daemon=True)
        self.app = app
        # Celery discovers the apps' tasks lazily (a worker does it at boot); the runner must
        # too, or every job of an app nobody has imported yet would be "not registered".
        app.loader.import_default_modules()
        unknown = sorted(
            entry["task"] for entry in beat_schedule.values() if entry["task"] not in app.tasks
        )
        if unknown:
            raise LookupError(f"periodic jobs name tasks that do not exist: {unknown}")
        self.entries: dict[str, tuple[str, BaseSchedule]] = {}
        for name, entry in beat_schedule.items():
            every = entry["schedule"]
            job_schedule = every if isinstance(every, BaseSchedule) else schedule(every)
            job_schedule.app = app
            self.entries[name] = (entry["task"], job_schedule)
        self.last_run: dict[str, datetime] = {}
        self.stopped = threading.Event()

    def stop(self) -> None:
        self.stopped.set()

    def run_due(self) -> float:
        """Runs every job that is due; returns the seconds until the next one may be."""
        wait = MAX_SLEEP_SECONDS
        for name, (task_name, job_schedule) in self.entries.items():
            last_run = self.last_run.setdefault(name, job_schedule.now())
            due, next_in = job_schedule.is_due(last_run)
            if due:
                self.last_run[name] = job_schedule.now()
                self._run(name, task_name)
            wait = min(wait, max(float(next_in), 1.0))
        return wait

    def _run(self, name: str, task_name: str) -> None:
        close_old_connections()
        try:
            self.app.tasks[task_name].apply(throw=True)
            logger.info("periodic job done", extra={"job": name})
        except Exception:
            logger.exception("periodic job failed", extra={"job": name})
        finally:
            close_old_connections()

    def run(self) -> None:
        logger.info("periodic runner started", extra={"jobs": sorted(self.entries)})
        while not self.stopped.is_set():
            self.stopped.wait(self.run_due())
