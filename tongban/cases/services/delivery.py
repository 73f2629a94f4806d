"""Delivery of a case's result: into the certificate wallet, by post, or pickup at a hall.

The applicant chooses among the version's delivery options while the case is open. When the
certificate is issued the delivery becomes ready (in the wallet, waiting to be posted, ready
for pickup); staff of the handling department then record the post (a tracking number) and
its end (delivered, or returned and posted again), or the pickup — a trip in person, counted.
The postal address and recipient are personal data: encrypted at rest, never in the
timeline, the audit summary or the logs.
"""

from __future__ import annotations

import re
import uuid

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record, personal_data_read_record
from tongban.cases.constants import (
    ADDRESS_MAX_LENGTH,
    DELIVERY_STAFF_MOVES,
    FINAL_STATUSES,
    TRACKING_NUMBER_MAX_LENGTH,
    CaseEventKind,
    CaseStatus,
    DeliveryStatus,
)
from tongban.cases.exceptions import (
    CaseNotEditable,
    CaseNotFound,
    DeliveryAddressRequired,
    DeliveryMoveInvalid,
    DeliveryNotOffered,
)
from tongban.cases.models import Case, CaseDelivery
from tongban.cases.services.clocks import staff_department_ids
from tongban.cases.services.timeline import case_event_record
from tongban.catalog.constants import Delivery
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.organization.models import ServiceHall

DELIVERY_PURPOSE = "posting the result of an application"
POSTAL_CODE = re.compile(r"^[0-9]{6}$")
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9-]{6,40}$")
READY_STATUS = {
    Delivery.E_LICENCE: DeliveryStatus.IN_WALLET,
    Delivery.POST: DeliveryStatus.READY_FOR_POSTING,
    Delivery.PICKUP: DeliveryStatus.READY_FOR_PICKUP,
}


@transaction.atomic
def case_delivery_choose(
    *,
    case_id: uuid.UUID,
    actor_id: uuid.UUID,
    method: str,
    recipient_name: str = "",
    address: str = "",
    postal_code: str = "",
    hall_code: str = "",
) -> CaseDelivery:
    """Sets how the result of an open case reaches the applicant (the caller scoped the case).

    Raises ``DeliveryNotOffered``, ``DeliveryAddressRequired`` (post without recipient,
    address or a six-digit postal code) and ``InvalidInput`` (pickup without a known hall);
    nothing is stored then.
    """
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None:
        raise CaseNotFound()
    if case.status in FINAL_STATUSES:
        raise CaseNotEditable()
    if method not in (case.service_version.delivery_options or []):
        raise DeliveryNotOffered(
            errors={"method": [FieldError("not_offered", _("Choose one of the ways offered."))]}
        )
    recipient_name, address, postal_code = (
        recipient_name.strip(),
        address.strip(),
        postal_code.strip(),
    )
    hall = None
    if method == Delivery.POST:
        errors: dict[str, list[FieldError]] = {}
        if not recipient_name or len(recipient_name) > 100:
            errors["recipient_name"] = [FieldError("required", _("Give the recipient's name."))]
        if not address or len(address) > ADDRESS_MAX_LENGTH:
            errors["address"] = [FieldError("required", _("Give the full postal address."))]
        if not POSTAL_CODE.match(postal_code):
            errors["postal_code"] = [
                FieldError("postal_code", _("Give the six-digit postal code."))
            ]
        if errors:
            raise DeliveryAddressRequired(errors=errors)
    else:
        recipient_name = address = postal_code = ""
    if method == Delivery.PICKUP:
        hall = ServiceHall.objects.filter(code=hall_code).first() if hall_code else None
        if hall is None:
            raise InvalidInput(
                errors={
                    "hall": [FieldError("hall_required", _("Choose the hall to pick it up at."))]
                }
            )
    delivery = CaseDelivery.objects.filter(case=case).first() or CaseDelivery(case=case)
    delivery.method = method
    delivery.recipient_name = recipient_name
    delivery.address = address
    delivery.postal_code = postal_code
    delivery.hall = hall
    delivery.status = (
        READY_STATUS[Delivery(method)]
        if case.status == CaseStatus.APPROVED
        else DeliveryStatus.WAITING
    )
    delivery.updated_by_id = actor_id
    delivery.save()
    case_event_record(
        case=case,
        kind=CaseEventKind.DELIVERY_CHOSEN,
        actor_id=actor_id,
        note=str(Delivery(method).label),
        details={"method": method},
    )
    audit_event_record(
        kind=AuditEventKind.CHANGED,
        actor_id=actor_id,
        subject_id=case.applicant_person_id,
        object_type="cases.delivery",
        object_id=str(delivery.pk),
        fields=["recipient_name", "address", "postal_code"] if method == Delivery.POST else [],
        summary={"case": str(case.pk), "method": method},
    )
    return delivery


