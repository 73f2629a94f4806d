"""Material satisfiers: documents the government already holds that replace an upload.

A service's materials list (``catalog``) names what an applicant must provide; when the
government itself issued it (an e-certificate), the applicant should never upload a copy
(DESIGN.md §2, once only). Apps that hold such documents register a ``MaterialSatisfier``;
the application forms (``cases``) ask every satisfier which held documents fit a material,
without importing those apps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise

from tongban.core.registry import Registry


@dataclass(frozen=True)
class MaterialHolder:
    """Whose documents: a person (by account) or an enterprise (by credit code)."""

    user_id: uuid.UUID | None = None
    resident_id_number: str = ""
    credit_code: str = ""


@dataclass(frozen=True)
class SatisfyingDocument:
    satisfier: str  # the satisfier's key
    reference: str  # stable id of the document (a certificate id)
    label: str | Promise  # shown to the applicant: "营业执照 1.2.156…"
    valid_until: str  # ISO date, or "" for long-term


class MaterialSatisfier(Protocol):
    @property
    def key(self) -> str: ...

    def satisfying(self, *, holder: MaterialHolder, requirement: str) -> list[SatisfyingDocument]:
        """Documents of ``holder`` that fulfil ``requirement`` (e.g. a certificate type code)."""
        ...


material_satisfiers: Registry[MaterialSatisfier] = Registry("material satisfier")


@dataclass(frozen=True)
class HeldDocumentKind:
    """A kind of document, other than an e-certificate type, that a satisfier can supply
    (the resident ID card the population registry holds); the catalog accepts its code
    among a material's ``certificate_type_codes``."""

    code: str
    label: str | Promise


held_document_kinds: Registry[HeldDocumentKind] = Registry("held document kind")
