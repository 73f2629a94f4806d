"""Every change to regions, departments, halls and staff positions. One transaction each."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import Conflict, FieldError, InvalidInput
from tongban.organization.models import (
    Department,
    DepartmentType,
    OpeningPeriod,
    Region,
    ServiceHall,
    StaffPosition,
    Window,
)


def _validated(instance: models.Model) -> None:
    """Runs the model's validation; raises ``InvalidInput`` with every field's problems."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidInput(
            errors={
                field: [
                    FieldError(item.code or "invalid", " ".join(item.messages)) for item in items
                ]
                for field, items in error.error_dict.items()
            }
            if hasattr(error, "error_dict")
            else {"__all__": [FieldError("invalid", " ".join(error.messages))]}
        ) from None


def _record_created(*, actor_id: uuid.UUID | None, instance: models.Model) -> None:
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor_id,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
    )


def region_create(
    *, actor_id: uuid.UUID | None, code: str, name: str, level: str, parent: Region | None = None
) -> Region:
    region = Region(code=code.strip(), name=name.strip(), level=level, parent=parent)
    _validated(region)
    with transaction.atomic():
        region.save()
        _record_created(actor_id=actor_id, instance=region)
    return region


def department_create(
    *,
    actor_id: uuid.UUID | None,
    code: str,
    name: str,
    department_type: DepartmentType,
    region: Region,
    parent: Department | None = None,
) -> Department:
    department = Department(
        code=code.strip(), name=name.strip(), type=department_type, region=region, parent=parent
    )
    _validated(department)
    with transaction.atomic():
        department.save()
        _record_created(actor_id=actor_id, instance=department)
    return department


def service_hall_create(
    *,
    actor_id: uuid.UUID | None,
    code: str,
    name: str,
    region: Region,
    address: str,
    opening_hours: list[tuple[int, dt.time, dt.time]] | None = None,
    opening_hours_note: str = "",
    phone: str = "",
) -> ServiceHall:
    """Creates a hall with its weekly hours as ``(weekday, opens_at, closes_at)`` periods."""
    hall = ServiceHall(
        code=code.strip(),
        name=name.strip(),
        region=region,
        address=address.strip(),
        opening_hours_note=opening_hours_note,
        phone=phone,
    )
    _validated(hall)
    periods = [
        OpeningPeriod(hall=hall, weekday=weekday, opens_at=opens_at, closes_at=closes_at)
        for weekday, opens_at, closes_at in opening_hours or []
    ]
    for period in periods:
        try:
            period.full_clean(exclude=["hall"], validate_unique=False, validate_constraints=False)
            period.clean()
        except ValidationError as error:
            raise InvalidInput(
                errors={"opening_hours": [FieldError("opening_hours", " ".join(error.messages))]}
            ) from None
    with transaction.atomic():
        hall.save()
        OpeningPeriod.objects.bulk_create(periods)
        _record_created(actor_id=actor_id, instance=hall)
    return hall


def window_create(
    *,
    actor_id: uuid.UUID | None,
    hall: ServiceHall,
    number: str,
    name: str,
    department: Department,
) -> Window:
    window = Window(hall=hall, number=number.strip(), name=name.strip(), department=department)
    _validated(window)
    with transaction.atomic():
        window.save()
        _record_created(actor_id=actor_id, instance=window)
    return window


def staff_position_grant(
    *,
    actor_id: uuid.UUID | None,
    user_id: uuid.UUID,
    department: Department,
    role: str,
    hall: ServiceHall | None = None,
) -> StaffPosition:
    """Gives a user a role in a department (re-activates it if it was revoked)."""
    with transaction.atomic():
        position = (
            StaffPosition.objects.select_for_update()
            .filter(user_id=user_id, department=department, role=role)
            .first()
        )
        if position is not None and position.active:
            raise Conflict(_("This person already holds this role here."))
        if position is None:
            position = StaffPosition(user_id=user_id, department=department, role=role, hall=hall)
            _validated(position)
        position.active = True
        position.hall = hall
        position.save()
        audit_event_record(
            kind=AuditEventKind.CREATED,
            actor_id=actor_id,
            subject_id=user_id,
            object_type=StaffPosition._meta.label_lower,
            object_id=str(position.pk),
            summary={"role": role, "department": department.code},
        )
    return position


def staff_position_revoke(*, actor_id: uuid.UUID | None, position: StaffPosition) -> None:
    with transaction.atomic():
        updated = StaffPosition.objects.filter(pk=position.pk, active=True).update(active=False)
        if not updated:
            raise Conflict()
        audit_event_record(
            kind=AuditEventKind.STATUS_CHANGED,
            actor_id=actor_id,
            subject_id=position.user_id,
            object_type=StaffPosition._meta.label_lower,
            object_id=str(position.pk),
            summary={"active": {"from": True, "to": False}},
        )
    position.active = False
