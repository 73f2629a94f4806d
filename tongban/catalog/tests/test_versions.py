"""Drafts, publishing (with every problem listed), immutability, clones, diffs, burden."""

from __future__ import annotations

import pytest

from tongban.audit.models import AuditEvent
from tongban.catalog import selectors, services
from tongban.catalog.constants import Channel, VersionStatus
from tongban.catalog.exceptions import VersionIncomplete, VersionNotEditable
from tongban.catalog.forms_schema import FieldSpec
from tongban.catalog.models import FieldRow, Material, ServiceItem, ServiceVersion
from tongban.catalog.tests.conftest import draft_complete, item_create
from tongban.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def test_publishing_stores_the_schema_and_ui_and_points_the_item_at_it(
    published: ServiceVersion,
) -> None:
    item = ServiceItem.objects.get()

    assert item.published_version == published
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_at is not None
    assert published.form_schema["required"] == ["operator_name", "mobile", "form_of_composition"]
    assert [step["title"] for step in published.form_ui["steps"]] == ["经营者", "经营信息"]
    assert item.channel == Channel.FULLY_ONLINE


def test_publishing_an_incomplete_version_lists_every_problem_and_saves_nothing(
    certificate_types: None,
) -> None:
    item = item_create()
    draft = item.versions.get()
    services.service_version_update(
        version=draft,
        changes={"promised_days": 30, "legal_days": 20, "channel": Channel.COUNTER_ONLY},
        actor_id=None,
    )

    with pytest.raises(VersionIncomplete) as raised:
        services.service_version_publish(version=draft, actor_id=None)

    assert set(raised.value.errors) == {
        "form",
        "materials",
        "legal_basis",
        "promised_days",
        "trips",
        "delivery_options",
        "result",
        "process_bpmn",
    }
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert item.published_version is None


def test_publishing_refuses_a_process_the_workflow_engine_cannot_run(
    certificate_types: None,
) -> None:
    draft = draft_complete(item_create(), process_bpmn="<bpmn:definitions")

    with pytest.raises(VersionIncomplete) as raised:
        services.service_version_publish(version=draft, actor_id=None)

    assert any(key.startswith("process_bpmn") for key in raised.value.errors)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_published_version_cannot_be_changed(published: ServiceVersion) -> None:
    with pytest.raises(VersionNotEditable):
        services.field_row_add(
            version=published, spec=FieldSpec(key="extra", label="x", type="text"), actor_id=None
        )
    with pytest.raises(VersionNotEditable):
        services.service_version_update(
            version=published, changes={"promised_days": 2}, actor_id=None
        )
    with pytest.raises(VersionNotEditable):
        services.material_add(version=published, values={"name": "x"}, actor_id=None)

    published.refresh_from_db()
    assert published.promised_days == 1
    assert FieldRow.objects.filter(version=published).count() == 5


def test_cloning_makes_a_draft_and_publishing_it_supersedes_the_old_version(
    published: ServiceVersion,
) -> None:
    clone = services.service_version_clone(version=published, actor_id=None)
    services.service_version_update(version=clone, changes={"promised_days": 2}, actor_id=None)

    services.service_version_publish(version=clone, actor_id=None)

    published.refresh_from_db()
    clone.refresh_from_db()
    assert (clone.number, clone.status) == (2, VersionStatus.PUBLISHED)
    assert published.status == VersionStatus.SUPERSEDED
    assert ServiceItem.objects.get().published_version == clone
    assert clone.field_rows.count() == published.field_rows.count() == 5


def test_an_item_has_at_most_one_draft(published: ServiceVersion) -> None:
    services.service_version_clone(version=published, actor_id=None)

    with pytest.raises(VersionNotEditable):
        services.service_version_clone(version=published, actor_id=None)

    assert ServiceVersion.objects.count() == 2


def test_the_diff_shows_what_a_draft_changes(published: ServiceVersion) -> None:
    clone = services.service_version_clone(version=published, actor_id=None)
    clone = services.service_version_update(
        version=clone, changes={"promised_days": 2}, actor_id=None
    )
    services.field_row_add(
        version=clone, spec=FieldSpec(key="shop_name", label="字号", type="text"), actor_id=None
    )

    rows = selectors.version_diff(draft=clone, published=published)

    assert [(row["section"], row["name"], row["old"]) for row in rows] == [
        ("guide", "promised_days", 1),
        ("field_rows", "shop_name", None),
    ]


def test_designer_actions_are_audited(published: ServiceVersion) -> None:
    kinds = list(
        AuditEvent.objects.filter(object_type__startswith="catalog.").values_list(
            "object_type", "kind"
        )
    )

    assert ("catalog.serviceitem", "created") in kinds
    assert ("catalog.serviceversion", "status_changed") in kinds
    assert kinds.count(("catalog.fieldrow", "created")) == 5


def test_materials_must_name_known_certificate_types(certificate_types: None) -> None:
    draft = item_create().versions.get()

    with pytest.raises(InvalidInput) as raised:
        services.material_add(
            version=draft,
            values={"name": "营业执照", "certificate_type_codes": ["no_such_type"]},
            actor_id=None,
        )

    assert [e.code for e in raised.value.errors["certificate_type_codes"]] == ["unknown"]
    assert Material.objects.count() == 0


def test_the_burden_figures_count_fields_prefill_and_certificate_materials(
    certificate_types: None,
) -> None:
    draft = draft_complete(item_create())
    services.field_row_add(
        version=draft,
        spec=FieldSpec(
            key="enterprise",
            label="名称",
            type="text",
            prefill_source="certificates:business_licence.name",
        ),
        actor_id=None,
    )

    figures = selectors.burden_figures(version=draft)

    assert figures == selectors.BurdenFigures(
        fields_total=6, fields_prefilled=1, materials_total=2, materials_certificate_satisfiable=1
    )


def test_creating_an_item_refuses_bad_input_and_saves_nothing(certificate_types: None) -> None:
    with pytest.raises(InvalidInput) as raised:
        services.service_item_create(
            code="",
            name="",
            kind="magic",
            department_type_code="nowhere",
            applicant_types=["alien"],
            topics=["moon"],
            actor_id=None,
        )

    assert set(raised.value.errors) == {
        "code",
        "name",
        "kind",
        "department_type",
        "applicant_types",
        "topics",
    }
    assert ServiceItem.objects.count() == 0


def test_an_unknown_real_name_level_or_strength_is_refused(certificate_types: None) -> None:
    draft = item_create().versions.get()

    with pytest.raises(InvalidInput) as raised:
        services.service_version_update(
            version=draft,
            changes={"real_name_level": 9, "authentication_strength": 0},
            actor_id=None,
        )

    assert set(raised.value.errors) == {"real_name_level", "authentication_strength"}
    draft.refresh_from_db()
    assert (draft.real_name_level, draft.authentication_strength) == (2, 1)
