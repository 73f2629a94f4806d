"""Re-encrypts every stored value under the active key (and recomputes blind indexes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.core.services import encrypted_values_rotate


class Command(BaseCommand):
    help = "Re-encrypt values stored under older keys; --reindex also rebuilds blind indexes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reindex", action="store_true")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, reindex: bool, batch_size: int, **options: Any) -> None:
        for report in encrypted_values_rotate(reindex=reindex, batch_size=batch_size):
            self.stdout.write(f"{report.field}: {report.rewritten} of {report.seen} rows rewritten")
