"""Prints a new key for FIELD_ENCRYPTION_KEYS, or one for FIELD_BLIND_INDEX_KEY."""

from __future__ import annotations

import base64
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.core.encryption import key_generate


class Command(BaseCommand):
    help = "Generate a field-encryption key (key_id:base64) or, with --blind-index, an HMAC key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key_id", nargs="?", default="")
        parser.add_argument("--blind-index", action="store_true")

    def handle(self, *args: Any, key_id: str, blind_index: bool, **options: Any) -> None:
        if blind_index:
            self.stdout.write(base64.b64encode(os.urandom(32)).decode())
            return
        if not key_id:
            from django.utils import timezone

            key_id = timezone.localdate().strftime("k%Y%m%d")
        self.stdout.write(key_generate(key_id))
