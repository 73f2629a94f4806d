"""Personal-data rights (Personal Information Protection Law Art. 44–47): export and deletion."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from tongban.accounts.exceptions import AccountDeletionVetoed
from tongban.accounts.models import AgentGrant, Enterprise, User
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.deletion import deletion_obstacles_collect
from tongban.core.exceptions import FieldError
from tongban.core.personal_data import personal_data_collect


def personal_data_export(*, user: User, ip_address: str | None = None) -> dict[str, Any]:
    """Everything every app holds about the person, as JSON-ready data; the export is audited."""
    records = personal_data_collect(person_id=user.pk)
    audit_event_record(
        kind=AuditEventKind.PERSONAL_DATA_EXPORTED,
        actor_id=user.pk,
        subject_id=user.pk,
        object_type="accounts.user",
        object_id=str(user.pk),
        ip_address=ip_address,
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "person_id": str(user.pk),
        "items": [
            {
                "category": str(record.category),
                "source": str(record.source),
                "description": str(record.description),
                "count": record.count,
                "data": record.export,
            }
            for record in records
        ],
    }


def account_delete(*, user: User, ip_address: str | None = None) -> User:
    """Deletes the account unless a registered veto applies (then nothing changes).

    What the law requires to keep stays, anonymised: the account row (other records point at
    it) loses every identifier, the audit log keeps naming the person by the account's UUID
    only. Sign-in methods, e-mail addresses and grants go; every other session of the account
    ends because the password hash changes (Django checks it on each request).
    """
    obstacles = deletion_obstacles_collect(person_id=user.pk)
    if obstacles:
        raise AccountDeletionVetoed(
            errors={
                "account": [FieldError(obstacle.code, obstacle.message) for obstacle in obstacles]
            }
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        AgentGrant.objects.filter(agent=user).delete()
        AgentGrant.objects.filter(principal_person=user).delete()
        Enterprise.objects.filter(legal_representative=user).update(legal_representative=None)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.username = f"deleted-{uuid.uuid4().hex[:20]}"
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.real_name = ""
        user.resident_id_number = ""
        user.mobile = ""
        user.mobile_verified = False
        user.region_code = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save()
        audit_event_record(
            kind=AuditEventKind.DELETED,
            actor_id=user.pk,
            subject_id=user.pk,
            object_type="accounts.user",
            object_id=str(user.pk),
            ip_address=ip_address,
        )
    return user
