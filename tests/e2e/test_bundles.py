"""Starting a business (企业开办一件事) in a real browser: the demo citizen fills one combined
form with one set of materials and submits it to five departments at once; the taxation and
social insurance officers complete their parts in their own browser contexts while the
citizen's case page shows each part finishing and, at the end, the joined result. axe-core
finds no violation on the citizen's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from tests.e2e.conftest import Visit, axe_violations
from tests.e2e.test_cases import signed_in_with_code
from tests.e2e.test_cases_staff import _signed_in, _staff

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

IN_BROWSER = {"HC-SW-001": "taxation", "HC-RS-001": "human_resources_social_security"}


def _checked(browser: Visit) -> None:
    violations = axe_violations(browser.page)
    assert violations == [], (browser.page.url, violations)


def _fill(browser: Visit, answers: dict[str, Any], pdf: Path) -> None:
    page = browser.page
    for key, value in answers.items():
        inputs = page.locator(f'[name="{key}"]')
        kind = inputs.first.get_attribute("type")
        if kind in ("checkbox", "radio"):
            for option in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{key}"][value="{option}"]').check()
        elif inputs.first.evaluate("node => node.tagName") == "SELECT":
            inputs.first.select_option(str(value))
        else:
            inputs.first.fill(str(value))
    for upload in page.locator('input[type="file"]').all():
        upload.set_input_files(str(pdf))


def _finish_by_hand(visit, live_server, officer, labels: list[str]) -> None:
    """The department's officer takes every step of its part in their own browser context."""
    browser = _signed_in(visit, live_server, officer, viewport={"width": 1280, "height": 900})
    for label in labels:
        page = browser.open("/cases/staff/")
        page.locator("table a").first.click()
        page.wait_for_load_state()
        page.get_by_role("radio", name=label, exact=True).check()
        page.get_by_role("button", name="提交决定").click()
        page.wait_for_load_state()
        assert "/cases/staff/" in page.url
    assert browser.console_errors == []


def _status_of(page, service: str) -> str:
    return str(
        page.locator(f'[data-service="{service}"] [data-testid="branch-status"]').inner_text()
    )


def test_a_business_is_started_by_five_departments_at_once(
    visit, live_server, persona_departments, citizen, tmp_path: Path
) -> None:
    from django.core.cache import cache

    from tongban.cases import services
    from tongban.cases.constants import BundleStatus, CaseStatus
    from tongban.cases.models import Case
    from tongban.cases.tests.bundle_data import (
        ANSWERS,
        PDF,
        business_bundle_load,
        departments_ensure,
    )
    from tongban.cases.tests.conftest import applicant_prepare
    from tongban.workflow.constants import TaskStatus
    from tongban.workflow.models import HumanTask

    cache.clear()
    departments = departments_ensure(persona_departments["city"])
    business_bundle_load(tmp_path / "catalog")
    applicant = applicant_prepare(citizen)
    officers = {
        (department.pk, role): _staff(f"{department.code}-{role}", department, role)
        for department in departments.values()
        for role in ("clerk", "case_officer", "approver")
    }
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(PDF)

    browser = signed_in_with_code(visit, live_server, applicant)
    page = browser.open("/services/bundles/start-business/")
    _checked(browser)
    page.get_by_role("link", name="一次申请全部事项").click()
    page.wait_for_url("**/bundles/start-business/apply/")
    _checked(browser)
    _fill(browser, ANSWERS, pdf)
    page.get_by_label("我确认以上承诺").check()
    page.get_by_role("button", name="提交到各部门").click()
    page.wait_for_url("**/receipt/")
    _checked(browser)
    parent = Case.objects.get(bundle__code="start-business")
    assert parent.number in page.content()
    children = {child.service_item.code: child for child in Case.objects.filter(parent=parent)}
    assert len(children) == 5
    assert all(child.status == CaseStatus.SUBMITTED for child in children.values())

    # Three departments finish their parts (their own journeys are tested elsewhere).
    for code, child in children.items():
        if code in IN_BROWSER:
            continue
        while task := HumanTask.objects.filter(
            instance=child.process_instance, status=TaskStatus.OPEN
        ).first():
            services.case_task_complete(
                task_id=task.pk, actor=officers[(task.department_id, task.role)], outcome="approved"
            )
    with translation.override("zh-hans"):
        approved = str(CaseStatus.APPROVED.label)
        done = str(BundleStatus.DONE.label)
    case_page = f"/cases/{parent.pk}/"
    page = browser.open(case_page)
    _checked(browser)
    assert _status_of(page, "HC-SW-001") != approved
    assert page.get_by_test_id("bundle-status").inner_text() != done

    for code, department_type in IN_BROWSER.items():
        officer = officers[(departments[department_type].pk, "case_officer")]
        _finish_by_hand(visit, live_server, officer, ["受理", "准予许可"])
        page = browser.open(case_page)
        assert _status_of(page, code) == approved
        assert (
            page.locator(f'[data-service="{code}"]')
            .inner_text()
            .count(departments[department_type].name)
            >= 2
        )

    assert page.get_by_test_id("bundle-status").inner_text() == done
    parent.refresh_from_db()
    assert parent.status == CaseStatus.APPROVED
    _checked(browser)
    assert browser.console_errors == []
