"""Reads of accounts: who someone is, whom they may act for, how strongly they signed in.

The "acting as" API for upper apps:

* ``acting_party_get(request)`` — whom the signed-in person acts for now (themselves, a
  person who authorised them, or an enterprise), without raising; for display.
* ``actor_context(request, service_code=...)`` — the same, checked: raises ``GrantExpired``,
  ``GrantRevoked`` or ``GrantOutOfScope`` when the authority no longer covers the action.
  Services take the returned ``ActorContext`` and pass ``context.audit_fields()`` to
  ``audit_event_record``, so every record names the person acting and the party represented.
* ``assurance_check(request, level=..., strength=...)`` — whether the account's real-name
  level and the session's authentication are strong enough (``require_assurance`` in
  ``tongban.accounts.decorators`` wraps it for views).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import get_authentication_records
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tongban.accounts.constants import (
    SESSION_ACTING_FOR,
    SESSION_AUTHENTICATION,
    SESSION_IS_STAFF,
    AuthenticationStrength,
    IdentifierKind,
    PartyKind,
    RealNameLevel,
)
from tongban.accounts.exceptions import GrantExpired, GrantNotFound, GrantOutOfScope, GrantRevoked
from tongban.accounts.identifiers import Identifier
from tongban.accounts.models import AgentGrant, Enterprise, User
from tongban.audit.models import AuditEvent
from tongban.audit.selectors import personal_data_reads_about
from tongban.core.fields import blind_index_of
from tongban.core.masking import mask_name
from tongban.organization.models import StaffPosition


def user_by_identifier(*, identifier: Identifier) -> User | None:
    """The account signed in with this mobile number or e-mail address, if any."""
    if identifier.kind == IdentifierKind.MOBILE:
        index = blind_index_of(User, "mobile", identifier.value)
        return User.objects.filter(mobile_index=index, deleted_at=None).first()
    return User.objects.filter(email__iexact=identifier.value, deleted_at=None).first()


def is_staff_member(*, user: Any) -> bool:
    """Staff: admin users and anyone holding an active position in a department."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        bool(user.is_staff) or StaffPosition.objects.filter(user_id=user.pk, active=True).exists()
    )


def is_staff_session(request: HttpRequest) -> bool:
    """``is_staff_member`` remembered for the session (asked on every request)."""
    if not request.user.is_authenticated:
        return False
    cached = request.session.get(SESSION_IS_STAFF)
    if cached is None or cached[0] != str(request.user.pk):
        cached = [str(request.user.pk), is_staff_member(user=request.user)]
        request.session[SESSION_IS_STAFF] = cached
    return bool(cached[1])


# --- how the session authenticated -----------------------------------------------------------


def authentication_strength(request: HttpRequest) -> AuthenticationStrength | None:
    """The strongest way this session proved who it is; ``None`` when not signed in.

    Read from allauth's record of the session's authentications (password, login code,
    TOTP, WebAuthn) and Tongban's own (sign-up and step-up codes). WebAuthn always requires
    user verification here (``MFA_WEBAUTHN_USER_VERIFICATION``), so any WebAuthn use counts
    as a passkey.
    """
    if not request.user.is_authenticated:
        return None
    records = [
        *get_authentication_records(request, request.user),
        *request.session.get(SESSION_AUTHENTICATION, []),
    ]
    methods = {str(record.get("method")) for record in records}
    types = {str(record.get("type")) for record in records if record.get("method") == "mfa"}
    if "webauthn" in types:
        return AuthenticationStrength.PASSKEY
    second_factor = "code" in methods or "totp" in types or "recovery_codes" in types
    if second_factor:
        return AuthenticationStrength.TWO_FACTOR
    return AuthenticationStrength.PASSWORD


@dataclass(frozen=True)
class AssuranceShortfall:
    """What is missing: a higher real-name level, a stronger sign-in, or signing in at all."""

    signed_in: bool
    level: RealNameLevel | None
    strength: AuthenticationStrength | None


def assurance_check(
    request: HttpRequest,
    *,
    level: RealNameLevel = RealNameLevel.L1,
    strength: AuthenticationStrength = AuthenticationStrength.PASSWORD,
) -> AssuranceShortfall | None:
    """``None`` when the account and the session are strong enough, else what is missing."""
    user = request.user
    if not user.is_authenticated:
        return AssuranceShortfall(signed_in=False, level=level, strength=strength)
    current = authentication_strength(request) or AuthenticationStrength.PASSWORD
    level_missing = level if user.real_name_level < level else None
    strength_missing = strength if current < strength else None
    if level_missing is None and strength_missing is None:
        return None
    return AssuranceShortfall(signed_in=True, level=level_missing, strength=strength_missing)


