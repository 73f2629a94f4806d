"""The demo city's identities: staff second factors and one verified citizen.

Kept apart from ``demo_city`` (regions, departments, staff) so each stays small; both are
idempotent: a second run finds what the first created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db.models import Max, Q
from django.utils import timezone

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.models import Enterprise, User
from tongban.core.working_days import local_date
from tongban.registries.constants import EnterpriseStatus, InsuranceActivityKind
from tongban.registries.models import (
    DemoEnterprise,
    DemoInsuranceActivity,
    DemoPensionAward,
    DemoResident,
)

DEMO_CITIZEN_USERNAME = "demo-citizen"
DEMO_CITIZEN_MOBILE = "13800138000"
# Two retirees for the pension qualification check: one the registries confirm silently, one
# with no recent social-insurance activity (face comparison, else a home visit).
DEMO_RETIREE_ACTIVE_USERNAME = "demo-retiree"
DEMO_RETIREE_ACTIVE_MOBILE = "13800138001"
DEMO_RETIREE_QUIET_USERNAME = "demo-retiree-visit"
DEMO_RETIREE_QUIET_MOBILE = "13800138002"
# Newer than the check's rule (180 days), with a margin so a demo left running stays true.
DEMO_RECENT_DAYS = 150


@dataclass(frozen=True)
class DemoCitizen:
    username: str
    mobile: str
    enterprise: str


def demo_staff_totp_store(*, secrets: Iterable[tuple[str, str]]) -> int:
    """Stores each staff account's printed TOTP secret as its authenticator; returns how many
    were added. Staff must sign in with a second factor, so the printed secrets must work."""
    added = 0
    for username, secret in secrets:
        user = User.objects.filter(username=username).first()
        if (
            user is None
            or Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            continue
        TOTP.activate(user, secret)
        added += 1
    return added


def demo_citizen_build(*, password: str) -> DemoCitizen | None:
    """A citizen at L2 who is the legal representative of a demo enterprise.

    Taken from the demo registries as the real-name check would find them: the first active
    enterprise, in credit-code order, whose representative is alive.
    """
    source = (
        DemoEnterprise.objects.select_related("legal_representative")
        .filter(status=EnterpriseStatus.ACTIVE, legal_representative__deceased_on=None)
        .order_by("credit_code")
        .first()
    )
    if source is None:
        return None
    resident = source.legal_representative
    user = User.objects.filter(username=DEMO_CITIZEN_USERNAME).first()
    if user is None:
        user = User(
            username=DEMO_CITIZEN_USERNAME,
            mobile=DEMO_CITIZEN_MOBILE,
            mobile_verified=True,
            real_name=resident.name,
            resident_id_number=resident.id_number,
            real_name_level=RealNameLevel.L2,
            real_name_verified_at=timezone.now(),
            password=make_password(password),
        )
        user.save()
    Enterprise.objects.get_or_create(
        credit_code=source.credit_code,
        defaults={"name": source.name, "legal_representative": user, "verified_at": timezone.now()},
    )
    return DemoCitizen(username=user.username, mobile=DEMO_CITIZEN_MOBILE, enterprise=source.name)


@dataclass(frozen=True)
class DemoRetiree:
    username: str
    mobile: str
    recently_active: bool


def _demo_account(*, username: str, mobile: str, resident: DemoResident, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            mobile=mobile,
            mobile_verified=True,
            real_name=resident.name,
            resident_id_number=resident.id_number,
            real_name_level=RealNameLevel.L2,
            real_name_verified_at=timezone.now(),
            password=make_password(password),
            elderly_mode=True,
        )
        user.save()
    return user


def demo_retirees_build(*, password: str) -> list[DemoRetiree]:
    """Two retirees at L2 whom the demo social-insurance registry pays a pension: the first
    (in household order) active in the last months, and the first with no activity in the
    last half year. A second run finds the same accounts; the active one gets a fresh
    pharmacy purchase when theirs has aged, so the silent route keeps working in a demo left
    running for months."""
    today = local_date(timezone.now())
    recent = today - dt.timedelta(days=DEMO_RECENT_DAYS)
    half_year = today - dt.timedelta(days=200)
    citizen = User.objects.filter(username=DEMO_CITIZEN_USERNAME).first()
    taken = {citizen.resident_id_number} if citizen is not None else set()
    awards = (
        DemoPensionAward.objects.filter(resident__deceased_on__isnull=True)
        .select_related("resident")
        .annotate(last=Max("resident__insurance_activities__occurred_on"))
        .order_by("resident__household__number", "resident__birth_date", "pk")
    )
    retirees: list[DemoRetiree] = []
    for username, mobile, condition in (
        (DEMO_RETIREE_ACTIVE_USERNAME, DEMO_RETIREE_ACTIVE_MOBILE, Q(last__gte=recent)),
        (
            DEMO_RETIREE_QUIET_USERNAME,
            DEMO_RETIREE_QUIET_MOBILE,
            Q(last__isnull=True) | Q(last__lt=half_year),
        ),
    ):
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            resident = next(
                (
                    award.resident
                    for award in awards
                    if award.resident.id_number == existing.resident_id_number
                ),
                None,
            )
        else:
            resident = next(
                (
                    award.resident
                    for award in awards.filter(condition)
                    if award.resident.id_number not in taken
                ),
                None,
            )
        if resident is None:
            continue
        taken.add(resident.id_number)
        user = _demo_account(username=username, mobile=mobile, resident=resident, password=password)
        active = username == DEMO_RETIREE_ACTIVE_USERNAME
        if (
            active
            and not DemoInsuranceActivity.objects.filter(
                resident=resident, occurred_on__gte=recent
            ).exists()
        ):
            DemoInsuranceActivity.objects.create(
                resident=resident,
                kind=InsuranceActivityKind.PHARMACY,
                occurred_on=today - dt.timedelta(days=2),
            )
        retirees.append(DemoRetiree(username=user.username, mobile=mobile, recently_active=active))
    return retirees