def case_delivery_ready(*, case: Case) -> CaseDelivery | None:
    """The result exists (the certificate was issued): the delivery moves to its ready state.

    Inside the caller's transaction. A case without a chosen delivery goes to the wallet when
    the service offers it.
    """
    delivery = CaseDelivery.objects.select_for_update().filter(case=case).first()
    offered = case.service_version.delivery_options or []
    if delivery is None:
        if Delivery.E_LICENCE not in offered:
            return None
        delivery = CaseDelivery(case=case, method=Delivery.E_LICENCE)
    if delivery.status not in ("", DeliveryStatus.WAITING):
        return delivery
    delivery.status = READY_STATUS[Delivery(delivery.method)]
    delivery.save()
    case_event_record(
        case=case,
        kind=CaseEventKind.DELIVERY_CHANGED,
        department=case.handling_department,
        note=str(DeliveryStatus(delivery.status).label),
        details={"status": delivery.status},
    )
    return delivery


def deliveries_for_staff(*, user: User) -> list[CaseDelivery]:
    """The deliveries the user's departments still have to post or hand over."""
    departments = staff_department_ids(user=user)
    rows = list(
        CaseDelivery.objects.filter(
            case__handling_department_id__in=departments,
            status__in=list(DELIVERY_STAFF_MOVES),
        )
        .select_related("case__service_item", "hall")
        .order_by("updated_at")[:200]
    )
    # The staff who post the result read the recipient and the address: the applicant sees it.
    for row in rows:
        if row.method == Delivery.POST:
            personal_data_read_record(
                reader_id=user.pk,
                purpose=DELIVERY_PURPOSE,
                fields=["recipient_name", "address", "postal_code"],
                subject_id=row.case.applicant_person_id,
                object_type="cases.delivery",
                object_id=str(row.pk),
                summary={"number": row.case.number},
            )
    return rows


def delivery_get_for_staff(*, user: User, delivery_id: uuid.UUID | str) -> CaseDelivery:
    """A delivery of a case the user's departments handle; else ``CaseNotFound``."""
    try:
        key = uuid.UUID(str(delivery_id))
    except ValueError:
        raise CaseNotFound() from None
    delivery = (
        CaseDelivery.objects.select_related("case__service_item", "hall")
        .filter(pk=key, case__handling_department_id__in=staff_department_ids(user=user))
        .first()
    )
    if delivery is None:
        raise CaseNotFound()
    return delivery


@transaction.atomic
def case_delivery_update(
    *, delivery_id: uuid.UUID, staff: User, status: str, tracking_number: str = ""
) -> CaseDelivery:
    """Staff record the post or the pickup. Posting needs the tracking number; a pickup counts
    the applicant's trip to the hall."""
    found = delivery_get_for_staff(user=staff, delivery_id=delivery_id)
    delivery = CaseDelivery.objects.select_for_update().get(pk=found.pk)
    allowed = DELIVERY_STAFF_MOVES.get(delivery.status, frozenset())
    if status not in allowed:
        raise DeliveryMoveInvalid()
    tracking_number = tracking_number.strip()
    if status == DeliveryStatus.POSTED:
        if (
            not TRACKING_NUMBER.match(tracking_number)
            or len(tracking_number) > TRACKING_NUMBER_MAX_LENGTH
        ):
            raise InvalidInput(
                errors={
                    "tracking_number": [
                        FieldError("tracking_required", _("Enter the tracking number of the post."))
                    ]
                }
            )
        delivery.tracking_number = tracking_number
    delivery.status = status
    delivery.updated_by = staff
    delivery.save()
    case = Case.objects.select_for_update(of=("self",)).get(pk=delivery.case_id)
    if status == DeliveryStatus.PICKED_UP:
        case.trips_in_person += 1
        case.save(update_fields=["trips_in_person", "updated_at"])
    label = str(DeliveryStatus(status).label)
    case_event_record(
        case=case,
        kind=CaseEventKind.DELIVERY_CHANGED,
        actor_id=staff.pk,
        department=case.handling_department,
        note=f"{label} {delivery.tracking_number}".strip()
        if status == DeliveryStatus.POSTED
        else label,
        details={"status": status},
    )
    audit_event_record(
        kind=AuditEventKind.STATUS_CHANGED,
        actor_id=staff.pk,
        object_type="cases.delivery",
        object_id=str(delivery.pk),
        summary={"case": str(case.pk), "status": status},
    )
    return delivery