# --- acting for others -----------------------------------------------------------------------


@dataclass(frozen=True)
class ActingParty:
    kind: PartyKind
    id: uuid.UUID
    name: str
    grant_id: uuid.UUID | None = None

    @property
    def is_self(self) -> bool:
        return self.kind == PartyKind.SELF


@dataclass(frozen=True)
class ActorContext:
    """Who acts (``actor_id``) and for whom (``party``)."""

    actor_id: uuid.UUID
    party: ActingParty

    @classmethod
    def for_self(cls, user: User) -> ActorContext:
        return cls(
            actor_id=user.pk,
            party=ActingParty(kind=PartyKind.SELF, id=user.pk, name=user.display_name),
        )

    def audit_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``audit_event_record``: the actor and the party represented."""
        if self.party.is_self:
            return {"actor_id": self.actor_id, "on_behalf_of_id": None, "on_behalf_of_kind": ""}
        return {
            "actor_id": self.actor_id,
            "on_behalf_of_id": self.party.id,
            "on_behalf_of_kind": self.party.kind.value,
        }


def _party_of(grant: AgentGrant) -> ActingParty:
    if grant.principal_enterprise is not None:
        return ActingParty(
            kind=PartyKind.ENTERPRISE,
            id=grant.principal_enterprise.pk,
            name=grant.principal_enterprise.name,
            grant_id=grant.pk,
        )
    principal = grant.principal_person
    assert principal is not None  # the check constraint: exactly one principal
    return ActingParty(
        kind=PartyKind.PERSON, id=principal.pk, name=principal.real_name, grant_id=grant.pk
    )


def grant_get_for_agent(*, agent: User, grant_id: uuid.UUID | str) -> AgentGrant:
    """A grant the agent holds; someone else's answers "not found"."""
    grant = (
        AgentGrant.objects.select_related("principal_person", "principal_enterprise")
        .filter(pk=grant_id, agent=agent)
        .first()
    )
    if grant is None:
        raise GrantNotFound()
    return grant


def grant_check(
    *,
    grant: AgentGrant,
    agent: User,
    service_code: str | None = None,
    now: dt.datetime | None = None,
) -> ActorContext:
    """The grant's actor context, if it still lets ``agent`` act (for ``service_code``)."""
    party = _party_of(grant)
    params = {"party": party.name}
    if grant.agent_id != agent.pk:
        raise GrantNotFound()
    if grant.revoked_at is not None:
        raise GrantRevoked(params=params)
    if grant.valid_until <= (now or timezone.now()):
        raise GrantExpired(params=params)
    if (
        service_code is not None
        and not grant.all_services
        and service_code not in grant.service_codes
    ):
        raise GrantOutOfScope(params=params)
    return ActorContext(actor_id=agent.pk, party=party)


def acting_party_get(request: HttpRequest) -> ActingParty | None:
    """Whom the signed-in person acts for now, for display; ``None`` when not signed in.

    Never raises: a grant that has ended still shows, so the page can say so; the check
    happens in ``actor_context`` when the person acts.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    grant_id = request.session.get(SESSION_ACTING_FOR)
    if grant_id:
        grant = (
            AgentGrant.objects.select_related("principal_person", "principal_enterprise")
            .filter(pk=grant_id, agent_id=user.pk)
            .first()
        )
        if grant is not None:
            return _party_of(grant)
    return ActorContext.for_self(user).party


def actor_context(request: HttpRequest, *, service_code: str | None = None) -> ActorContext:
    """Who acts for whom in this request, checked against the grant (see the module docs)."""
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise GrantNotFound()
    grant_id = request.session.get(SESSION_ACTING_FOR)
    if not grant_id:
        return ActorContext.for_self(user)
    grant = grant_get_for_agent(agent=user, grant_id=grant_id)
    return grant_check(grant=grant, agent=user, service_code=service_code)


def _grants_active(queryset: QuerySet[AgentGrant]) -> QuerySet[AgentGrant]:
    return queryset.filter(revoked_at=None, valid_until__gt=timezone.now())


def parties_for_user(*, user: User) -> list[ActingParty]:
    """Everyone the person may act for now: themselves first, then by grant."""
    grants = _grants_active(
        AgentGrant.objects.select_related("principal_person", "principal_enterprise").filter(
            agent=user
        )
    ).order_by("created_at")
    return [ActorContext.for_self(user).party, *(_party_of(grant) for grant in grants)]


def grants_given_by_person(*, user: User) -> QuerySet[AgentGrant]:
    """The family members this person authorised (all, newest first)."""
    return AgentGrant.objects.select_related("agent").filter(principal_person=user)


def grants_held_by(*, user: User) -> QuerySet[AgentGrant]:
    return AgentGrant.objects.select_related("principal_person", "principal_enterprise").filter(
        agent=user
    )


def grant_get_for_principal(*, user: User, grant_id: uuid.UUID | str) -> AgentGrant:
    """A grant this person gave, or one of an enterprise they represent; else "not found"."""
    grant = (
        AgentGrant.objects.select_related("principal_enterprise", "agent")
        .filter(
            Q(principal_person=user) | Q(principal_enterprise__legal_representative=user),
            pk=grant_id,
        )
        .first()
    )
    if grant is None:
        raise GrantNotFound()
    return grant


def enterprises_represented_by(*, user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(legal_representative=user).prefetch_related("grants__agent")


def enterprise_get_for_representative(*, user: User, enterprise_id: uuid.UUID | str) -> Enterprise:
    enterprise = Enterprise.objects.filter(pk=enterprise_id, legal_representative=user).first()
    if enterprise is None:
        raise GrantNotFound()
    return enterprise


# --- personal-data rights --------------------------------------------------------------------


@dataclass(frozen=True)
class DataAccess:
    """One read of the person's data, as "who accessed my data" shows it."""

    occurred_at: dt.datetime
    by_self: bool
    reader: str  # departments of the staff member, or the system
    purpose: str
    fields: list[str]


