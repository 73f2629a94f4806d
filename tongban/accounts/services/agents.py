"""Enterprises, their agents (经办人), family members acting for a person (亲属代办), and
switching whom one acts for."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import (
    GRANT_MAX_DURATION,
    SESSION_ACTING_FOR,
    GrantKind,
    PartyKind,
    RealNameLevel,
)
from tongban.accounts.exceptions import (
    GrantInvalid,
    NotLegalRepresentative,
    RealNameLevelTooLow,
)
from tongban.accounts.models import AgentGrant, Enterprise, User
from tongban.accounts.selectors import ActorContext, grant_check, grant_get_for_agent
from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record
from tongban.core.exceptions import FieldError, NotFound
from tongban.core.fields import blind_index_of
from tongban.core.identifiers import credit_code_validate, resident_id_number_validate
from tongban.registries.constants import EnterpriseStatus, RegistrySourceKey
from tongban.registries.services import EnterpriseByCreditCode, Reader, registry_read

PURPOSE_ENTERPRISE_REPRESENTATION = "confirm the legal representative of an enterprise"
SERVICE_CODE_MAX_LENGTH = 64


def _invalid(field: str, code: str, message: object) -> GrantInvalid:
    return GrantInvalid(errors={field: [FieldError(code, str(message))]})


def enterprise_register(
    *, user: User, credit_code: str, ip_address: str | None = None
) -> Enterprise:
    """The legal representative brings their enterprise to the platform.

    The enterprise registry must name this person (by verified ID number) as the legal
    representative of an active enterprise; the read is logged with its purpose. Running it
    again refreshes the name and the representative.
    """
    code = credit_code_validate(credit_code)
    if user.real_name_level < RealNameLevel.L2:
        raise RealNameLevelTooLow()
    records = registry_read(
        source=RegistrySourceKey.ENTERPRISE,
        query=EnterpriseByCreditCode(code),
        reader=Reader(id=user.pk, ip_address=ip_address),
        purpose=PURPOSE_ENTERPRISE_REPRESENTATION,
    )
    if not records or records[0].status != EnterpriseStatus.ACTIVE:
        raise NotFound(_("The enterprise registry has no active enterprise with this code."))
    record = records[0]
    if record.legal_representative_id_number != user.resident_id_number:
        raise NotLegalRepresentative()
    with transaction.atomic():
        enterprise, created = Enterprise.objects.update_or_create(
            credit_code=code,
            defaults={
                "name": record.name,
                "legal_representative": user,
                "verified_at": timezone.now(),
            },
        )
        audit_event_record(
            kind=AuditEventKind.CREATED if created else AuditEventKind.CHANGED,
            actor_id=user.pk,
            on_behalf_of_id=enterprise.pk,
            on_behalf_of_kind=PartyKind.ENTERPRISE,
            object_type="accounts.enterprise",
            object_id=str(enterprise.pk),
            summary={"credit_code": code},
            ip_address=ip_address,
        )
    return enterprise


def _agent_find(*, real_name: str, id_number: str) -> User:
    number = resident_id_number_validate(id_number)
    index = blind_index_of(User, "resident_id_number", number)
    agent = User.objects.filter(
        resident_id_number_index=index,
        real_name_level__gte=RealNameLevel.L2,
        is_active=True,
        deleted_at=None,
    ).first()
    if agent is None or agent.real_name != "".join(real_name.split()):
        raise _invalid(
            "agent",
            "agent_not_found",
            _(
                "No account with a verified real name matches this name and ID number. "
                "Ask the person to sign up and verify their real name first."
            ),
        )
    return agent


def _scope_clean(*, all_services: bool, service_codes: Sequence[str]) -> list[str]:
    codes = sorted({code.strip() for code in service_codes if code.strip()})
    if all_services:
        return []
    if not codes:
        raise _invalid(
            "service_codes", "scope_empty", _("Choose all services or list at least one.")
        )
    if any(len(code) > SERVICE_CODE_MAX_LENGTH for code in codes):
        raise _invalid("service_codes", "scope_invalid", _("A service code is too long."))
    return codes


def _valid_until_clean(valid_until: dt.datetime) -> dt.datetime:
    now = timezone.now()
    if valid_until <= now:
        raise _invalid("valid_until", "in_the_past", _("The end date must be in the future."))
    if valid_until > now + GRANT_MAX_DURATION:
        raise _invalid("valid_until", "too_long", _("An authorisation lasts at most three years."))
    return valid_until


def _grant_create(
    *,
    kind: GrantKind,
    granted_by: User,
    agent: User,
    principal_person: User | None,
    principal_enterprise: Enterprise | None,
    all_services: bool,
    service_codes: Sequence[str],
    valid_until: dt.datetime,
) -> AgentGrant:
    codes = _scope_clean(all_services=all_services, service_codes=service_codes)
    until = _valid_until_clean(valid_until)
    if agent.pk == granted_by.pk:
        raise _invalid("agent", "agent_is_self", _("You cannot authorise yourself."))
    with transaction.atomic():
        grant = AgentGrant.objects.create(
            kind=kind,
            principal_person=principal_person,
            principal_enterprise=principal_enterprise,
            agent=agent,
            granted_by=granted_by,
            all_services=all_services,
            service_codes=codes,
            valid_until=until,
        )
        party_id = principal_person.pk if principal_person else principal_enterprise.pk  # type: ignore[union-attr]
        audit_event_record(
            kind=AuditEventKind.CREATED,
            actor_id=granted_by.pk,
            on_behalf_of_id=party_id if principal_enterprise else None,
            on_behalf_of_kind=PartyKind.ENTERPRISE if principal_enterprise else "",
            subject_id=agent.pk,
            object_type="accounts.agentgrant",
            object_id=str(grant.pk),
            summary={
                "kind": kind.value,
                "all_services": all_services,
                "service_codes": codes,
                "valid_until": until.isoformat(),
            },
        )
    return grant


def enterprise_agent_grant(
    *,
    enterprise: Enterprise,
    representative: User,
    agent_real_name: str,
    agent_id_number: str,
    all_services: bool,
    service_codes: Sequence[str] = (),
    valid_until: dt.datetime,
) -> AgentGrant:
    """The legal representative lets a person act for the enterprise (经办人)."""
    if enterprise.legal_representative_id != representative.pk:
        raise NotLegalRepresentative()
    agent = _agent_find(real_name=agent_real_name, id_number=agent_id_number)
    return _grant_create(
        kind=GrantKind.ENTERPRISE_AGENT,
        granted_by=representative,
        agent=agent,
        principal_person=None,
        principal_enterprise=enterprise,
        all_services=all_services,
        service_codes=service_codes,
        valid_until=valid_until,
    )


def family_member_grant(
    *,
    principal: User,
    agent_real_name: str,
    agent_id_number: str,
    all_services: bool,
    service_codes: Sequence[str] = (),
    valid_until: dt.datetime,
) -> AgentGrant:
    """A person lets a family member act for them (亲属代办), e.g. an elderly parent a child.

    Both must have verified real names: whoever acts for someone must be known, and so must
    the person they act for.
    """
    if principal.real_name_level < RealNameLevel.L2:
        raise RealNameLevelTooLow()
    agent = _agent_find(real_name=agent_real_name, id_number=agent_id_number)
    return _grant_create(
        kind=GrantKind.FAMILY_MEMBER,
        granted_by=principal,
        agent=agent,
        principal_person=principal,
        principal_enterprise=None,
        all_services=all_services,
        service_codes=service_codes,
        valid_until=valid_until,
    )


@transaction.atomic
def grant_revoke(*, grant: AgentGrant, actor: User) -> AgentGrant:
    """Withdraws a grant. The principal (or the enterprise's legal representative) may; the
    agent may also give it up. Anyone else is told it does not exist."""
    allowed = {grant.agent_id, grant.principal_person_id}
    if grant.principal_enterprise is not None:
        allowed.add(grant.principal_enterprise.legal_representative_id)
    if actor.pk not in allowed:
        raise NotFound()
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit_event_record(
            kind=AuditEventKind.STATUS_CHANGED,
            actor_id=actor.pk,
            subject_id=grant.agent_id,
            object_type="accounts.agentgrant",
            object_id=str(grant.pk),
            summary={"status": "revoked"},
        )
    return grant


def acting_party_switch(
    *, session: SessionBase, user: User, grant_id: uuid.UUID | None, ip_address: str | None = None
) -> ActorContext:
    """Makes the session act for the grant's principal, or for the person themselves (``None``).

    A grant that is someone else's answers "not found"; an expired or revoked one raises its
    error and leaves the session as it was. The switch is audited with both parties.
    """
    if grant_id is None:
        session.pop(SESSION_ACTING_FOR, None)
        return ActorContext.for_self(user)
    grant = grant_get_for_agent(agent=user, grant_id=grant_id)
    context = grant_check(grant=grant, agent=user)
    with transaction.atomic():
        audit_event_record(
            kind=AuditEventKind.CHANGED,
            object_type="accounts.acting_party",
            object_id=str(grant.pk),
            summary={"acting_for": context.party.kind},
            ip_address=ip_address,
            **context.audit_fields(),
        )
    session[SESSION_ACTING_FOR] = str(grant.pk)
    return context
