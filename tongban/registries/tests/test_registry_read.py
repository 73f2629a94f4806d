"""Every registry read goes through registry_read and is audited with its purpose."""

import uuid

import pytest

from tongban.audit.constants import AuditEventKind
from tongban.audit.models import AuditEvent
from tongban.audit.selectors import personal_data_reads_about
from tongban.audit.services import subject_key_of
from tongban.core.exceptions import InvalidCreditCode, InvalidInput, InvalidResidentIdNumber
from tongban.registries.constants import RegistrySourceKey
from tongban.registries.factories import (
    DemoEnterpriseFactory,
    DemoInsuranceActivityFactory,
    DemoResidentFactory,
    DemoResidentIdCardFactory,
)
from tongban.registries.plugins.base import registry_sources
from tongban.registries.services import (
    EnterpriseByCreditCode,
    EnterprisesRepresentedBy,
    HouseholdMembersOf,
    InsuranceActivityOf,
    Reader,
    ResidentByIdNumber,
    ResidentIdCardByIdNumber,
    registry_read,
)

pytestmark = pytest.mark.django_db

POPULATION = RegistrySourceKey.POPULATION
ENTERPRISE = RegistrySourceKey.ENTERPRISE
SOCIAL_SECURITY = RegistrySourceKey.SOCIAL_SECURITY
PURPOSE = "identity check for case HC-2025-0001"


@pytest.fixture
def reader(clerk):
    return Reader(id=clerk.pk, ip_address="203.0.113.7")


@pytest.fixture
def resident():
    return DemoResidentFactory.create(name="林𠇔")


def reads_of(identifier):
    return list(personal_data_reads_about(identifier=identifier).order_by("occurred_at"))


def test_reading_a_resident_returns_the_record_and_logs_who_why_and_which_fields(reader, resident):
    [record] = registry_read(
        source=POPULATION,
        query=ResidentByIdNumber(resident.id_number.lower()),
        reader=reader,
        purpose=PURPOSE,
    )
    assert record.id_number == resident.id_number
    assert record.name == "林𠇔"
    [event] = reads_of(resident.id_number)
    assert event.kind == AuditEventKind.PERSONAL_DATA_READ
    assert event.actor_id == reader.id
    assert event.purpose == PURPOSE
    assert event.ip_address == "203.0.113.7"
    assert event.object_type == "registries.population.ResidentByIdNumber"
    assert "id_number" in event.fields
    assert "name" in event.fields
    assert event.summary == {"source": "population", "found": True}
    assert event.subject_key == subject_key_of(resident.id_number)


def test_every_member_of_a_household_read_is_audited(reader, resident):
    spouse = DemoResidentFactory.create(household=resident.household, sex="female", name="陈堃")
    records = registry_read(
        source=POPULATION,
        query=HouseholdMembersOf(resident.id_number),
        reader=reader,
        purpose=PURPOSE,
    )
    assert {r.id_number for r in records} == {resident.id_number, spouse.id_number}
    assert len(reads_of(resident.id_number)) == 1
    assert len(reads_of(spouse.id_number)) == 1


def test_reading_a_resident_id_card_is_audited(reader):
    card = DemoResidentIdCardFactory.create()
    [record] = registry_read(
        source=POPULATION,
        query=ResidentIdCardByIdNumber(card.resident.id_number),
        reader=reader,
        purpose=PURPOSE,
    )
    assert record.issuing_authority == "海川市公安局临江分局"
    assert record.valid_until == card.valid_until
    [event] = reads_of(card.resident.id_number)
    assert "valid_until" in event.fields
    assert event.object_type == "registries.population.ResidentIdCardByIdNumber"


def test_reading_an_enterprise_audits_the_enterprise_and_its_representative(reader):
    enterprise = DemoEnterpriseFactory.create()
    representative = enterprise.legal_representative
    [record] = registry_read(
        source=ENTERPRISE,
        query=EnterpriseByCreditCode(enterprise.credit_code),
        reader=reader,
        purpose=PURPOSE,
    )
    assert record.legal_representative_id_number == representative.id_number
    [about_enterprise] = reads_of(enterprise.credit_code)
    assert "legal_representative_name" not in about_enterprise.fields
    [about_representative] = reads_of(representative.id_number)
    assert about_representative.fields == [
        "legal_representative_id_number",
        "legal_representative_name",
    ]


def test_enterprises_are_found_by_their_representative(reader):
    enterprise = DemoEnterpriseFactory.create()
    records = registry_read(
        source=ENTERPRISE,
        query=EnterprisesRepresentedBy(enterprise.legal_representative.id_number),
        reader=reader,
        purpose=PURPOSE,
    )
    assert [r.credit_code for r in records] == [enterprise.credit_code]


def test_a_lookup_that_finds_nobody_is_audited_too(reader):
    number = DemoResidentFactory.build().id_number  # valid, but not in the registry
    assert (
        registry_read(
            source=POPULATION, query=ResidentByIdNumber(number), reader=reader, purpose=PURPOSE
        )
        == []
    )
    [event] = reads_of(number)
    assert event.fields == []
    assert event.summary == {"source": "population", "found": False}


