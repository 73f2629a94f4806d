"""The plug-in interface every registry source implements.

A source answers typed queries with typed records. Callers never call a source directly:
``tongban.registries.services.registry_read`` checks the query, asks the source and logs the
read with its reader and purpose. To add a source (social security, real estate, vehicles…):

1. declare its query and record dataclasses here (records name who they are about);
2. write a ``RegistrySource`` subclass with a ``read`` for each query it supports;
3. register it from ``RegistriesConfig.ready`` under a ``RegistrySourceKey``;
4. give it a demo plug-in on synthetic data, and tests through ``registry_read``.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, ClassVar, Generic, Self, TypeVar

from django.utils.functional import Promise

from tongban.core.identifiers import credit_code_validate, resident_id_number_validate
from tongban.core.registry import Registry

# --- records: what a source answers --------------------------------------------------------


class RegistryRecord:
    """A record about one person or enterprise. Subclasses are frozen dataclasses."""

    def audit_subjects(self) -> list[tuple[str, tuple[str, ...]]]:
        """Whose data this record reveals: ``(identifier, field names)`` per subject."""
        raise NotImplementedError


@dataclass(frozen=True)
class Resident(RegistryRecord):
    id_number: str
    name: str
    sex: str
    ethnicity: str
    birth_date: dt.date
    address: str
    region_code: str
    household_number: str
    relation_to_head: str
    deceased_on: dt.date | None

    def audit_subjects(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(self.id_number, tuple(field.name for field in fields(self)))]


@dataclass(frozen=True)
class ResidentIdCard(RegistryRecord):
    """The resident ID card as a document: the facts printed on it and its validity."""

    id_number: str
    name: str
    sex: str
    ethnicity: str
    birth_date: dt.date
    address: str
    issuing_authority: str
    valid_from: dt.date
    valid_until: dt.date | None  # None: valid for life

    def audit_subjects(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(self.id_number, tuple(field.name for field in fields(self)))]


@dataclass(frozen=True)
class Enterprise(RegistryRecord):
    credit_code: str
    name: str
    kind: str
    status: str
    legal_representative_name: str
    legal_representative_id_number: str
    region_code: str
    registered_address: str
    registered_capital: Decimal
    established_on: dt.date
    business_scope: str

    def audit_subjects(self) -> list[tuple[str, tuple[str, ...]]]:
        representative = ("legal_representative_name", "legal_representative_id_number")
        enterprise_fields = tuple(
            field.name for field in fields(self) if field.name not in representative
        )
        # The representative's name and number are their personal data: they see this read.
        return [
            (self.credit_code, enterprise_fields),
            (self.legal_representative_id_number, representative),
        ]


@dataclass(frozen=True)
class InsuranceActivity(RegistryRecord):
    """One dated trace of a person in the social-insurance systems."""

    id_number: str
    kind: str
    occurred_on: dt.date

    def audit_subjects(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(self.id_number, ("kind", "occurred_on"))]


R = TypeVar("R", bound=RegistryRecord)

# --- queries: what a caller may ask ------------------------------------------------------


@dataclass(frozen=True)
class RegistryQuery(Generic[R]):
    def normalized(self) -> RegistryQuery[R]:
        """The query with its identifiers checked and in stored form; raises ``InvalidInput``."""
        raise NotImplementedError

    def subject_identifier(self) -> str:
        """Whom the caller asked about (logged even when nothing is found)."""
        raise NotImplementedError


@dataclass(frozen=True)
class _ByResidentIdNumber(RegistryQuery[R]):
    """A query about the person with this resident ID number."""

    id_number: str

    def normalized(self) -> Self:
        return replace(self, id_number=resident_id_number_validate(self.id_number))

    def subject_identifier(self) -> str:
        return self.id_number


@dataclass(frozen=True)
class ResidentByIdNumber(_ByResidentIdNumber[Resident]):
    pass


@dataclass(frozen=True)
class HouseholdMembersOf(_ByResidentIdNumber[Resident]):
    """Everyone registered in the household of the person with this ID number."""


@dataclass(frozen=True)
class ResidentIdCardByIdNumber(_ByResidentIdNumber[ResidentIdCard]):
    pass


@dataclass(frozen=True)
class InsuranceActivityOf(_ByResidentIdNumber[InsuranceActivity]):
    """The person's social-insurance activity of the last year, newest first."""


@dataclass(frozen=True)
class EnterprisesRepresentedBy(_ByResidentIdNumber[Enterprise]):
    """The enterprises whose legal representative has this ID number."""


@dataclass(frozen=True)
class EnterpriseByCreditCode(RegistryQuery[Enterprise]):
    credit_code: str

    def normalized(self) -> Self:
        return replace(self, credit_code=credit_code_validate(self.credit_code))

    def subject_identifier(self) -> str:
        return self.credit_code


# --- sources -----------------------------------------------------------------------------


class RegistrySource(abc.ABC):
    key: ClassVar[str]
    label: ClassVar[str | Promise]
    queries: ClassVar[tuple[type[RegistryQuery[Any]], ...]]

    def supports(self, query: RegistryQuery[R]) -> bool:
        return isinstance(query, self.queries)

    @abc.abstractmethod
    def read(self, query: RegistryQuery[R]) -> Sequence[R]:
        """The records answering a normalized query (empty when there are none)."""


registry_sources: Registry[RegistrySource] = Registry("registry source")
