"""The staff half of the application journey in a real browser: the registration authority's
clerk accepts, its case officer reviews and its approver approves, each in their own browser
context; the citizen then finds the e-business licence in the wallet. axe-core checks the
citizen's pages and the staff's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _signed_in(visit, live_server, user, **options):
    client = Client()
    client.force_login(user)
    browser = visit(**options)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    browser.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return browser


def _staff(username: str, department: Any, role: str) -> Any:
    from tongban.accounts.factories import UserFactory
    from tongban.organization.factories import StaffPositionFactory, factory_create

    user = factory_create(UserFactory, username=username, staff=True)
    factory_create(StaffPositionFactory, user=user, department=department, role=role)
    return user


@pytest.fixture
def submitted_case(persona_departments, citizen, tmp_path: Path) -> Any:
    from django.core.cache import cache

    from tongban.cases.tests.conftest import (
        applicant_prepare,
        draft_complete,
        sole_proprietor_load,
        submit,
    )
    from tongban.certificates.services import issuer_register
    from tongban.certificates.tests.conftest import credit_code

    cache.clear()
    item = sole_proprietor_load(tmp_path)
    issuer_register(
        department=persona_departments["market_regulation"],
        credit_code=credit_code("11990200MB0000001"),
        actor=None,
    )
    applicant = applicant_prepare(citizen)
    return submit(draft_complete(item, applicant), applicant)


def _decide(visit, live_server, user, label: str) -> list[str]:
    """Opens the inbox as ``user``, the case's task, and records ``label``; axe findings."""
    browser = _signed_in(visit, live_server, user, viewport={"width": 1280, "height": 900})
    page = browser.open("/cases/staff/")
    findings = axe_violations(page)
    page.locator("table a").first.click()
    page.wait_for_load_state()
    findings += axe_violations(page)
    page.get_by_role("radio", name=label, exact=True).check()
    page.get_by_role("button", name="提交决定").click()
    page.wait_for_load_state()
    assert "/cases/staff/" in page.url
    assert browser.console_errors == []
    return findings


def test_the_department_accepts_and_approves_and_the_licence_reaches_the_wallet(
    visit, live_server, persona_departments, citizen, clerk, submitted_case
) -> None:
    from tongban.cases.constants import CaseStatus

    market = persona_departments["market_regulation"]
    officer = _staff("market-case-officer", market, "case_officer")
    approver = _staff("market-approver", market, "approver")
    findings = _decide(visit, live_server, clerk, "受理")
    findings += _decide(visit, live_server, officer, "审核通过，提交核准")
    findings += _decide(visit, live_server, approver, "准予许可")
    assert findings == []
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.APPROVED
    assert submitted_case.certificate_status == "done"

    browser = _signed_in(visit, live_server, citizen)
    page = browser.open(f"/cases/{submitted_case.pk}/")
    assert browser.last_status == 200
    assert axe_violations(page) == []
    page = browser.open("/certificates/")
    assert "营业执照" in page.content()
    assert axe_violations(page) == []
    assert browser.console_errors == []
