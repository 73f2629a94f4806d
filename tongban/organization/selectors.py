"""Reads of the organization: the region tree, departments, halls and staff positions."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tongban.core.jurisdiction import DepartmentRef
from tongban.organization.models import Department, Region, StaffPosition


def region_ancestry(*, region_code: str) -> list[Region]:
    """The region and every region above it, nearest first (empty for an unknown code)."""
    region = (
        Region.objects.select_related("parent__parent__parent").filter(code=region_code).first()
    )
    chain: list[Region] = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def department_responsible(*, department_type: str, region_code: str) -> Department | None:
    """The department of this type that handles business in the region.

    A region without its own department of the type is served by the nearest region above
    that has one (a district without a housing provident fund office: the city's). Two
    queries, whatever the depth.
    """
    chain = region_ancestry(region_code=region_code)
    if not chain:
        return None
    candidates = {
        department.region_id: department
        for department in Department.objects.select_related("region").filter(
            type__code=department_type,
            region__in=[region.pk for region in chain],
            parent__isnull=True,
        )
    }
    for region in chain:
        if region.pk in candidates:
            return candidates[region.pk]
    return None


class RegionTreeJurisdictionResolver:
    """Core's jurisdiction resolver, answered from the region tree (installed at start-up)."""

    def resolve(self, *, department_type: str, region_code: str) -> DepartmentRef | None:
        department = department_responsible(
            department_type=department_type, region_code=region_code
        )
        if department is None:
            return None
        return DepartmentRef(
            id=department.pk,
            code=department.code,
            name=department.name,
            region_code=department.region.code,
        )


def staff_positions_of(*, user_id: uuid.UUID) -> QuerySet[StaffPosition]:
    """The active roles a user holds, with their departments."""
    return StaffPosition.objects.filter(user_id=user_id, active=True).select_related(
        "department__type", "department__region", "hall"
    )
