"""The fictional demo city 海川市 (Haichuan), built from the apps' factories.

Every row is looked up by its natural key before it is created (``django_get_or_create``), and
the registries fill themselves only once, so building the city twice changes nothing. Region
codes start with 99, which no real province uses (GB/T 2260), so they never collide with a
real place; the synthetic residents' birth-place codes are real ones, since ID numbers must
pass ``stdnum.cn.ric``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import override
from stdnum.cn import uscc

from tongban.accounts.factories import UserFactory, synthetic_resident_id_number
from tongban.accounts.models import User
from tongban.alerts.factories import rainstorm_input
from tongban.alerts.models import Alert
from tongban.alerts.services import alert_approve, alert_draft
from tongban.appointments.factories import demo_schedules_build
from tongban.catalog.services import demo_catalog_load
from tongban.certificates.constants import BUSINESS_LICENCE, HolderKind
from tongban.certificates.models import Certificate
from tongban.certificates.services import Holder, certificate_issue, issuer_register
from tongban.organization.constants import RegionLevel, StaffRole, StandardDepartmentType
from tongban.organization.factories import (
    DepartmentFactory,
    DepartmentTypeFactory,
    OpeningPeriodFactory,
    RegionFactory,
    ServiceHallFactory,
    StaffPositionFactory,
    WindowFactory,
    factory_create,
)
from tongban.organization.models import Department, Region, ServiceHall
from tongban.registries.constants import EnterpriseStatus
from tongban.registries.models import DemoEnterprise
from tongban.registries.services import (
    DemoStreet,
    demo_registries_populate,
    demo_social_insurance_populate,
)

CITY = ("990200", "海川市")
DISTRICTS = {
    "990202": ("临江区", [("001", "滨江街道"), ("002", "江心街道")]),
    "990203": ("望潮区", [("001", "观澜街道"), ("002", "潮音街道")]),
    "990204": ("青石区", [("001", "石门街道"), ("002", "青岗镇")]),
}
# Department type → (code, name, short name for windows and usernames).
DEPARTMENTS = {
    StandardDepartmentType.MARKET_REGULATION: ("HC-SCJG", "海川市市场监督管理局", "scjg"),
    StandardDepartmentType.HUMAN_RESOURCES_SOCIAL_SECURITY: (
        "HC-RSJ",
        "海川市人力资源和社会保障局",
        "rsj",
    ),
    StandardDepartmentType.PUBLIC_SECURITY: ("HC-GAJ", "海川市公安局", "gaj"),
    StandardDepartmentType.TRAFFIC_POLICE: ("HC-JJZD", "海川市公安局交通警察支队", "jjzd"),
    StandardDepartmentType.HOUSING_PROVIDENT_FUND: ("HC-GJJ", "海川市住房公积金管理中心", "gjj"),
    StandardDepartmentType.HEALTH: ("HC-WJW", "海川市卫生健康委员会", "wjw"),
    StandardDepartmentType.MEDICAL_INSURANCE: ("HC-YBJ", "海川市医疗保障局", "ybj"),
    StandardDepartmentType.CIVIL_AFFAIRS: ("HC-MZJ", "海川市民政局", "mzj"),
    StandardDepartmentType.TAXATION: ("HC-SWJ", "国家税务总局海川市税务局", "swj"),
}
WEEKDAY_HOURS = [(dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))]
SERVICE_CENTRE = "hc-service-centre"
TRAFFIC_POLICE_HALL = "hc-traffic-police-hall"
MARRIAGE_REGISTRY = "hc-marriage-registry"
HALLS = {
    SERVICE_CENTRE: (
        "海川市政务服务中心",
        "990202",
        "海川市临江区海川大道1号",
        "周六上午开放；法定节假日休息",
    ),
    TRAFFIC_POLICE_HALL: (
        "海川市公安局交通警察支队车辆管理所",
        "990203",
        "海川市望潮区临港路88号",
        "法定节假日休息",
    ),
    MARRIAGE_REGISTRY: (
        "海川市民政局婚姻登记处",
        "990204",
        "海川市青石区观澜路16号",
        "“5·20”“七夕”等特殊日期照常办理",
    ),
}
TRAFFIC_WINDOWS = [
    ("B01", "驾驶证业务"),
    ("B02", "机动车登记"),
    ("B03", "机动车检验预约"),
    ("B04", "交通违法处理"),
]
MARRIAGE_WINDOWS = [("C01", "结婚登记"), ("C02", "离婚登记"), ("C03", "补领婚姻登记证")]

# Demo-only credentials: printed by seed_demo, useless anywhere else.
DEMO_PASSWORD = "haichuan-demo-2025"  # noqa: S105
_DEMO_TOTP_SEED = b"tongban demo TOTP secrets (fictional, public)"


def demo_totp_secret(username: str) -> str:
    """The account's TOTP secret: derived from the username, so every run gives the same."""
    digest = hmac.new(_DEMO_TOTP_SEED, username.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    department: str
    role: str
    totp_secret: str


@dataclass(frozen=True)
class DemoCity:
    accounts: list[DemoAccount]
    residents_created: int
    enterprises_created: int


def _regions() -> tuple[Region, dict[str, Region], list[DemoStreet]]:
    city: Region = factory_create(
        RegionFactory, code=CITY[0], name=CITY[1], level=RegionLevel.CITY, parent=None
    )
    districts: dict[str, Region] = {}
    streets: list[DemoStreet] = []
    for code, (name, street_list) in DISTRICTS.items():
        district: Region = factory_create(
            RegionFactory, code=code, name=name, level=RegionLevel.DISTRICT, parent=city
        )
        districts[code] = district
        for suffix, street_name in street_list:
            factory_create(
                RegionFactory,
                code=code + suffix,
                name=street_name,
                level=RegionLevel.STREET,
                parent=district,
            )
            streets.append(
                DemoStreet(
                    code=code + suffix,
                    city_name=city.name,
                    district_name=name,
                    street_name=street_name,
                )
            )
    return city, districts, streets


def _halls(districts: dict[str, Region]) -> dict[str, ServiceHall]:
    halls: dict[str, ServiceHall] = {}
    for code, (name, district_code, address, note) in HALLS.items():
        hall: ServiceHall = factory_create(
            ServiceHallFactory,
            code=code,
            name=name,
            region=districts[district_code],
            address=address,
            opening_hours_note=note,
            phone="12345",
        )
        halls[code] = hall
        for weekday in range(5):
            for opens_at, closes_at in WEEKDAY_HOURS:
                factory_create(
                    OpeningPeriodFactory,
                    hall=hall,
                    weekday=weekday,
                    opens_at=opens_at,
                    closes_at=closes_at,
                )
        if code == SERVICE_CENTRE:
            factory_create(
                OpeningPeriodFactory,
                hall=hall,
                weekday=5,
                opens_at=dt.time(9, 0),
                closes_at=dt.time(12, 0),
            )
    return halls


def _hall_of(department_type: str) -> str:
    if department_type == StandardDepartmentType.TRAFFIC_POLICE:
        return TRAFFIC_POLICE_HALL
    if department_type == StandardDepartmentType.CIVIL_AFFAIRS:
        return MARRIAGE_REGISTRY
    return SERVICE_CENTRE


def _certificates(departments: dict[str, Department]) -> None:
    """A signing key per department, and an e-business licence for the first demo enterprise."""
    for number, department in enumerate(departments.values(), start=1):
        # Government bodies' credit codes start with 11 (GB 32100-2015).
        body = f"11{CITY[0]}MB{number:07d}"
        issuer_register(
            department=department, credit_code=body + uscc.calc_check_digit(body), actor=None
        )
    if Certificate.objects.filter(type__code=BUSINESS_LICENCE).exists():
        return
    # The enterprise the demo citizen represents (demo_identity), so their wallet holds it.
    enterprise = (
        DemoEnterprise.objects.select_related("legal_representative")
        .filter(status=EnterpriseStatus.ACTIVE, legal_representative__deceased_on=None)
        .order_by("credit_code")
        .first()
    )
    if enterprise is None:
        return
    with override("zh-hans"):
        kind = str(enterprise.get_kind_display())
    certificate_issue(
        certificate_type_code=BUSINESS_LICENCE,
        department=departments[StandardDepartmentType.MARKET_REGULATION],
        holder=Holder(HolderKind.ENTERPRISE, enterprise.credit_code, enterprise.name),
        data={
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "kind": kind,
            "legal_representative": enterprise.legal_representative.name,
            "registered_capital": f"{enterprise.registered_capital}万元人民币",
            "established_on": enterprise.established_on.isoformat(),
            "address": enterprise.registered_address,
            "business_scope": enterprise.business_scope,
        },
        valid_from=enterprise.established_on,
    )


def _alert_sample(department: Department, district: Region) -> None:
    """A 暴雨橙色预警 for 临江区, drafted by one demo account and approved by another, ready for
    the approver to send from the staff pages. Once it has expired, the next start drafts a
    fresh one."""
    drafter = User.objects.get(username="mzj-alert-drafter")
    if Alert.objects.filter(
        department=department, drafted_by=drafter, expires__gt=timezone.now()
    ).exists():
        return
    alert = alert_draft(
        actor=drafter,
        department=department,
        data=rainstorm_input(
            area_codes=[district.code], expires=timezone.now() + dt.timedelta(hours=12)
        ),
    )
    alert_approve(alert=alert, actor=User.objects.get(username="mzj-alert-approver"))


def demo_city_build() -> DemoCity:
    """Creates whatever of Haichuan is missing; call inside one transaction."""
    city, districts, streets = _regions()
    halls = _halls(districts)
    departments: dict[str, Department] = {}
    for number, (type_code, (code, name, _short)) in enumerate(DEPARTMENTS.items(), start=1):
        department: Department = factory_create(
            DepartmentFactory,
            code=code,
            name=name,
            type=factory_create(DepartmentTypeFactory, code=type_code),
            region=city,
            parent=None,
        )
        departments[type_code] = department
        factory_create(
            WindowFactory,
            hall=halls[SERVICE_CENTRE],
            number=f"A{number:02d}",
            name=f"{name}窗口",
            department=department,
        )
    for window_number, name in TRAFFIC_WINDOWS:
        factory_create(
            WindowFactory,
            hall=halls[TRAFFIC_POLICE_HALL],
            number=window_number,
            name=name,
            department=departments[StandardDepartmentType.TRAFFIC_POLICE],
        )
    for window_number, name in MARRIAGE_WINDOWS:
        factory_create(
            WindowFactory,
            hall=halls[MARRIAGE_REGISTRY],
            number=window_number,
            name=name,
            department=departments[StandardDepartmentType.CIVIL_AFFAIRS],
        )

    accounts: list[DemoAccount] = []
    password_hash = ""
    sequence = 0
    for type_code, (_code, name, short) in DEPARTMENTS.items():
        for role in StaffRole:
            sequence += 1
            username = f"{short}-{role.value.replace('_', '-')}"
            if not User.objects.filter(username=username).exists():
                # Hashing is slow on purpose; only new accounts need it.
                password_hash = password_hash or make_password(DEMO_PASSWORD)
            user: User = factory_create(
                UserFactory,
                username=username,
                email=f"{username}@haichuan.gov.example",
                password=password_hash or "!",
                real_name=f"{name[3:5]}职员{sequence:02d}",
                resident_id_number=synthetic_resident_id_number(900 + sequence),
                mobile=f"1390000{sequence:04d}",
                is_staff=role == StaffRole.ADMINISTRATOR,
                is_superuser=role == StaffRole.ADMINISTRATOR,
            )
            factory_create(
                StaffPositionFactory,
                user=user,
                department=departments[type_code],
                role=role,
                hall=halls[_hall_of(type_code)] if role == StaffRole.CLERK else None,
            )
            accounts.append(
                DemoAccount(
                    username=username,
                    department=name,
                    role=str(role.label),
                    totp_secret=demo_totp_secret(username),
                )
            )
    _alert_sample(departments[StandardDepartmentType.CIVIL_AFFAIRS], districts["990202"])
    report = demo_registries_populate(streets=streets)
    # Pensions and medical visits, so the pension check meets each of its routes.
    demo_social_insurance_populate()
    _certificates(departments)
    # The service catalog: real-shaped guides, forms and processes (tongban/catalog/demo/).
    demo_catalog_load()
    # Appointments at the traffic police hall and the marriage registry, slots included.
    demo_schedules_build()
    return DemoCity(
        accounts=accounts,
        residents_created=report.residents,
        enterprises_created=report.enterprises,
    )
