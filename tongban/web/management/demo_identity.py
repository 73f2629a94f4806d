"""The demo city's identities: staff second factors and one verified citizen.

Kept apart from ``demo_city`` (regions, departments, staff) so each stays small; both are
idempotent: a second run finds what the first created.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from tongban.accounts.constants import RealNameLevel
from tongban.accounts.models import Enterprise, User
from tongban.registries.constants import EnterpriseStatus
from tongban.registries.models import DemoEnterprise

DEMO_CITIZEN_USERNAME = "demo-citizen"
DEMO_CITIZEN_MOBILE = "13800138000"


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
