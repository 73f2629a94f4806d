"""Serves the platform for the embedded default, with the periodic jobs running in-process."""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tongban.core.periodic import PeriodicRunner


class Command(BaseCommand):
    help = "Serve on localhost:8000 with the in-process periodic runner (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="localhost:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        if settings.PERIODIC_RUNNER:
            PeriodicRunner(current_app, settings.CELERY_BEAT_SCHEDULE).start()
        call_command("runserver", addrport, use_reloader=False)
