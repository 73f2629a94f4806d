"""Deletes audit events older than the retention period (normally the daily job does it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.audit.management.commands.audit_verify import positive_int
from tongban.audit.services import audit_events_purge


class Command(BaseCommand):
    help = "Purge audit events past AUDIT_RETENTION_DAYS; the remaining chain stays verifiable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=positive_int, default=5000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        report = audit_events_purge(batch_size=batch_size)
        self.stdout.write(
            f"purged {report.purged} audit events older than {report.cutoff:%Y-%m-%d %H:%M}"
        )
