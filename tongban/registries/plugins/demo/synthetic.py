"""Synthetic, fictional registry data: the same seed always gives the same people.

Nothing here describes a real person. Names are random combinations of common characters
(plus a few rare ones outside GB2312, such as 𠇔 and 堃, because real systems must cope with
them); ID numbers are built from real birth-place codes that ``stdnum.cn.ric`` accepts, a
random birth date, a sequence number and the computed check digit; enterprises are
invented brand names with well-formed unified social credit codes.

All dates are relative to ``REFERENCE_DATE``, never to today, so the data does not change
with the day it is generated.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from stdnum.cn import ric, uscc

from tongban.registries.constants import EnterpriseKind, EnterpriseStatus, HouseholdRelation, Sex

REFERENCE_DATE = dt.date(2025, 6, 30)
DEFAULT_SEED = 20250630

# Real county codes (GB/T 2260) that stdnum accepts for every birth year we generate; the
# generator still checks each number and moves to the next code if one is refused.
BIRTH_PLACE_CODES = (
    "110101",
    "110105",
    "120101",
    "310104",
    "310115",
    "330106",
    "320102",
    "440305",
    "420102",
    "510104",
    "370202",
    "350203",
    "210202",
    "430104",
)
FALLBACK_BIRTH_PLACE_CODES = ("110101", "120101", "310104")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌志宏海波宁欣怡子涵浩然宇轩梓萱雨桐"
    "思远嘉诚俊杰晨阳佳琪雅婷博文一鸣若曦晓东春梅秋菊冬雪云飞振华德胜玉兰淑珍"
)
# Outside GB2312: name fields, fonts and exports must all handle them.
RARE_CHARACTERS = ("𠇔", "堃", "喆", "玥", "珺", "昇", "琤", "赟", "瑄")
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族", "蒙古族", "土家族")

BRAND_WORDS = (
    "澜兴",
    "川泰",
    "海悦",
    "潮声",
    "青石",
    "望舒",
    "临江",
    "长汀",
    "知行",
    "云帆",
    "百川",
    "启明",
    "和润",
    "瀚海",
    "星澜",
    "蓝湾",
    "松涛",
    "银滩",
    "晴川",
    "鸿图",
)
INDUSTRIES = (
    ("科技", "软件开发；信息技术咨询服务"),
    ("贸易", "日用百货、五金产品批发零售"),
    ("餐饮管理", "餐饮服务；餐饮管理"),
    ("物流", "普通货物道路运输；仓储服务"),
    ("建筑工程", "房屋建筑工程施工；装饰装修"),
    ("文化传媒", "广告设计、制作、代理；文艺创作"),
    ("教育咨询", "教育咨询服务（不含培训）"),
    ("海产品", "水产品收购、加工、销售"),
    ("健康管理", "健康咨询服务（不含诊疗）"),
    ("新材料", "新型建筑材料研发、销售"),
)
SHOP_KINDS = ("小吃店", "便利店", "理发店", "水果店", "五金店", "茶馆", "修车铺", "花店")
ROAD_NAMES = ("滨江路", "望潮街", "青石巷", "海川大道", "临港路", "长汀街", "观澜路", "渔港路")

# GB 11714 organisation code check digit weights (positions 9–17 of a credit code).
_ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class DemoStreet:
    """A street of the demo city where residents live (its code and the names for addresses)."""

    code: str
    city_name: str
    district_name: str
    street_name: str


@dataclass
class SyntheticResident:
    id_number: str
    name: str
    sex: str
    ethnicity: str
    birth_date: dt.date
    relation_to_head: str
    deceased_on: dt.date | None = None
    card_valid_from: dt.date | None = None
    card_valid_until: dt.date | None = None
    has_card: bool = False


@dataclass
class SyntheticHousehold:
    number: str
    street: DemoStreet
    address: str
    members: list[SyntheticResident] = field(default_factory=list)


@dataclass(frozen=True)
class SyntheticEnterprise:
    credit_code: str
    name: str
    kind: str
    status: str
    representative_id_number: str
    region_code: str
    registered_address: str
    registered_capital: Decimal
    established_on: dt.date
    business_scope: str


def id_number_make(birth_place: str, birth_date: dt.date, sequence: int) -> str:
    """A resident ID number with its check digit (sequence: odd for men, even for women)."""
    body = f"{birth_place}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def organization_code_make(digits: str) -> str:
    """An 8-digit organisation code body with its GB 11714 check character."""
    total = sum(
        int(digit) * weight
        for digit, weight in zip(digits, _ORGANIZATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return digits + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code_make(*, kind: str, region_code: str, organization_digits: str) -> str:
    """A unified social credit code registered by market regulation (authority 9)."""
    entity = "2" if kind == EnterpriseKind.SOLE_PROPRIETORSHIP else "1"
    body = "9" + entity + region_code[:6] + organization_code_make(organization_digits)
    return body + uscc.calc_check_digit(body)


class PopulationGenerator:
    def __init__(self, *, seed: int, streets: Sequence[DemoStreet]) -> None:
        if not streets:
            raise ValueError("the population needs at least one street to live in")
        # Seeded for repeatability; nothing here is a secret.
        self.random = random.Random(seed)  # noqa: S311
        self.streets = list(streets)
        self.used_id_numbers: set[str] = set()
        self.household_count = 0
        self.resident_count = 0

    def name(self, surname: str | None = None) -> str:
        rnd = self.random
        if surname is None:
            surname = rnd.choice(COMPOUND_SURNAMES) if rnd.random() < 0.03 else rnd.choice(SURNAMES)
        # Every 40th person carries a rare character, so a 1,000-person registry has ~25.
        self.resident_count += 1
        if self.resident_count % 40 == 1:
            rare = RARE_CHARACTERS[(self.resident_count // 40) % len(RARE_CHARACTERS)]
            return surname + (
                rare if rnd.random() < 0.5 else rnd.choice(GIVEN_NAME_CHARACTERS) + rare
            )
        length = 1 if rnd.random() < 0.35 else 2
        return surname + "".join(rnd.choice(GIVEN_NAME_CHARACTERS) for _ in range(length))

    def id_number(self, birth_date: dt.date, sex: str) -> str:
        rnd = self.random
        first = rnd.randrange(len(BIRTH_PLACE_CODES))
        places = BIRTH_PLACE_CODES[first:] + BIRTH_PLACE_CODES[:first] + FALLBACK_BIRTH_PLACE_CODES
        for place in places:
            for _attempt in range(20):
                sequence = rnd.randrange(1, 999)
                if (sequence % 2 == 1) != (sex == Sex.MALE):
                    sequence = sequence + 1 if sequence < 998 else sequence - 1
                number = id_number_make(place, birth_date, sequence)
                if number not in self.used_id_numbers and ric.is_valid(number):
                    self.used_id_numbers.add(number)
                    return number
        raise RuntimeError("no valid ID number could be made for this birth date")

    def birth_date(self, *, min_age: int, max_age: int) -> dt.date:
        oldest = REFERENCE_DATE - dt.timedelta(days=int(365.25 * (max_age + 1)) - 1)
        youngest = REFERENCE_DATE - dt.timedelta(days=int(365.25 * min_age))
        span = (youngest - oldest).days
        return oldest + dt.timedelta(days=self.random.randrange(max(span, 1)))

    def person(
        self,
        *,
        relation: str,
        min_age: int,
        max_age: int,
        sex: str | None = None,
        surname: str | None = None,
    ) -> SyntheticResident:
        sex = sex or self.random.choice([Sex.MALE, Sex.FEMALE])
        birth_date = self.birth_date(min_age=min_age, max_age=max(min_age, max_age))
        resident = SyntheticResident(
            id_number=self.id_number(birth_date, sex),
            name=self.name(surname),
            sex=sex,
            ethnicity=self.random.choice(ETHNICITIES),
            birth_date=birth_date,
            relation_to_head=relation,
        )
        self.card_assign(resident)
        return resident

    def card_assign(self, resident: SyntheticResident) -> None:
        """The card's validity follows the Resident Identity Card Law, Art. 5."""
        age = (REFERENCE_DATE - resident.birth_date).days // 365
        if age < 16:
            return  # under 16 a card is optional; the demo registry issues none
        years = 10 if age < 26 else 20 if age < 46 else None
        resident.has_card = True
        if years is None:
            resident.card_valid_from = REFERENCE_DATE - dt.timedelta(
                days=self.random.randrange(1, 3650)
            )
            return
        valid_from = REFERENCE_DATE - dt.timedelta(days=self.random.randrange(1, 365 * years))
        resident.card_valid_from = valid_from
        resident.card_valid_until = (
            valid_from.replace(year=valid_from.year + years)
            if not (valid_from.month == 2 and valid_from.day == 29)
            else dt.date(valid_from.year + years, 3, 1)
        )

    def household(self) -> SyntheticHousehold:
        rnd = self.random
        self.household_count += 1
        street = self.streets[(self.household_count - 1) % len(self.streets)]
        address = (
            f"{street.city_name}{street.district_name}{street.street_name}"
            f"{rnd.choice(ROAD_NAMES)}{rnd.randrange(1, 300)}号"
            f"{rnd.randrange(1, 30)}栋{rnd.randrange(1, 33):02d}0{rnd.randrange(1, 5)}室"
        )
        household = SyntheticHousehold(
            number=f"{street.code[-6:]}{self.household_count:06d}", street=street, address=address
        )
        head = self.person(relation=HouseholdRelation.HEAD, min_age=22, max_age=88)
        household.members.append(head)
        head_age = (REFERENCE_DATE - head.birth_date).days // 365
        if rnd.random() < 0.75:
            spouse_sex = Sex.FEMALE if head.sex == Sex.MALE else Sex.MALE
            household.members.append(
                self.person(
                    relation=HouseholdRelation.SPOUSE,
                    sex=spouse_sex,
                    min_age=max(20, head_age - 6),
                    max_age=min(95, head_age + 6),
                )
            )
        surname = head.name[:2] if head.name[:2] in COMPOUND_SURNAMES else head.name[0]
        if head_age >= 24:
            for _child in range(rnd.choice((0, 1, 1, 2, 2, 3))):
                household.members.append(
                    self.person(
                        relation=HouseholdRelation.CHILD,
                        surname=surname,
                        min_age=max(0, head_age - 40),
                        max_age=max(0, head_age - 22),
                    )
                )
        if 30 <= head_age <= 55 and rnd.random() < 0.15:
            household.members.append(
                self.person(relation=HouseholdRelation.PARENT, min_age=head_age + 22, max_age=95)
            )
        # A few registered deaths among the old: services must refuse to act for them.
        for member in household.members:
            age = (REFERENCE_DATE - member.birth_date).days // 365
            if age >= 70 and rnd.random() < 0.12:
                member.deceased_on = REFERENCE_DATE - dt.timedelta(days=rnd.randrange(30, 3000))
                member.deceased_on = max(
                    member.deceased_on, member.birth_date + dt.timedelta(days=1)
                )
                member.has_card = False
        return household

    def population(self, *, residents: int) -> list[SyntheticHousehold]:
        households: list[SyntheticHousehold] = []
        count = 0
        while count < residents:
            household = self.household()
            households.append(household)
            count += len(household.members)
        return households


