"""Personal-data providers: "what do you hold about this person?"

Citizens may see, export and ask to delete what the platform holds about them (Personal
Information Protection Law Art. 44–47). No single app knows everything, so every app that
keeps personal data registers a ``PersonalDataProvider``; the accounts app collects their
answers without importing them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise

from tongban.core.registry import Registry


@dataclass(frozen=True)
class PersonalDataRecord:
    category: str | Promise  # e.g. "Applications"
    description: str | Promise  # e.g. "3 applications, the last on 2026-05-01"
    count: int
    export: dict[str, object]  # JSON-ready content for the data export
    source: str | Promise = ""  # where it came from, e.g. "You, at sign-up"; shown to the person


class PersonalDataProvider(Protocol):
    key: str

    def records(self, *, person_id: uuid.UUID) -> list[PersonalDataRecord]: ...


personal_data_providers: Registry[PersonalDataProvider] = Registry("personal-data provider")


def personal_data_collect(*, person_id: uuid.UUID) -> list[PersonalDataRecord]:
    """Everything every registered provider holds about the person, in registration order."""
    return [
        record
        for provider in personal_data_providers
        for record in provider.records(person_id=person_id)
    ]
