"""Verifies the audit chain and reports its first broken link."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.audit.selectors import audit_chain_verify


def positive_int(raw: str) -> int:
    """An argparse type: a whole number of at least 1, with a message that says so."""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {raw!r}")
    return value


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; fails at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=positive_int, default=1000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        report = audit_chain_verify(batch_size=batch_size)
        if report.first_break is not None:
            broken = report.first_break
            raise CommandError(
                f"audit chain broken at sequence {broken.sequence}"
                f" (event {broken.event_id or 'missing'}): {broken.reason.label}."
                f" {report.checked} events before it verified."
            )
        self.stdout.write(
            f"audit chain intact: {report.checked} events verified from sequence "
            f"{report.start_sequence + 1} to {report.head_sequence}; head hash "
            f"{report.head_hash}; {report.unsealed} events not sealed yet."
        )