def enterprises_generate(
    *,
    seed: int,
    count: int,
    representatives: Sequence[SyntheticResident],
    streets: Sequence[DemoStreet],
) -> list[SyntheticEnterprise]:
    """Enterprises of the demo city; representatives are living adults of the population."""
    rnd = random.Random(seed + 1)  # noqa: S311 (repeatable synthetic data)
    adults = [
        person
        for person in representatives
        if person.deceased_on is None and (REFERENCE_DATE - person.birth_date).days >= 18 * 366
    ]
    if not adults or not streets:
        raise ValueError("enterprises need adult residents and streets")
    enterprises: list[SyntheticEnterprise] = []
    names: set[str] = set()
    codes: set[str] = set()
    city_name = streets[0].city_name
    while len(enterprises) < count:
        street = rnd.choice(list(streets))
        kind = rnd.choices(
            [
                EnterpriseKind.LIMITED_COMPANY,
                EnterpriseKind.SOLE_PROPRIETORSHIP,
                EnterpriseKind.PARTNERSHIP,
            ],
            weights=[6, 3, 1],
        )[0]
        representative = rnd.choice(adults)
        industry, scope = rnd.choice(INDUSTRIES)
        if kind == EnterpriseKind.SOLE_PROPRIETORSHIP:
            name = f"{street.district_name}{representative.name}{rnd.choice(SHOP_KINDS)}"
            scope = "个体经营：" + scope
        elif kind == EnterpriseKind.PARTNERSHIP:
            name = f"{city_name}{rnd.choice(BRAND_WORDS)}{industry}合伙企业（有限合伙）"
        else:
            name = (
                f"{city_name}{rnd.choice(BRAND_WORDS)}{rnd.choice(BRAND_WORDS)}{industry}有限公司"
            )
        if name in names:
            continue
        code = credit_code_make(
            kind=kind,
            region_code=street.code[:6],
            organization_digits=f"{rnd.randrange(10**8):08d}",
        )
        if code in codes:
            continue
        names.add(name)
        codes.add(code)
        enterprises.append(
            SyntheticEnterprise(
                credit_code=code,
                name=name,
                kind=kind,
                status=EnterpriseStatus.DEREGISTERED
                if rnd.random() < 0.05
                else EnterpriseStatus.ACTIVE,
                representative_id_number=representative.id_number,
                region_code=street.code,
                registered_address=(
                    f"{street.city_name}{street.district_name}{street.street_name}"
                    f"{rnd.choice(ROAD_NAMES)}{rnd.randrange(1, 500)}号"
                ),
                registered_capital=Decimal(rnd.choice((1, 3, 5, 10, 50, 100, 200, 500, 1000))),
                established_on=REFERENCE_DATE - dt.timedelta(days=rnd.randrange(30, 365 * 25)),
                business_scope=scope,
            )
        )
    return enterprises