def test_the_platform_itself_may_read_with_a_purpose(resident):
    registry_read(
        source=POPULATION,
        query=ResidentByIdNumber(resident.id_number),
        reader=Reader(id=None),
        purpose="nightly deceased-status check",
    )
    [event] = reads_of(resident.id_number)
    assert event.actor_id is None


@pytest.mark.parametrize(
    ("source", "query"),
    [
        (POPULATION, lambda r: ResidentByIdNumber(r.id_number)),
        (POPULATION, lambda r: HouseholdMembersOf(r.id_number)),
        (POPULATION, lambda r: ResidentIdCardByIdNumber(r.id_number)),
        (ENTERPRISE, lambda r: EnterprisesRepresentedBy(r.id_number)),
        (SOCIAL_SECURITY, lambda r: InsuranceActivityOf(r.id_number)),
    ],
)
def test_every_query_of_every_source_is_audited_with_its_purpose(reader, resident, source, query):
    DemoResidentIdCardFactory.create(resident=resident)
    DemoInsuranceActivityFactory.create(resident=resident)
    registry_read(source=source, query=query(resident), reader=reader, purpose=PURPOSE)
    events = reads_of(resident.id_number)
    assert len(events) == 1
    assert events[0].purpose == PURPOSE


def test_every_registered_source_is_covered_by_the_audit_tests():
    assert set(registry_sources.keys()) == {POPULATION, ENTERPRISE, SOCIAL_SECURITY}


def test_the_social_security_registry_answers_the_latest_activity_first(reader, resident):
    import datetime as dt

    DemoInsuranceActivityFactory.create(resident=resident, occurred_on=dt.date(2026, 3, 1))
    DemoInsuranceActivityFactory.create(
        resident=resident, kind="pharmacy", occurred_on=dt.date(2026, 9, 1)
    )
    found = registry_read(
        source=SOCIAL_SECURITY,
        query=InsuranceActivityOf(resident.id_number),
        reader=reader,
        purpose=PURPOSE,
    )
    assert [(record.kind, record.occurred_on) for record in found] == [
        ("pharmacy", dt.date(2026, 9, 1)),
        ("medical_visit", dt.date(2026, 3, 1)),
    ]


@pytest.mark.parametrize(
    ("source", "query", "purpose", "error", "field"),
    [
        ("vehicles", ResidentByIdNumber("x"), PURPOSE, InvalidInput, "source"),
        (ENTERPRISE, ResidentByIdNumber("x"), PURPOSE, InvalidInput, "query"),
        (
            POPULATION,
            ResidentByIdNumber("11010119900307123"),
            PURPOSE,
            InvalidResidentIdNumber,
            "id_number",
        ),
        (
            POPULATION,
            ResidentByIdNumber("110101199003071235"),
            PURPOSE,
            InvalidResidentIdNumber,
            "id_number",
        ),
        (
            POPULATION,
            ResidentByIdNumber("11010119900307123X' OR 1=1"),
            PURPOSE,
            InvalidResidentIdNumber,
            "id_number",
        ),
        (POPULATION, HouseholdMembersOf(""), PURPOSE, InvalidResidentIdNumber, "id_number"),
        (
            ENTERPRISE,
            EnterpriseByCreditCode("91110000600037341A"),
            PURPOSE,
            InvalidCreditCode,
            "credit_code",
        ),
        (
            ENTERPRISE,
            EnterpriseByCreditCode("not a code"),
            PURPOSE,
            InvalidCreditCode,
            "credit_code",
        ),
        (POPULATION, ResidentByIdNumber("110101199003071234"), "", InvalidInput, "purpose"),
        (POPULATION, ResidentByIdNumber("110101199003071234"), "   ab ", InvalidInput, "purpose"),
        (POPULATION, ResidentByIdNumber("110101199003071234"), "x" * 501, InvalidInput, "purpose"),
    ],
)
def test_bad_reads_are_refused_and_nothing_is_logged(reader, source, query, purpose, error, field):
    with pytest.raises(error) as caught:
        registry_read(source=source, query=query, reader=reader, purpose=purpose)
    assert field in caught.value.errors
    assert AuditEvent.objects.count() == 0


def test_a_read_whose_audit_fails_returns_nothing(reader, resident, monkeypatch):
    from tongban.registries import services

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "personal_data_read_record", broken)
    with pytest.raises(RuntimeError):
        registry_read(
            source=POPULATION,
            query=ResidentByIdNumber(resident.id_number),
            reader=reader,
            purpose=PURPOSE,
        )


def test_reader_ids_are_plain_uuids(resident):
    someone = uuid.uuid4()
    registry_read(
        source=POPULATION,
        query=ResidentByIdNumber(resident.id_number),
        reader=Reader(id=someone),
        purpose=PURPOSE,
    )
    assert reads_of(resident.id_number)[0].actor_id == someone
