"""The one way to read the registries, and filling the demo plug-ins' synthetic tables.

Every read names its reader and purpose and is written to the audit log as a "personal data
read" for each person (or enterprise) it reveals, before the data is returned: a read that
cannot be logged does not happen (Personal Information Protection Law Art. 45; DESIGN.md §2).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.audit.constants import AuditEventKind
from tongban.audit.services import audit_event_record, personal_data_read_record
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.fields import blind_index_of
from tongban.core.working_days import local_date
from tongban.registries.constants import (
    PURPOSE_MAX_LENGTH,
    PURPOSE_MIN_LENGTH,
    InsuranceActivityKind,
)
from tongban.registries.models import (
    DemoEnterprise,
    DemoHousehold,
    DemoInsuranceActivity,
    DemoPensionAward,
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
    Resident,
    ResidentByIdNumber,
    ResidentIdCard,
    ResidentIdCardByIdNumber,
    registry_sources,
)
from tongban.registries.plugins.demo.synthetic import (
    DEFAULT_SEED,
    DemoStreet,
    PopulationGenerator,
    enterprises_generate,
)

# Callers build queries and receive records of these types.
__all__ = [
    "DemoStreet",
    "Enterprise",
    "EnterpriseByCreditCode",
    "EnterprisesRepresentedBy",
    "HouseholdMembersOf",
    "InsuranceActivity",
    "InsuranceActivityOf",
    "Reader",
    "RegistryQuery",
    "Resident",
    "ResidentByIdNumber",
    "ResidentIdCard",
    "ResidentIdCardByIdNumber",
    "demo_registries_populate",
    "demo_social_insurance_populate",
    "pension_recipients_among",
    "registry_read",
    "resident_id_numbers_in_regions",
]


@dataclass(frozen=True)
class Reader:
    """Who reads: an account (``id``), or the platform itself (``id=None``, e.g. a job)."""

    id: uuid.UUID | None
    ip_address: str | None = None


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(errors={field: [FieldError(code, message)]})


def registry_read(*, source: str, query: RegistryQuery[R], reader: Reader, purpose: str) -> list[R]:
    """Reads a registry through its plug-in, logging who read whose data and why.

    Raises ``InvalidInput`` for an unknown source, a query the source does not answer, a
    malformed identifier or a missing purpose. The audit events are written (and committed,
    unless the caller's transaction rolls back) before the records are returned; a lookup that
    finds nothing is logged too, since asking about someone is itself a use of their number.
    """
    plugin = registry_sources.get(source)
    if plugin is None:
        raise _invalid("source", "unknown_source", str(_("There is no such registry.")))
    if not plugin.supports(query):
        raise _invalid("query", "unsupported_query", str(_("This registry cannot answer that.")))
    purpose = " ".join((purpose or "").split())
    if len(purpose) < PURPOSE_MIN_LENGTH:
        raise _invalid(
            "purpose", "purpose_required", str(_("Say why the data is needed (the purpose)."))
        )
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise _invalid("purpose", "purpose_too_long", str(_("The purpose is too long.")))
    normalized = query.normalized()
    records = list(plugin.read(normalized))
    with transaction.atomic():
        object_type = f"registries.{plugin.key}.{type(normalized).__name__}"
        if not records:
            personal_data_read_record(
                reader_id=reader.id,
                purpose=purpose,
                fields=[],
                subject_identifier=normalized.subject_identifier(),
                object_type=object_type,
                summary={"source": plugin.key, "found": False},
                ip_address=reader.ip_address,
            )
        for record in records:
            for identifier, fields in record.audit_subjects():
                personal_data_read_record(
                    reader_id=reader.id,
                    purpose=purpose,
                    fields=fields,
                    subject_identifier=identifier,
                    object_type=object_type,
                    summary={"source": plugin.key, "found": True},
                    ip_address=reader.ip_address,
                )
    return records


def resident_id_numbers_in_regions(
    *, region_prefixes: Sequence[str], reader: Reader, purpose: str
) -> list[str]:
    """The ID numbers of the living residents whose registered household lies in the regions.

    For reaching everyone registered in an area (an emergency alert): answered from the demo
    population here; a real deployment asks the population registry the same question. One
    audit record names the reader, the purpose, the regions and how many people were found,
    rather than one record per person of a whole city.
    """
    purpose = " ".join((purpose or "").split())
    if len(purpose) < PURPOSE_MIN_LENGTH:
        raise _invalid(
            "purpose", "purpose_required", str(_("Say why the data is needed (the purpose)."))
        )
    prefixes = [prefix for prefix in region_prefixes if prefix]
    if not prefixes:
        return []
    condition = Q()
    for prefix in prefixes:
        condition |= Q(household__region_code__startswith=prefix)
    numbers = [
        str(number)
        for number in DemoResident.objects.filter(condition, deceased_on__isnull=True)
        .order_by()
        .values_list("id_number", flat=True)
    ]
    audit_event_record(
        kind=AuditEventKind.PERSONAL_DATA_READ,
        actor_id=reader.id,
        object_type="registries.demo.ResidentsInRegions",
        object_id=",".join(prefixes)[:100],
        purpose=purpose,
        summary={"regions": prefixes, "found": len(numbers)},
    )
    return numbers


def pension_recipients_among(
    *, id_numbers: Sequence[str], reader: Reader, purpose: str
) -> dict[str, dt.date]:
    """Which of these people the social-insurance agency pays a basic pension, and since when
    (ID number → first day paid); the others are left out.

    For a yearly job over many accounts (the pension qualification check): answered from the
    demo social-insurance tables here; a real deployment sends the agency the same batch. One
    audit record per batch names the reader, the purpose and how many were asked and found,
    rather than one per person; the records of each person's check are their own.
    """
    purpose = " ".join((purpose or "").split())
    if len(purpose) < PURPOSE_MIN_LENGTH:
        raise _invalid(
            "purpose", "purpose_required", str(_("Say why the data is needed (the purpose)."))
        )
    asked = {blind_index_of(DemoResident, "id_number", number): number for number in id_numbers}
    if not asked:
        return {}
    awards = DemoPensionAward.objects.filter(
        resident__id_number_index__in=list(asked), resident__deceased_on__isnull=True
    ).values_list("resident__id_number_index", "started_on")
    found = {asked[index]: started_on for index, started_on in awards}
    audit_event_record(
        kind=AuditEventKind.PERSONAL_DATA_READ,
        actor_id=reader.id,
        object_type="registries.demo.PensionRecipientsAmong",
        object_id="",
        purpose=purpose,
        summary={"asked": len(asked), "found": len(found)},
    )
    return found


# The age the demo agency starts paying: one age for everyone keeps the synthetic data simple
# (the statutory ages differ by sex and occupation and are rising from 2025).
DEMO_PENSION_AGE = 60


@dataclass(frozen=True)
class SocialInsuranceReport:
    pension_awards: int
    activities: int


def demo_social_insurance_populate(
    *, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> SocialInsuranceReport:
    """Gives the demo residents their social-insurance traces, once: a pension for the living
    residents aged 60 or more, and medical visits, pharmacy purchases or contributions dated
    before ``today`` (the date in China).

    Deterministic for the same population, seed and day. Most people were active in the last
    half year; some only longer ago, some never, so the pension check meets every route.
    Does nothing when the demo pension awards already exist (``seed_demo`` runs again).
    """
    if DemoPensionAward.objects.exists():
        return SocialInsuranceReport(pension_awards=0, activities=0)
    today = today or local_date(timezone.now())
    chooser = random.Random(seed)  # noqa: S311 (repeatable synthetic data)
    awards: list[DemoPensionAward] = []
    activities: list[DemoInsuranceActivity] = []
    residents = DemoResident.objects.filter(deceased_on__isnull=True).order_by(
        "household__number", "birth_date", "id_number_index"
    )
    for resident in residents.only("pk", "birth_date"):
        born = resident.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        retired = age >= DEMO_PENSION_AGE
        if retired:
            # 29 February birthdays are paid from 28 February.
            day = min(born.day, 28) if born.month == 2 else born.day
            started = born.replace(year=born.year + DEMO_PENSION_AGE, day=day)
            awards.append(DemoPensionAward(resident=resident, started_on=started))
        draw = chooser.random()
        if draw < 0.75:
            ages_in_days = [chooser.randint(1, 170) for _n in range(chooser.randint(1, 3))]
        elif draw < 0.85:
            ages_in_days = [chooser.randint(200, 500)]
        else:
            ages_in_days = []
        kinds = (
            [InsuranceActivityKind.MEDICAL_VISIT, InsuranceActivityKind.PHARMACY]
            if retired
            else [InsuranceActivityKind.CONTRIBUTION, InsuranceActivityKind.MEDICAL_VISIT]
        )
        for days in ages_in_days:
            activities.append(
                DemoInsuranceActivity(
                    resident=resident,
                    kind=chooser.choice(kinds),
                    occurred_on=today - dt.timedelta(days=days),
                )
            )
    with transaction.atomic():
        DemoPensionAward.objects.bulk_create(awards, batch_size=500)
        DemoInsuranceActivity.objects.bulk_create(activities, batch_size=500)
    return SocialInsuranceReport(pension_awards=len(awards), activities=len(activities))


@dataclass(frozen=True)
class PopulateReport:
    households: int
    residents: int
    id_cards: int
    enterprises: int


def demo_registries_populate(
    *,
    streets: Sequence[DemoStreet],
    residents: int = 1000,
    enterprises: int = 200,
    seed: int = DEFAULT_SEED,
) -> PopulateReport:
    """Fills the demo registries with synthetic people and enterprises, once.

    Deterministic: the same arguments always give the same data. Does nothing when the demo
    population already exists (so ``seed_demo`` can run again); returns what it created.
    Everything is written with bulk inserts in one transaction: a thousand residents take
    well under a second.
    """
    if residents < 1 or enterprises < 0:
        raise ValueError("residents must be at least 1 and enterprises not negative")
    if DemoResident.objects.exists():
        return PopulateReport(households=0, residents=0, id_cards=0, enterprises=0)
    generator = PopulationGenerator(seed=seed, streets=streets)
    households = generator.population(residents=residents)
    people = [member for household in households for member in household.members]
    synthetic_enterprises = enterprises_generate(
        seed=seed, count=enterprises, representatives=people, streets=streets
    )
    household_rows: list[DemoHousehold] = []
    resident_rows: list[DemoResident] = []
    card_rows: list[DemoResidentIdCard] = []
    by_id_number: dict[str, DemoResident] = {}
    for household in households:
        household_row = DemoHousehold(
            number=household.number, region_code=household.street.code, address=household.address
        )
        household_rows.append(household_row)
        authority = f"{household.street.city_name}公安局{household.street.district_name}分局"
        for member in household.members:
            resident_row = DemoResident(
                household=household_row,
                id_number=member.id_number,
                name=member.name,
                sex=member.sex,
                ethnicity=member.ethnicity,
                birth_date=member.birth_date,
                relation_to_head=member.relation_to_head,
                deceased_on=member.deceased_on,
            )
            resident_rows.append(resident_row)
            by_id_number[member.id_number] = resident_row
            if member.has_card and member.card_valid_from is not None:
                card_rows.append(
                    DemoResidentIdCard(
                        resident=resident_row,
                        issuing_authority=authority,
                        valid_from=member.card_valid_from,
                        valid_until=member.card_valid_until,
                    )
                )
    enterprise_rows = [
        DemoEnterprise(
            credit_code=enterprise.credit_code,
            name=enterprise.name,
            kind=enterprise.kind,
            status=enterprise.status,
            legal_representative=by_id_number[enterprise.representative_id_number],
            region_code=enterprise.region_code,
            registered_address=enterprise.registered_address,
            registered_capital=enterprise.registered_capital,
            established_on=enterprise.established_on,
            business_scope=enterprise.business_scope,
        )
        for enterprise in synthetic_enterprises
    ]
    with transaction.atomic():
        DemoHousehold.objects.bulk_create(household_rows, batch_size=500)
        DemoResident.objects.bulk_create(resident_rows, batch_size=500)
        DemoResidentIdCard.objects.bulk_create(card_rows, batch_size=500)
        DemoEnterprise.objects.bulk_create(enterprise_rows, batch_size=500)
    return PopulateReport(
        households=len(household_rows),
        residents=len(resident_rows),
        id_cards=len(card_rows),
        enterprises=len(enterprise_rows),
    )
