"""Revocation and suspension by the issuing department's approvers and administrators."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.certificates.constants import STATUS_CHANGE_ROLES, CertificateStatus
from tongban.certificates.exceptions import StatusChangeNotAllowed
from tongban.certificates.models import Certificate
from tongban.certificates.services.publication import publication_cache_clear
from tongban.core.callbacks import Hook
from tongban.core.exceptions import FieldError, InvalidInput, PermissionDenied
from tongban.organization.selectors import staff_positions_of

STATUS_CHANGED_EVENT = "certificates.status_changed"
REASON_MAX = 500

certificate_status_changed: Hook[[Certificate, str]] = Hook(
    "certificates.status_changed",
    description="A certificate was revoked, suspended or reinstated (after commit): "
    "receivers get the certificate and its previous status.",
)

# Which statuses each transition may start from.
_TRANSITIONS = {
    CertificateStatus.REVOKED: {CertificateStatus.VALID, CertificateStatus.SUSPENDED},
    CertificateStatus.SUSPENDED: {CertificateStatus.VALID},
    CertificateStatus.VALID: {CertificateStatus.SUSPENDED},
}


def _may_change_status(actor: Any, certificate: Certificate) -> bool:
    return (
        staff_positions_of(user_id=actor.pk)
        .filter(department_id=certificate.issuer.department_id, role__in=STATUS_CHANGE_ROLES)
        .exists()
    )


def _status_change(
    *, certificate: Certificate, actor: Any, reason: str, target: CertificateStatus
) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(errors={"reason": [FieldError("required", _("Give the reason."))]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            errors={"reason": [FieldError("too_long", _("This value is too long."))]}
        )
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("issuer__department", "type")
            .get(pk=certificate.pk)
        )
        if not _may_change_status(actor, locked):
            raise PermissionDenied()
        if locked.status not in _TRANSITIONS[target]:
            raise StatusChangeNotAllowed()
        previous = locked.status
        locked.status = target
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        audit_event_record(
            kind=AuditEventKind.STATUS_CHANGED,
            actor_id=actor.pk,
            subject_id=locked.holder_user_id,
            object_type="certificates.certificate",
            object_id=str(locked.pk),
            summary={"from": previous, "to": target, "reason": reason},
        )
        if locked.holder_user_id is not None:
            from tongban.notifications.services import notification_send

            notification_send(
                event=STATUS_CHANGED_EVENT,
                context={
                    "certificate_type": locked.type.name,
                    "number": locked.number,
                    "status": str(CertificateStatus(target).label),
                    "reason": reason,
                },
                recipient=locked.holder_user_id,
                link=reverse("certificates:detail", args=[locked.pk]),
            )
        publication_cache_clear()
        transaction.on_commit(publication_cache_clear)
        certificate_status_changed.fire_on_commit(locked, previous)
    certificate.refresh_from_db()
    return certificate


def certificate_revoke(*, certificate: Certificate, actor: Any, reason: str) -> Certificate:
    """Revokes for good (from valid or suspended); only approvers and administrators of the
    issuing department may. Published in the revocation status list within a minute."""
    return _status_change(
        certificate=certificate, actor=actor, reason=reason, target=CertificateStatus.REVOKED
    )


def certificate_suspend(*, certificate: Certificate, actor: Any, reason: str) -> Certificate:
    """Suspends a valid certificate until it is reinstated."""
    return _status_change(
        certificate=certificate, actor=actor, reason=reason, target=CertificateStatus.SUSPENDED
    )


def certificate_reinstate(*, certificate: Certificate, actor: Any, reason: str) -> Certificate:
    """Lifts a suspension: the certificate is valid again."""
    return _status_change(
        certificate=certificate, actor=actor, reason=reason, target=CertificateStatus.VALID
    )
