"""The jurisdiction resolver: which department handles a department type in a region.

Processes and services name department *types* (market regulation, civil affairs…); the
region of an application decides the real department (通办: any district's application reaches
the right office). The organization app owns departments and regions and installs the
resolver; lower and same-layer apps resolve through here without importing it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from tongban.core.exceptions import NoJurisdiction


@dataclass(frozen=True)
class DepartmentRef:
    id: uuid.UUID
    code: str
    name: str
    region_code: str


class JurisdictionResolver(Protocol):
    def resolve(self, *, department_type: str, region_code: str) -> DepartmentRef | None:
        """The department of this type responsible for the region, or None."""
        ...


_resolver: JurisdictionResolver | None = None


def jurisdiction_resolver_install(resolver: JurisdictionResolver | None) -> None:
    """Installs the one resolver (from ``AppConfig.ready``); None removes it (tests)."""
    global _resolver
    _resolver = resolver


def department_resolve(*, department_type: str, region_code: str) -> DepartmentRef:
    if _resolver is None:
        raise NoJurisdiction()
    department = _resolver.resolve(department_type=department_type, region_code=region_code)
    if department is None:
        raise NoJurisdiction(
            params={"department_type": department_type, "region_code": region_code}
        )
    return department
