"""The registries through which upper apps plug into core without being imported."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from tongban.core.callbacks import Hook, hooks
from tongban.core.deletion import DeletionObstacle, deletion_obstacles_collect, deletion_vetoes
from tongban.core.exceptions import NoJurisdiction
from tongban.core.jurisdiction import (
    DepartmentRef,
    department_resolve,
    jurisdiction_resolver_install,
)
from tongban.core.personal_data import (
    PersonalDataRecord,
    personal_data_collect,
    personal_data_providers,
)
from tongban.core.prefill import PrefilledValue, PrefillField, PrefillSubject, prefill_sources
from tongban.core.registry import DuplicateRegistration, NotRegistered, Registry

PERSON = uuid.uuid4()


def test_a_registry_refuses_a_second_plugin_under_the_same_key():
    registry: Registry[str] = Registry("thing")
    registry.register("a", "first")
    with pytest.raises(DuplicateRegistration):
        registry.register("a", "second")
    with pytest.raises(NotRegistered, match="no thing"):
        registry["b"]


def test_override_restores_the_previous_entry():
    registry: Registry[str] = Registry("thing")
    registry.register("a", "first")
    with registry.override("a", "stand-in"):
        assert registry["a"] == "stand-in"
    assert registry["a"] == "first"
    with registry.override("new", "x"):
        assert "new" in registry
    assert "new" not in registry


class PopulationSource:
    key = "population"
    label = "the population registry"

    def fields(self):
        return [PrefillField("name", "Name")]

    def values(self, *, subject, keys):
        return (
            {"name": PrefilledValue("王小明", self.label, editable=False)} if "name" in keys else {}
        )


def test_a_prefill_source_answers_for_a_subject():
    with prefill_sources.override("population", PopulationSource()):
        subject = PrefillSubject(PERSON, None, PERSON, purpose="application form")
        values = prefill_sources["population"].values(subject=subject, keys=["name"])
    assert values["name"].editable is False


class Cases:
    key = "cases"

    def records(self, *, person_id):
        return [PersonalDataRecord("Applications", "2 applications", 2, {"ids": []})]

    def obstacles(self, *, person_id):
        return [DeletionObstacle("case_open", "An application is still being decided.")]


@pytest.mark.django_db
def test_personal_data_and_deletion_obstacles_are_collected_from_every_provider():
    # The apps' own providers (accounts, audit, notifications) hold nothing about PERSON.
    with (
        personal_data_providers.override("cases", Cases()),
        deletion_vetoes.override("cases", Cases()),
    ):
        assert [r.count for r in personal_data_collect(person_id=PERSON)] == [2]
        assert [o.code for o in deletion_obstacles_collect(person_id=PERSON)] == ["case_open"]


class Resolver:
    def resolve(self, *, department_type, region_code):
        if department_type == "civil_affairs":
            return DepartmentRef(uuid.uuid4(), "D1", "Civil affairs bureau", region_code)
        return None


def test_jurisdiction_resolves_through_the_installed_resolver():
    jurisdiction_resolver_install(Resolver())
    try:
        assert (
            department_resolve(department_type="civil_affairs", region_code="990101").code == "D1"
        )
        with pytest.raises(NoJurisdiction):
            department_resolve(department_type="taxation", region_code="990101")
    finally:
        jurisdiction_resolver_install(None)


def test_without_a_resolver_nothing_has_jurisdiction():
    jurisdiction_resolver_install(None)
    with pytest.raises(NoJurisdiction):
        department_resolve(department_type="civil_affairs", region_code="990101")


def test_a_hook_calls_its_receivers_in_order():
    hook: Hook[[int]] = Hook(f"test.{uuid.uuid4()}", description="")
    calls: list[tuple[str, int]] = []
    hook.connect(lambda n: calls.append(("first", n)))
    hook.connect(lambda n: calls.append(("second", n)))
    hook.fire(7)
    assert calls == [("first", 7), ("second", 7)]
    assert hook.name in hooks()


def test_hook_names_are_unique():
    Hook("test.unique", description="")
    with pytest.raises(ValueError, match="twice"):
        Hook("test.unique", description="")


@pytest.mark.django_db(transaction=True)
def test_a_hook_fired_on_commit_waits_for_the_commit_and_survives_a_failing_receiver():
    hook: Hook[[str]] = Hook(f"test.{uuid.uuid4()}", description="")
    calls: list[str] = []

    def failing(value: str) -> None:
        raise RuntimeError("boom")

    hook.connect(failing)
    hook.connect(calls.append)
    with transaction.atomic():
        hook.fire_on_commit("done")
        assert calls == []
    assert calls == ["done"]

    def fire_then_fail() -> None:
        with transaction.atomic():
            hook.fire_on_commit("rolled back")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fire_then_fail()
    assert calls == ["done"]
