"""Seals the committed audit events now, instead of waiting for the periodic job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.audit.management.commands.audit_verify import positive_int
from tongban.audit.services import audit_events_seal


class Command(BaseCommand):
    help = "Chain every committed, unsealed audit event now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=positive_int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        sealed = audit_events_seal(batch_size=batch_size)
        self.stdout.write(f"sealed {sealed} audit events")
