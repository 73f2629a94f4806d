"""One-window intake (一窗受理): a window clerk starts a case for a walk-in applicant.

The case is the same kind of case as one made online — same version, form, materials, clocks
and process — with ``channel = counter`` and the one trip the applicant made counted. The
clerk checks the applicant's identity at the counter first (the card read or compared, and
recorded); that check may also raise the account to L3 (real name verified in person).
A walk-in citizen who never registered is served too: the clerk opens an L3 account for them
at the counter (``account_create_in_person``) and the case proceeds as for any account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongban.accounts.constants import AuthenticationStrength, PartyKind, RealNameLevel
from tongban.accounts.models import User
from tongban.accounts.selectors import ActingParty, ActorContext, users_by_resident_id_numbers
from tongban.accounts.services import (
    account_code_send_in_person,
    account_create_in_person,
    real_name_verify_in_person,
)
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.cases.constants import COUNTER_TRIPS, CaseChannel, CaseEventKind, IdentityCheckMethod
from tongban.cases.exceptions import CaseNotFound, CounterApplicantUnknown, IdentityCheckRequired
from tongban.cases.models import Case, CounterIntake
from tongban.cases.services.drafts import case_draft_create
from tongban.cases.services.timeline import case_event_record
from tongban.catalog.models import ServiceItem
from tongban.core.exceptions import NotFound
from tongban.core.identifiers import resident_id_number_validate
from tongban.organization.constants import StaffRole
from tongban.organization.models import Department
from tongban.organization.selectors import staff_positions_of


@dataclass(frozen=True)
class IdentityCheck:
    """What the clerk did at the counter: how the card was checked, its number, and that the
    person in front of them is the one on the card (``confirmed``)."""

    method: str
    id_number: str
    confirmed: bool


@dataclass(frozen=True)
class NewAccount:
    """What the clerk enters to open an account for an applicant who has none: the name on
    the card (checked with the number against the population registry), a mobile number and
    the code sent to it (``counter_account_code_send``) that the applicant read out."""

    real_name: str
    mobile: str
    code: str


def counter_account_code_send(*, clerk: User, mobile: str) -> None:
    """Sends the code that proves the applicant's mobile number before an account is opened
    on it; see ``account_code_send_in_person`` for what it raises."""
    account_code_send_in_person(clerk=clerk, mobile=mobile)


def counter_departments(*, clerk: User) -> list[Department]:
    """The departments where ``clerk`` holds an active window clerk position."""
    return [
        position.department
        for position in staff_positions_of(user_id=clerk.pk)
        if position.role == StaffRole.CLERK
    ]


def counter_items(*, clerk: User) -> list[ServiceItem]:
    """The published services the clerk's departments receive at a counter."""
    type_ids = {department.type_id for department in counter_departments(clerk=clerk)}
    return list(
        ServiceItem.objects.filter(department_type_id__in=type_ids, published_version__isnull=False)
        .select_related("published_version")
        .order_by("name")
    )


def case_counter_intake_start(
    *,
    item_code: str,
    clerk: User,
    identity: IdentityCheck | None,
    raise_to_l3: bool = False,
    new_account: NewAccount | None = None,
    ip_address: str | None = None,
) -> Case:
    """Starts a counter case for the applicant whose card the clerk checked; prefilled as online.

    Raises ``NotFound`` for a service the clerk's departments do not receive,
    ``IdentityCheckRequired`` without a confirmed check, ``InvalidInput`` for a malformed ID
    number and ``CounterApplicantUnknown`` when no verified account holds it and no
    ``new_account`` was given. With ``new_account`` and no account for the number, an L3
    account is opened first, once its code proves the mobile number (its own transaction, so
    the registry read it makes stays logged even when the registry says no; its errors, such
    as ``CodeRequired`` or ``CodeInvalid``, pass through). Nothing of the case is written
    on any error. Should the case fail after the account was opened, the account stays: it
    is the person's, and the next attempt finds it.
    """
    item = next((i for i in counter_items(clerk=clerk) if i.code == item_code), None)
    department = next(
        (
            d
            for d in counter_departments(clerk=clerk)
            if item and d.type_id == item.department_type_id
        ),
        None,
    )
    if item is None or department is None:
        raise NotFound()
    if (
        identity is None
        or not identity.confirmed
        or identity.method not in IdentityCheckMethod.values
        or not identity.id_number.strip()
    ):
        raise IdentityCheckRequired()
    # Raises InvalidResidentIdNumber (field "id_number") with the reason.
    number = resident_id_number_validate(identity.id_number)
    applicant = users_by_resident_id_numbers(id_numbers=[number]).first()
    account_created = account_message_sent = False
    if applicant is None and new_account is not None:
        opened = account_create_in_person(
            clerk=clerk,
            real_name=new_account.real_name,
            id_number=number,
            mobile=new_account.mobile,
            code=new_account.code,
            ip_address=ip_address,
        )
        applicant, account_created = opened.user, opened.created
        account_message_sent = opened.message_sent
        # An account that held the number below L2 is not one the counter may act for.
        if applicant.real_name_level < RealNameLevel.L2:
            raise CounterApplicantUnknown()
    if applicant is None:
        raise CounterApplicantUnknown()
    with transaction.atomic():
        return _counter_case_create(
            item=item,
            department=department,
            clerk=clerk,
            applicant=applicant,
            identity=identity,
            number=number,
            raise_to_l3=raise_to_l3,
            account_created=account_created,
            account_message_sent=account_message_sent,
            ip_address=ip_address,
        )


