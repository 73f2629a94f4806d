"""Prefill sources: where a form's answers can come from instead of the citizen's typing.

Once only (DESIGN.md §2): what the government already holds — identity claims, registry
records, certificates it issued, answers the person gave in earlier applications — is offered
in the form with its source named. Apps that hold such data register a ``PrefillSource``;
the application forms (``cases``) resolve a form's prefill map through ``prefill_sources``
without importing those apps.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.functional import Promise

from tongban.core.registry import Registry


@dataclass(frozen=True)
class PrefillSubject:
    """Whose data fills the form, who is filling it in, and why (for the access log)."""

    person_id: uuid.UUID | None
    enterprise_id: uuid.UUID | None
    actor_id: uuid.UUID
    purpose: str


@dataclass(frozen=True)
class PrefillField:
    key: str
    label: str | Promise


@dataclass(frozen=True)
class PrefilledValue:
    value: object
    source_label: str | Promise  # shown beside the field: "from the population registry"
    editable: bool  # False for facts the citizen cannot overrule (e.g. a registered birth date)
    details: dict[str, str] = field(default_factory=dict)


class PrefillSource(Protocol):
    # Read-only in the protocol, so a plain class attribute of a narrower type satisfies it.
    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str | Promise: ...

    def fields(self) -> Sequence[PrefillField]:
        """The values this source can provide, for the form designer's prefill picker."""
        ...

    def values(self, *, subject: PrefillSubject, keys: Sequence[str]) -> dict[str, PrefilledValue]:
        """The values for ``keys`` that this source holds about the subject (missing: absent)."""
        ...


prefill_sources: Registry[PrefillSource] = Registry("prefill source")
