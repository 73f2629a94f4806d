"""The demo catalog: real-shaped services and two bundles, published through the services."""

from __future__ import annotations

import pytest

from tongban.catalog import selectors, services
from tongban.catalog.models import Bundle, ServiceItem
from tongban.catalog.selectors import ServiceFilters

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(certificate_types: None) -> None:
    from tongban.organization.constants import StandardDepartmentType
    from tongban.organization.models import DepartmentType

    for department_type in StandardDepartmentType:
        DepartmentType.objects.get_or_create(
            code=department_type.value, defaults={"name": str(department_type.label)}
        )
    services.demo_catalog_load()


def test_the_demo_publishes_sixteen_services_across_nine_department_types(demo: None) -> None:
    items = ServiceItem.objects.filter(published_version__isnull=False)

    assert items.count() == 16
    assert items.values("department_type").distinct().count() == 9
    assert set(Bundle.objects.values_list("code", flat=True)) == {"start-business", "newborn"}


def test_loading_the_demo_again_changes_nothing(demo: None) -> None:
    assert services.demo_catalog_load() == 0
    assert ServiceItem.objects.count() == 16


def test_the_newborn_bundle_promises_its_slowest_branch(demo: None) -> None:
    guide = selectors.bundle_guide(code="newborn")

    assert guide.promised_days == 3
    assert [item.code for item in guide.items] == ["HC-WJ-002", "HC-GA-002", "HC-YB-001"]


def test_the_demo_is_searchable_in_chinese_and_pinyin(demo: None) -> None:
    def codes(query: str) -> list[str]:
        return [
            item.code for item in selectors.service_search(query=query, filters=ServiceFilters())
        ]

    assert codes("gtgsh") == ["00013112800001"]
    # 执照 finds the two registrations whose aliases say 营业执照.
    assert set(codes("执照")[:2]) == {"00013112800001", "00013112700401"}
    assert "HC-JJ-003" in codes("驾照")
