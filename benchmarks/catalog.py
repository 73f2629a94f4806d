"""Catalog search latency over 5,000 services, against reading one row by key.

Run by ``python -m benchmarks`` against the benchmark's PostgreSQL database, with
``benchmarks.settings``. Seeds 5,000 published services (names built from real item names,
tokens made by the catalog's own tokenizer: jieba words, bigrams, pinyin initials), then times
``catalog.selectors.service_search`` for Chinese words, parts of words and pinyin initials,
and ``BenchRow`` reads by key in the same process. Reports the p95 of each and their ratio.
"""

from __future__ import annotations

import itertools
import statistics
import time
import uuid

import django

SERVICES = 5_000
ROUNDS = 400

REGIONS = [
    "海川市",
    "临江区",
    "东湖区",
    "西岭区",
    "南港区",
    "北塘镇",
    "青石街道",
    "白沙乡",
    "云溪镇",
    "滨海新区",
]
ACTIONS = [
    "设立登记",
    "变更登记",
    "注销登记",
    "备案",
    "审批",
    "资格认证",
    "补领",
    "预约",
    "提取",
    "参保登记",
]
OBJECTS = [
    "个体工商户",
    "有限责任公司",
    "公章刻制",
    "纳税人",
    "社会保险",
    "住房公积金",
    "养老金",
    "生育",
    "出生医学证明",
    "户口",
    "医疗保险",
    "驾驶证",
    "机动车",
    "婚姻",
    "食品经营许可",
    "药品经营",
    "建筑工程施工",
    "道路运输",
    "出版物经营",
    "人力资源服务",
    "劳务派遣",
    "烟草专卖零售",
    "排污许可",
    "取水许可",
    "林木采伐",
    "渔业捕捞",
    "船舶登记",
    "律师执业",
    "医师执业",
    "护士执业",
    "教师资格",
    "导游证",
    "特种设备使用",
    "危险化学品经营",
    "消防安全检查",
    "公共场所卫生",
    "放射诊疗",
    "民办学校",
    "养老机构",
    "慈善组织",
    "社会团体",
    "宗教活动场所",
    "殡葬服务",
    "户外广告设置",
    "城市道路占用",
    "临时建筑",
    "商品房预售",
    "不动产",
    "抵押权",
    "营业执照",
]
QUERIES = ["执照", "营业执照", "gtgsh", "公积金", "驾驶证补领", "zfgjj", "医疗保险参保", "婚姻"]


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    django.setup()
    from django.db import transaction

    from benchmarks.models import BenchRow
    from tongban.catalog import search
    from tongban.catalog.models import SearchToken, ServiceItem, ServiceVersion
    from tongban.catalog.selectors import ServiceFilters, service_search
    from tongban.organization.models import DepartmentType

    department_type, _created = DepartmentType.objects.get_or_create(
        code="market_regulation", defaults={"name": "市场监督管理"}
    )
    names = [
        f"{region}{thing}{action}"
        for region, thing, action in itertools.islice(
            itertools.product(REGIONS, OBJECTS, ACTIONS), SERVICES
        )
    ]
    with transaction.atomic():
        items = ServiceItem.objects.bulk_create(
            ServiceItem(
                code=f"BENCH-{number:05d}",
                name=name,
                kind="licensing",
                department_type=department_type,
                applicant_types=["person"],
                topics=[],
                channel="fully_online",
            )
            for number, name in enumerate(names)
        )
        versions = ServiceVersion.objects.bulk_create(
            ServiceVersion(item=item, number=1, status="published", promised_days=1, legal_days=3)
            for item in items
        )
        for item, version in zip(items, versions, strict=True):
            item.published_version = version
        ServiceItem.objects.bulk_update(items, ["published_version"], batch_size=1000)
        SearchToken.objects.bulk_create(
            (
                SearchToken(item=item, token=token, weight=3)
                for item in items
                for token in search.name_tokens(item.name)
            ),
            batch_size=5000,
        )
    keys = list(BenchRow.objects.values_list("key", flat=True)[:1000]) or [uuid.uuid4().hex]

    reads: list[float] = []
    for key in itertools.islice(itertools.cycle(keys), ROUNDS):
        started = time.perf_counter()
        BenchRow.objects.filter(key=key).first()
        reads.append(time.perf_counter() - started)
    searches: list[float] = []
    found = 0
    for query in itertools.islice(itertools.cycle(QUERIES), ROUNDS):
        started = time.perf_counter()
        found += len(service_search(query=query, filters=ServiceFilters()))
        searches.append(time.perf_counter() - started)
    read_p95 = _percentile(reads, 0.95) * 1000
    search_p95 = _percentile(searches, 0.95) * 1000
    print(
        f"| catalog: search {SERVICES:,} services (in-process) | p95 {search_p95:.2f} ms "
        f"(p50 {statistics.median(searches) * 1000:.2f} ms) | read one row by key p95 "
        f"{read_p95:.2f} ms | ratio {search_p95 / read_p95:.1f} | {found / ROUNDS:.0f} hits/query |"
    )


if __name__ == "__main__":
    main()
