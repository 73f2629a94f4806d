"""Chinese search through the token table: words, bigrams, pinyin initials, filters."""

from __future__ import annotations

import pytest

from tongban.catalog import selectors, services
from tongban.catalog.exceptions import SearchQueryInvalid
from tongban.catalog.search import initials, name_tokens, query_tokens
from tongban.catalog.selectors import ServiceFilters
from tongban.catalog.tests.conftest import draft_complete, item_create

pytestmark = pytest.mark.django_db


def publish(code: str, name: str, **extra: object) -> None:
    item = item_create(code=code, name=name, **extra)
    services.service_version_publish(version=draft_complete(item), actor_id=None)


@pytest.fixture
def catalog(certificate_types: None) -> None:
    publish("SCJG-001", "个体工商户设立登记", aliases="个体户开业")
    publish("SCJG-002", "公司设立登记", aliases="开办企业", applicant_types=["enterprise"])
    publish(
        "JJ-001",
        "机动车驾驶证补领",
        aliases="驾照丢失补办",
        department_type_code="traffic_police",
        topics=["transport"],
        kind="public_service",
    )


def codes(query: str, **filters: str) -> list[str]:
    return [
        item.code
        for item in selectors.service_search(query=query, filters=ServiceFilters(**filters))
    ]


def test_pinyin_initials_of_a_word_are_tokens() -> None:
    assert initials("个体工商户") == "gtgsh"
    assert "py:gtgsh" in name_tokens("个体工商户设立登记")


def test_a_chinese_query_requires_its_bigrams() -> None:
    assert query_tokens("营业执照") == (["营业", "业执", "执照"], [])


def test_a_part_of_a_word_finds_the_service(catalog: None) -> None:
    assert codes("驾驶证") == ["JJ-001"]
    # Every test guide's conditions mention 个体工商户; the one whose name has it comes first.
    assert codes("工商户") == ["SCJG-001", "JJ-001", "SCJG-002"]


def test_the_guide_text_is_searched(catalog: None) -> None:
    assert codes("经营能力") == ["JJ-001", "SCJG-001", "SCJG-002"]


def test_aliases_are_searched(catalog: None) -> None:
    assert codes("驾照") == ["JJ-001"]
    assert codes("开办企业") == ["SCJG-002"]


def test_pinyin_initials_find_the_service(catalog: None) -> None:
    assert codes("gtgsh") == ["SCJG-001"]
    assert codes("GTGSH") == ["SCJG-001"]


def test_names_rank_above_guide_text(catalog: None) -> None:
    assert codes("登记")[:2] == ["SCJG-001", "SCJG-002"]


def test_filters_narrow_the_results(catalog: None) -> None:
    assert codes("登记", applicant_type="enterprise") == ["SCJG-002"]
    assert codes("", department_type="traffic_police") == ["JJ-001"]
    assert codes("", topic="transport") == ["JJ-001"]
    assert codes("", channel="counter_only") == []


def test_a_query_without_matches_finds_nothing(catalog: None) -> None:
    assert codes("火箭发射") == []
    assert codes("zzzzz") == []


def test_drafts_are_not_found(catalog: None) -> None:
    item_create(code="DRAFT-1", name="草稿事项登记")

    assert "DRAFT-1" not in codes("草稿")


@pytest.mark.parametrize(
    ("query", "code"),
    [("登" * 51, "too_long"), ("登记\x00", "malformed"), ("\ud800", "malformed")],
)
def test_oversized_or_malformed_queries_are_refused(query: str, code: str) -> None:
    with pytest.raises(SearchQueryInvalid) as raised:
        selectors.service_search(query=query, filters=ServiceFilters())

    assert [error.code for error in raised.value.errors["q"]] == [code]
