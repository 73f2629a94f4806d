"""The regions a visitor can choose in the header.

Regions are the organization app's (DESIGN.md §4); the portal only remembers the choice. The
source is a function so the portal does not depend on how organization stores them: it is
set from ``WebConfig.ready`` and replaced in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tongban.organization.constants import RegionLevel
from tongban.organization.models import Region


@dataclass(frozen=True)
class RegionOption:
    code: str
    name: str


def _no_regions() -> Sequence[RegionOption]:
    return ()


def organization_regions() -> Sequence[RegionOption]:
    """Cities and districts: the level at which a citizen picks where their business is done.

    Streets and townships are left out; a province-wide deployment has thousands of them,
    too many for a header list. (A selector in organization can take this over.)
    """
    return [
        RegionOption(code=code, name=name)
        for code, name in Region.objects.filter(
            level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT]
        )
        .order_by("code")
        .values_list("code", "name")
    ]


_source: Callable[[], Sequence[RegionOption]] = _no_regions


def region_source_install(source: Callable[[], Sequence[RegionOption]] | None) -> None:
    """Sets where region options come from; None removes the source (tests)."""
    global _source
    _source = source or _no_regions


def region_options() -> Sequence[RegionOption]:
    return _source()


def region_find(code: str) -> RegionOption | None:
    return next((option for option in region_options() if option.code == code), None)
