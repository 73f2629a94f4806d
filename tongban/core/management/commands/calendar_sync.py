"""Adds official holiday schedules from the installed chinese-calendar package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongban.core.services import calendar_sync


class Command(BaseCommand):
    help = "Add every official holiday schedule chinese-calendar knows and the table lacks."

    def handle(self, *args: Any, **options: Any) -> None:
        added = calendar_sync()
        self.stdout.write("added: " + (", ".join(map(str, added)) if added else "nothing"))
