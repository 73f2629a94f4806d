"""The synthetic registries: large enough, valid, fictional, repeatable, encrypted at rest."""

import datetime as dt

import pytest
from django.db import connection
from stdnum.cn import ric, uscc

from tongban.registries.constants import EnterpriseStatus, HouseholdRelation
from tongban.registries.factories import TEST_STREETS
from tongban.registries.models import (
    DemoEnterprise,
    DemoHousehold,
    DemoResident,
    DemoResidentIdCard,
)
from tongban.registries.plugins.demo.synthetic import (
    REFERENCE_DATE,
    PopulationGenerator,
    enterprises_generate,
    organization_code_make,
)
from tongban.registries.services import demo_registries_populate


def outside_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def test_the_generator_gives_the_same_people_for_the_same_seed():
    def people(seed):
        generator = PopulationGenerator(seed=seed, streets=TEST_STREETS)
        return [
            (m.id_number, m.name, m.birth_date)
            for h in generator.population(residents=50)
            for m in h.members
        ]

    assert people(7) == people(7)
    assert people(7) != people(8)


def test_the_generator_refuses_to_house_people_nowhere():
    with pytest.raises(ValueError, match="at least one street"):
        PopulationGenerator(seed=1, streets=[])


def test_organization_codes_carry_their_gb_11714_check_character():
    # Weights 3,7,9,10,5,8,4,2 over 12345678 sum to 201; 11 - 201 % 11 = 8.
    assert organization_code_make("12345678")[-1] == "8"
    assert len(organization_code_make("00000000")) == 9


@pytest.mark.django_db
def test_the_demo_registries_hold_a_thousand_valid_residents_and_two_hundred_enterprises():
    report = demo_registries_populate(streets=TEST_STREETS)
    assert report.residents >= 1000
    assert report.enterprises == 200
    residents = list(DemoResident.objects.select_related("household"))
    assert len(residents) == report.residents
    assert DemoHousehold.objects.count() == report.households

    numbers = [r.id_number for r in residents]
    assert len(set(numbers)) == len(numbers)
    assert all(ric.is_valid(number) for number in numbers)
    assert all(ric.get_birth_date(r.id_number) == r.birth_date for r in residents)
    assert all((int(r.id_number[16]) % 2 == 1) == (r.sex == "male") for r in residents)
    assert all(r.birth_date <= REFERENCE_DATE for r in residents)

    rare = [r.name for r in residents if outside_gb2312(r.name)]
    assert len(rare) >= 5
    assert any("𠇔" in name for name in rare)
    assert any("堃" in name for name in rare)

    deceased = [(r.birth_date, r.deceased_on) for r in residents if r.deceased_on is not None]
    assert 3 <= len(deceased) <= 100
    assert all(born < died <= REFERENCE_DATE for born, died in deceased)
    assert not DemoResidentIdCard.objects.filter(resident__deceased_on__isnull=False).exists()

    heads = [r for r in residents if r.relation_to_head == HouseholdRelation.HEAD]
    assert len(heads) == report.households
    assert {r.household.region_code for r in residents} == {s.code for s in TEST_STREETS}

    enterprises = list(DemoEnterprise.objects.select_related("legal_representative"))
    assert all(uscc.is_valid(e.credit_code) for e in enterprises)
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert all(e.legal_representative.deceased_on is None for e in enterprises)
    assert all(
        (REFERENCE_DATE - e.legal_representative.birth_date).days >= 18 * 365 for e in enterprises
    )
    assert {e.status for e in enterprises} == {
        EnterpriseStatus.ACTIVE,
        EnterpriseStatus.DEREGISTERED,
    }


@pytest.mark.django_db
def test_populating_again_changes_nothing():
    demo_registries_populate(streets=TEST_STREETS, residents=30, enterprises=5)
    before = sorted(DemoResident.objects.values_list("pk", "updated_at"))
    report = demo_registries_populate(streets=TEST_STREETS, residents=30, enterprises=5)
    assert (report.residents, report.enterprises) == (0, 0)
    assert sorted(DemoResident.objects.values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_personal_identifiers_are_encrypted_at_rest():
    demo_registries_populate(streets=TEST_STREETS, residents=5, enterprises=1)
    resident = DemoResident.objects.first()
    assert resident is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, name FROM registries_demoresident WHERE id = %s",
            [resident.pk.hex if connection.vendor == "sqlite" else resident.pk],
        )
        stored_number, stored_name = cursor.fetchone()
        cursor.execute("SELECT address FROM registries_demohousehold")
        addresses = [row[0] for row in cursor.fetchall()]
    assert stored_number.startswith("enc1$")
    assert stored_name.startswith("enc1$")
    assert resident.id_number not in stored_number
    assert all(address.startswith("enc1$") for address in addresses)


def test_enterprise_representatives_must_be_living_adults():
    generator = PopulationGenerator(seed=3, streets=TEST_STREETS)
    children = [
        generator.person(relation=HouseholdRelation.CHILD, min_age=2, max_age=10) for _ in range(3)
    ]
    with pytest.raises(ValueError, match="adult residents"):
        enterprises_generate(seed=3, count=1, representatives=children, streets=TEST_STREETS)


def test_id_cards_follow_the_validity_periods_of_the_law():
    generator = PopulationGenerator(seed=5, streets=TEST_STREETS)
    young = generator.person(relation=HouseholdRelation.CHILD, min_age=18, max_age=20)
    middle = generator.person(relation=HouseholdRelation.HEAD, min_age=30, max_age=40)
    old = generator.person(relation=HouseholdRelation.HEAD, min_age=60, max_age=70)
    child = generator.person(relation=HouseholdRelation.CHILD, min_age=3, max_age=5)
    assert young.card_valid_from is not None
    assert young.card_valid_until is not None
    assert (young.card_valid_until - young.card_valid_from).days in range(3650, 3654)
    assert middle.card_valid_until is not None
    assert middle.card_valid_from is not None
    assert (middle.card_valid_until - middle.card_valid_from).days in range(7300, 7307)
    assert old.has_card
    assert old.card_valid_until is None  # valid for life
    assert not child.has_card
    assert dt.date(1900, 1, 1) < old.birth_date