def data_accesses_for_user(*, user: User, limit: int = 200) -> list[DataAccess]:
    """Every logged read of the person's personal data, newest first.

    Found by account id and by the blind index of their verified ID number (registry reads
    name the number, not the account). The reader is shown as their departments, never as a
    staff member's name; a read without a person behind it is the platform's own system.
    """
    events = list(
        personal_data_reads_about(subject_id=user.pk, identifier=user.resident_id_number or "")[
            :limit
        ]
    )
    actor_ids = {event.actor_id for event in events if event.actor_id and event.actor_id != user.pk}
    departments: dict[uuid.UUID, list[str]] = {}
    for position in StaffPosition.objects.filter(user_id__in=actor_ids).select_related(
        "department"
    ):
        departments.setdefault(position.user_id, []).append(position.department.name)
    return [_access_of(event, user, departments) for event in events]


def _access_of(
    event: AuditEvent, user: User, departments: dict[uuid.UUID, list[str]]
) -> DataAccess:
    from django.utils.translation import gettext

    by_self = event.actor_id == user.pk
    if by_self:
        reader = gettext("You")
    elif event.actor_id is None:
        source = str(event.summary.get("source", "")) if isinstance(event.summary, dict) else ""
        reader = gettext("System: %(source)s") % {"source": source or gettext("Tongban platform")}
    else:
        names = sorted(set(departments.get(event.actor_id, [])))
        reader = "、".join(names) if names else gettext("Another government system")
    return DataAccess(
        occurred_at=event.occurred_at,
        by_self=by_self,
        reader=reader,
        purpose=event.purpose,
        fields=list(event.fields or []),
    )


def actions_on_behalf_of(*, party_id: uuid.UUID, limit: int = 100) -> QuerySet[AuditEvent]:
    """What agents did for this person or enterprise (the audit's "on behalf of")."""
    return AuditEvent.objects.filter(on_behalf_of_id=party_id).order_by("-occurred_at")[:limit]


def masked_party_name(party: ActingParty) -> str:
    return party.name if party.kind == PartyKind.ENTERPRISE else mask_name(party.name)


# --- people of a region (emergency alerts) ---------------------------------------------------


def users_by_resident_id_numbers(*, id_numbers: list[str]) -> QuerySet[User]:
    """Active real-name accounts (L2 and up) holding one of these resident ID numbers."""
    indexes = [blind_index_of(User, "resident_id_number", number) for number in id_numbers]
    return User.objects.filter(
        resident_id_number_index__in=indexes,
        real_name_level__gte=RealNameLevel.L2,
        is_active=True,
        deleted_at=None,
    )


def users_with_chosen_region(*, region_prefixes: list[str]) -> QuerySet[User]:
    """Active accounts whose chosen region ("my area") lies inside one of these code prefixes."""
    if not region_prefixes:
        return User.objects.none()
    condition = Q()
    for prefix in region_prefixes:
        condition |= Q(region_code__startswith=prefix)
    return User.objects.filter(condition, is_active=True, deleted_at=None)
