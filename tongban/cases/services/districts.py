"""Any district (通办): a citizen applies in any city or district that offers a service.

A region offers a service when the jurisdiction resolver finds a department of every type
the service (or each service of a bundle) needs for it; a district without its own office
of a type is served by the city's. The process's lanes then route every step by the case's
region, and the timeline names the department of each step.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from tongban.cases.exceptions import RegionNotOffered
from tongban.core.exceptions import FieldError
from tongban.organization.constants import RegionLevel
from tongban.organization.models import Region
from tongban.organization.selectors import department_responsible


def regions_offering(*, department_types: Sequence[str]) -> list[Region]:
    """The cities and districts whose applications reach a department of every type.

    A district without its own office of a type is served by the city's (the jurisdiction
    resolver walks up), so any district of a city that has them all offers the service.
    """
    offering = []
    for region in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT]):
        if all(
            department_responsible(department_type=kind, region_code=region.code) is not None
            for kind in department_types
        ):
            offering.append(region)
    return offering


def region_offering_check(*, department_types: Sequence[str], region_code: str) -> Region:
    """The chosen region if every department type has a department for it; else
    ``RegionNotOffered`` (a region that does not exist is not offered either)."""
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None or any(
        department_responsible(department_type=kind, region_code=region.code) is None
        for kind in department_types
    ):
        raise RegionNotOffered(
            errors={
                "region": [
                    FieldError(
                        "region_not_offered",
                        _("The district you chose does not offer this service."),
                    )
                ]
            }
        )
    return region
