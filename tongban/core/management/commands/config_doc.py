"""Writes docs/configuration.md from the environment variables the settings read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tongban.core.env import configuration_markdown, env


def configuration_doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "configuration.md"


class Command(BaseCommand):
    help = "Regenerate docs/configuration.md (or --check that it is current)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is stale.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        text = configuration_markdown(env.variables)
        path = configuration_doc_path()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise SystemExit("docs/configuration.md is out of date: run make config-doc")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
