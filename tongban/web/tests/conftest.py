from __future__ import annotations

from collections.abc import Iterator

import pytest

from tongban.web.regions import RegionOption, region_source_install


@pytest.fixture
def regions() -> Iterator[list[RegionOption]]:
    """Two regions of the demo city, without depending on how organization stores them."""
    options = [
        RegionOption(code="370200", name="海川市"),
        RegionOption(code="370202", name="海川市东湖区"),
    ]
    region_source_install(lambda: options)
    yield options
    from tongban.web.regions import organization_regions

    region_source_install(organization_regions)
