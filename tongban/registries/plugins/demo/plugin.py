"""Demo plug-ins: the population and enterprise registries, answered from synthetic tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from tongban.core.fields import blind_index_of
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.models import (
    DemoEnterprise,
    DemoInsuranceActivity,
    DemoResident,
    DemoResidentIdCard,
)
from tongban.registries.plugins.base import (
    Enterprise,
    EnterpriseByCreditCode,
    EnterprisesRepresentedBy,
    HouseholdMembersOf,
    InsuranceActivity,
    InsuranceActivityOf,
    R,
    RegistryQuery,
    RegistrySource,
    Resident,
    ResidentByIdNumber,
    ResidentIdCard,
    ResidentIdCardByIdNumber,
)


def _resident_find(id_number: str) -> DemoResident | None:
    index = blind_index_of(DemoResident, "id_number", id_number)
    return DemoResident.objects.select_related("household").filter(id_number_index=index).first()


def _resident_record(resident: DemoResident) -> Resident:
    return Resident(
        id_number=resident.id_number,
        name=resident.name,
        sex=resident.sex,
        ethnicity=resident.ethnicity,
        birth_date=resident.birth_date,
        address=resident.household.address,
        region_code=resident.household.region_code,
        household_number=resident.household.number,
        relation_to_head=resident.relation_to_head,
        deceased_on=resident.deceased_on,
    )


def _enterprise_record(enterprise: DemoEnterprise) -> Enterprise:
    return Enterprise(
        credit_code=enterprise.credit_code,
        name=enterprise.name,
        kind=enterprise.kind,
        status=enterprise.status,
        legal_representative_name=enterprise.legal_representative.name,
        legal_representative_id_number=enterprise.legal_representative.id_number,
        region_code=enterprise.region_code,
        registered_address=enterprise.registered_address,
        registered_capital=enterprise.registered_capital,
        established_on=enterprise.established_on,
        business_scope=enterprise.business_scope,
    )


class DemoPopulationRegistry(RegistrySource):
    """Residents, households and the resident ID cards the population registry issued."""

    key = RegistrySourceKey.POPULATION
    label = _("Population registry (demo)")
    queries = (ResidentByIdNumber, HouseholdMembersOf, ResidentIdCardByIdNumber)

    def read(self, query: RegistryQuery[R]) -> Sequence[R]:
        records: list[Any] = []
        if isinstance(query, ResidentByIdNumber):
            resident = _resident_find(query.id_number)
            records = [_resident_record(resident)] if resident else []
        elif isinstance(query, HouseholdMembersOf):
            resident = _resident_find(query.id_number)
            if resident is not None:
                members = DemoResident.objects.select_related("household").filter(
                    household_id=resident.household_id
                )
                records = [_resident_record(member) for member in members]
        elif isinstance(query, ResidentIdCardByIdNumber):
            resident = _resident_find(query.id_number)
            card = (
                DemoResidentIdCard.objects.filter(resident=resident).first() if resident else None
            )
            if resident is not None and card is not None:
                records = [
                    ResidentIdCard(
                        id_number=resident.id_number,
                        name=resident.name,
                        sex=resident.sex,
                        ethnicity=resident.ethnicity,
                        birth_date=resident.birth_date,
                        address=resident.household.address,
                        issuing_authority=card.issuing_authority,
                        valid_from=card.valid_from,
                        valid_until=card.valid_until,
                    )
                ]
        return cast(list[R], records)


class DemoEnterpriseRegistry(RegistrySource):
    key = RegistrySourceKey.ENTERPRISE
    label = _("Enterprise registry (demo)")
    queries = (EnterpriseByCreditCode, EnterprisesRepresentedBy)

    def read(self, query: RegistryQuery[R]) -> Sequence[R]:
        enterprises = DemoEnterprise.objects.select_related("legal_representative")
        if isinstance(query, EnterpriseByCreditCode):
            enterprises = enterprises.filter(credit_code=query.credit_code)
        elif isinstance(query, EnterprisesRepresentedBy):
            resident = _resident_find(query.id_number)
            if resident is None:
                return []
            enterprises = enterprises.filter(legal_representative=resident)
        else:
            return []
        return cast(list[R], [_enterprise_record(enterprise) for enterprise in enterprises])


class DemoSocialSecurityRegistry(RegistrySource):
    """Medical visits, pharmacy purchases and contributions of the last year."""

    key = RegistrySourceKey.SOCIAL_SECURITY
    label = _("Social-insurance registry (demo)")
    queries = (InsuranceActivityOf,)

    def read(self, query: RegistryQuery[R]) -> Sequence[R]:
        if not isinstance(query, InsuranceActivityOf):
            return []
        resident = _resident_find(query.id_number)
        if resident is None:
            return []
        rows = DemoInsuranceActivity.objects.filter(resident=resident).order_by("-occurred_on")
        records = [
            InsuranceActivity(
                id_number=resident.id_number, kind=row.kind, occurred_on=row.occurred_on
            )
            for row in rows[:50]
        ]
        return cast(list[R], records)