def _counter_case_create(
    *,
    item: ServiceItem,
    department: Department,
    clerk: User,
    applicant: User,
    identity: IdentityCheck,
    number: str,
    raise_to_l3: bool,
    account_created: bool,
    account_message_sent: bool,
    ip_address: str | None,
) -> Case:
    raised = False
    if raise_to_l3 and applicant.real_name_level < 3:
        applicant = real_name_verify_in_person(user=applicant, clerk=clerk, ip_address=ip_address)
        raised = True
    actor = ActorContext(
        actor_id=clerk.pk,
        party=ActingParty(kind=PartyKind.SELF, id=applicant.pk, name=applicant.display_name),
    )
    # The card checked at the counter is the strongest proof of who applies.
    case = case_draft_create(
        item=item,
        actor=actor,
        real_name_level=applicant.real_name_level,
        authentication_strength=max(AuthenticationStrength.values),
        region_code=department.region.code if department.region_id else None,
    )
    case.channel = CaseChannel.COUNTER
    case.trips_in_person = COUNTER_TRIPS
    case.save(update_fields=["channel", "trips_in_person", "updated_at"])
    now = timezone.now()
    CounterIntake.objects.create(
        case=case,
        clerk=clerk,
        department=department,
        identity_method=identity.method,
        identity_number=number,
        identity_checked_at=now,
        raised_to_l3=raised,
    )
    details = {
        "identity_method": identity.method,
        "raised_to_l3": raised,
        "account_created": account_created,
    }
    if account_created:
        # Whether the text on setting a password reached the person: if not, the clerk
        # explains the steps in person (the counter page says so).
        details["account_message_sent"] = account_message_sent
    case_event_record(
        case=case,
        kind=CaseEventKind.COUNTER_INTAKE,
        actor_id=clerk.pk,
        department=department,
        note=department.name,
        details=details,
    )
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=clerk.pk,
        subject_id=applicant.pk,
        object_type="cases.counter_intake",
        object_id=str(case.pk),
        summary={"service": item.code, **details},
        ip_address=ip_address,
    )
    return case


def counter_account_text_missed(*, case: Case) -> bool:
    """An account was opened with this counter case and the text telling the person how to
    set a password could not be sent: the clerk has to explain the steps in person."""
    event = case.events.filter(kind=CaseEventKind.COUNTER_INTAKE).first()
    details = event.details if event is not None else {}
    return bool(details.get("account_created")) and details.get("account_message_sent") is False


def counter_idempotency_key(case_id: uuid.UUID) -> str:
    """The submit key of a counter case: one case, one submission, whoever presses twice."""
    return f"counter:{case_id}"


def case_get_for_counter(*, clerk: User, case_id: uuid.UUID | str) -> Case:
    """A counter case received by one of the clerk's departments; else ``CaseNotFound``."""
    try:
        key = uuid.UUID(str(case_id))
    except ValueError:
        raise CaseNotFound() from None
    departments = [department.pk for department in counter_departments(clerk=clerk)]
    case = (
        Case.objects.select_related(
            "service_item", "service_version", "counter_intake", "applicant_person"
        )
        .filter(pk=key, channel=CaseChannel.COUNTER, counter_intake__department_id__in=departments)
        .first()
    )
    if case is None:
        raise CaseNotFound()
    return case
