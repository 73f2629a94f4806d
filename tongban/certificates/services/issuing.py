"""Issuing: the identifier, the signed credential, the printed QR token, the holder's notice."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.iso7064 import mod_37_36

from tongban.accounts.models import User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.certificates import links
from tongban.certificates.constants import (
    IDENTIFIER_ROOT,
    VC_CONTEXT,
    FieldKind,
    HolderKind,
    StatusPurpose,
    TokenType,
)
from tongban.certificates.exceptions import CertificateDataInvalid, CertificateTypeUnknown
from tongban.certificates.models import Certificate, CertificateType, Issuer
from tongban.certificates.selectors import Holder
from tongban.certificates.services.publication import (
    active_key_of,
    credential_sign,
    status_entry_for_serial,
    token_sign,
)
from tongban.core.exceptions import FieldError, InvalidInput, PermissionDenied
from tongban.core.fields import blind_index_of
from tongban.core.identifiers import credit_code_validate, resident_id_number_validate
from tongban.organization.models import Department

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED_EVENT = "certificates.issued"
_FIELD_VALUE_MAX = 2000


def certificate_identifier(
    *, type_code: str, issuer_credit_code: str, serial: int, version: int = 1
) -> str:
    """``1.2.156.3005.2.<type>.<issuer credit code>.<serial>.<version>.<check>`` in the style
    of the national e-licence identifier; the check character is ISO 7064 MOD 37,36 over the
    type, issuer, serial and version, so a mistyped identifier is caught before any lookup."""
    body = f"{type_code}{issuer_credit_code}{serial:08d}{version:03d}"
    check = mod_37_36.calc_check_digit(body)
    return f"{IDENTIFIER_ROOT}.{type_code}.{issuer_credit_code}.{serial:08d}.{version:03d}.{check}"


def certificate_identifier_valid(identifier: str) -> bool:
    match = re.fullmatch(
        re.escape(IDENTIFIER_ROOT) + r"\.(\w+)\.([0-9A-Z]{18})\.(\d{8})\.(\d{3})\.([0-9A-Z])",
        identifier,
    )
    if match is None:
        return False
    body = "".join(match.groups()[:4])
    return bool(mod_37_36.calc_check_digit(body) == match.group(5))


def _data_clean(certificate_type: CertificateType, data: Mapping[str, Any]) -> dict[str, str]:
    known = {row["key"]: row for row in certificate_type.fields}
    problems: dict[str, list[FieldError]] = {}
    for key in sorted(set(data) - set(known)):
        problems[key] = [FieldError("unknown_field", _("This certificate has no such field."))]
    clean: dict[str, str] = {}
    for key, row in known.items():
        value = str(data.get(key, "") or "").strip()
        if not value:
            if row.get("required", True):
                problems[key] = [FieldError("required", _("This field is required."))]
            continue
        if len(value) > _FIELD_VALUE_MAX:
            problems[key] = [FieldError("too_long", _("This value is too long."))]
        elif row.get("kind") == FieldKind.DATE:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems[key] = [FieldError("date", _("Enter a date as YYYY-MM-DD."))]
        clean[key] = value
    if problems:
        raise CertificateDataInvalid(errors=problems)
    return clean


def _holder_identifier_clean(holder: Holder) -> str:
    if holder.kind == HolderKind.PERSON:
        return resident_id_number_validate(holder.identifier)
    if holder.kind == HolderKind.ENTERPRISE:
        return credit_code_validate(holder.identifier)
    raise InvalidInput(errors={"holder": [FieldError("kind", _("Unknown kind of holder."))]})


def _holder_user(holder: Holder, identifier: str) -> User | None:
    if holder.user is not None or holder.kind != HolderKind.PERSON:
        return holder.user
    index = blind_index_of(User, "resident_id_number", identifier)
    return User.objects.filter(resident_id_number_index=index).first()


def _day_start(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time.min, SHANGHAI).isoformat()


def _day_end(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(23, 59, 59), SHANGHAI).isoformat()


def credential_payload(certificate: Certificate, data: Mapping[str, str]) -> dict[str, Any]:
    department = certificate.issuer.department
    type_name = "".join(part.title() for part in certificate.type.code.split("_"))
    statuses = []
    for purpose in StatusPurpose.values:
        list_url = links.status_list_url(department.code, purpose, certificate.status_list_number)
        statuses.append(
            {
                "id": f"{list_url}#{certificate.status_list_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(certificate.status_list_index),
                "statusListCredential": list_url,
            }
        )
    payload: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": f"urn:uuid:{certificate.pk}",
        "type": ["VerifiableCredential", f"{type_name}Credential"],
        "name": certificate.type.name,
        "issuer": {
            "id": links.issuer_url(department.code),
            "name": department.name,
            "creditCode": certificate.issuer.credit_code,
        },
        "validFrom": _day_start(certificate.valid_from),
        "credentialSubject": {
            "type": certificate.holder_kind,
            "certificateNumber": certificate.number,
            "certificateType": certificate.type.code,
            "holderName": certificate.holder_name,
            "holderIdentifier": certificate.holder_identifier,
            **data,
        },
        "credentialStatus": statuses,
    }
    if certificate.valid_until is not None:
        payload["validUntil"] = _day_end(certificate.valid_until)
    return payload


def qr_payload(certificate: Certificate) -> dict[str, Any]:
    """Only what finds and dates the certificate: never personal data."""
    payload: dict[str, Any] = {
        "cid": certificate.pk.hex,
        "iss": certificate.issuer.department.code,
    }
    if certificate.valid_until is not None:
        end = dt.datetime.combine(certificate.valid_until, dt.time(23, 59, 59), SHANGHAI)
        payload["exp"] = int(end.timestamp())
    return payload


@transaction.atomic
def certificate_issue(
    *,
    certificate_type_code: str,
    department: Department,
    holder: Holder,
    data: Mapping[str, Any],
    actor: Any | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    source_reference: str = "",
) -> Certificate:
    """Issues a certificate of a type to a holder, signed by the department's active key.

    The department must be of the type's issuing department type and an issuer with a key.
    ``valid_until`` defaults to the type's validity rule (none: long-term). The holder is told
    through their inbox once this commits. The application issues call this at decision time.
    """
    certificate_type = (
        CertificateType.objects.select_related("issuing_department_type")
        .filter(code=certificate_type_code)
        .first()
    )
    if certificate_type is None:
        raise CertificateTypeUnknown()
    if department.type_id != certificate_type.issuing_department_type_id:
        raise PermissionDenied(_("This department does not issue this kind of certificate."))
    if holder.kind != certificate_type.holder_kind:
        raise InvalidInput(
            errors={
                "holder": [
                    FieldError("kind", _("This certificate is issued to another kind of holder."))
                ]
            }
        )
    clean = _data_clean(certificate_type, data)
    identifier = _holder_identifier_clean(holder)
    if not holder.name.strip():
        raise InvalidInput(errors={"holder": [FieldError("name", _("The holder needs a name."))]})
    start = valid_from or timezone.localdate()
    end = valid_until if valid_until is not None else certificate_type.valid_until_from(start)
    if end is not None and end < start:
        raise InvalidInput(
            errors={
                "valid_until": [
                    FieldError("before_start", _("A certificate cannot end before it starts."))
                ]
            }
        )
    issuer = (
        Issuer.objects.select_for_update()
        .select_related("department")
        .filter(department=department)
        .first()
    )
    if issuer is None:
        from tongban.certificates.exceptions import IssuerKeyMissing

        raise IssuerKeyMissing()
    key = active_key_of(issuer)
    serial = issuer.next_serial
    issuer.next_serial = serial + 1
    issuer.save(update_fields=["next_serial", "updated_at"])
    list_number, list_index = status_entry_for_serial(serial)
    certificate = Certificate(
        id=uuid.uuid4(),
        number=certificate_identifier(
            type_code=certificate_type.type_code,
            issuer_credit_code=issuer.credit_code,
            serial=serial,
        ),
        type=certificate_type,
        issuer=issuer,
        issuer_key=key,
        holder_kind=holder.kind,
        holder_identifier=identifier,
        holder_name=holder.name.strip(),
        holder_user=_holder_user(holder, identifier),
        valid_from=start,
        valid_until=end,
        status_list_number=list_number,
        status_list_index=list_index,
        source_reference=source_reference[:100],
    )
    certificate.credential = credential_sign(
        issuer=issuer, payload=credential_payload(certificate, clean), key=key
    )
    certificate.qr_token = token_sign(key=key, payload=qr_payload(certificate), typ=TokenType.QR)
    certificate.save(force_insert=True)
    audit_event_record(
        kind=AuditEventKind.CREATED,
        actor_id=actor.pk if actor else None,
        subject_id=certificate.holder_user_id,
        object_type="certificates.certificate",
        object_id=str(certificate.pk),
        summary={"type": certificate_type.code, "number": certificate.number, "kid": key.kid},
    )
    if certificate.holder_user_id is not None:
        _holder_notify(certificate)
    return certificate


def _holder_notify(certificate: Certificate) -> None:
    from django.urls import reverse

    from tongban.notifications.services import notification_send

    notification_send(
        event=ISSUED_EVENT,
        context={"certificate_type": certificate.type.name, "number": certificate.number},
        recipient=certificate.holder_user,
        link=reverse("certificates:detail", args=[certificate.pk]),
        dedupe_key=f"certificates.issued:{certificate.pk}",
    )
