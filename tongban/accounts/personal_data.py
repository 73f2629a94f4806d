"""What the accounts app holds about a person, and why an account cannot be deleted yet."""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import AgentGrant, Enterprise, User
from tongban.core.deletion import DeletionObstacle
from tongban.core.personal_data import PersonalDataRecord


class AccountData:
    key = "accounts"

    def records(self, *, person_id: uuid.UUID) -> list[PersonalDataRecord]:
        user = User.objects.filter(pk=person_id).first()
        if user is None:
            return []
        records = [
            PersonalDataRecord(
                category=_("Account"),
                description=_("Your sign-in identifier, preferences and real-name level."),
                count=1,
                source=_("You, at sign-up and in your settings"),
                export={
                    "mobile": user.mobile,
                    "email": user.email,
                    "region_code": user.region_code,
                    "elderly_mode": user.elderly_mode,
                    "real_name_level": user.real_name_level,
                    "date_joined": user.date_joined.isoformat(),
                },
            )
        ]
        if user.resident_id_number:
            records.append(
                PersonalDataRecord(
                    category=_("Identity"),
                    description=_("Your real name and resident ID number, verified."),
                    count=1,
                    source=_("The population registry (purpose: identity verification)"),
                    export={
                        "real_name": user.real_name,
                        "resident_id_number": user.resident_id_number,
                        "verified_at": user.real_name_verified_at.isoformat()
                        if user.real_name_verified_at
                        else None,
                    },
                )
            )
        grants = list(
            AgentGrant.objects.filter(agent=user) | AgentGrant.objects.filter(principal_person=user)
        )
        if grants:
            records.append(
                PersonalDataRecord(
                    category=_("Authorisations"),
                    description=_("Who may act for you, and for whom you may act."),
                    count=len(grants),
                    source=_("You or the person who authorised you"),
                    export={
                        "grants": [
                            {
                                "id": str(grant.pk),
                                "kind": grant.kind,
                                "agent": str(grant.agent_id),
                                "principal_person": str(grant.principal_person_id or ""),
                                "principal_enterprise": str(grant.principal_enterprise_id or ""),
                                "valid_until": grant.valid_until.isoformat(),
                                "revoked": grant.revoked_at is not None,
                            }
                            for grant in grants
                        ]
                    },
                )
            )
        enterprises = list(Enterprise.objects.filter(legal_representative=user))
        if enterprises:
            records.append(
                PersonalDataRecord(
                    category=_("Enterprises"),
                    description=_("Enterprises you represent as legal representative."),
                    count=len(enterprises),
                    source=_("The enterprise registry"),
                    export={"enterprises": [e.credit_code for e in enterprises]},
                )
            )
        return records


class ActiveEnterpriseAgents:
    """A legal representative whose enterprise still has agents must hand it over first."""

    key = "accounts.enterprise_agents"

    def obstacles(self, *, person_id: uuid.UUID) -> list[DeletionObstacle]:
        active = AgentGrant.objects.filter(
            principal_enterprise__legal_representative_id=person_id,
            revoked_at=None,
            valid_until__gt=timezone.now(),
        ).exists()
        if not active:
            return []
        return [
            DeletionObstacle(
                code="enterprise_agents_active",
                message=_("Agents still act for an enterprise you represent: withdraw them first."),
            )
        ]
