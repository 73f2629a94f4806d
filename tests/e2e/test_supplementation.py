"""Supplementation and supervision in a real browser, on the provident fund withdrawal: the
case officer asks for two items at once; the citizen sees both, supplies them and the
countdown shows the pause; a supervisor sees an overdue case and reassigns it. axe-core checks
the citizen's pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.test_cases_staff import _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def fund(persona_departments, citizen, tmp_path: Path) -> dict[str, Any]:
    from django.core.cache import cache

    from tongban.cases.tests.conftest import applicant_prepare
    from tongban.cases.tests.test_clock_and_supplementation import (
        fund_offices,
        withdrawal_load,
        withdrawal_submit,
    )

    cache.clear()
    item = withdrawal_load(tmp_path)
    offices = fund_offices(persona_departments)
    applicant = applicant_prepare(citizen)
    offices["case"] = withdrawal_submit(item, applicant, persona_departments["district"].code)
    return offices


def test_two_items_at_once_the_pause_and_a_supervisor_reassigns(
    visit, live_server, citizen, fund, tmp_path: Path
) -> None:
    from tongban.cases.models import CaseClock
    from tongban.cases.tests.test_clock_and_supplementation import open_task
    from tongban.workflow.models import HumanTask

    case = fund["case"]
    task = open_task(case)

    # The case officer asks for two items in one go.
    officer = _signed_in(
        visit, live_server, fund["officer"], viewport={"width": 1280, "height": 900}
    )
    page = officer.open(f"/cases/staff/tasks/{task.pk}/")
    page.get_by_role("link", name="一次性告知补正").click()
    page.wait_for_load_state()
    page.get_by_label("要求补正“提取金额（元）”").check()
    page.get_by_label("“提取金额（元）”缺少或有误之处").fill("金额超过可提取额度")
    page.get_by_label("要求补正“本人银行卡”").check()
    page.get_by_label("“本人银行卡”缺少或有误之处").fill("银行卡照片不清晰")
    page.get_by_role("button", name="退回补正").click()
    page.wait_for_load_state()
    assert f"/cases/staff/tasks/{task.pk}/" in page.url
    assert officer.console_errors == []

    # The citizen sees both at once, and the countdown stands still.
    browser = _signed_in(visit, live_server, citizen)
    page = browser.open(f"/cases/{case.pk}/")
    assert "暂停" in page.content()
    findings = axe_violations(page)
    page.get_by_role("link", name="补正 2 项内容").click()
    page.wait_for_load_state()
    body = page.content()
    assert "金额超过可提取额度" in body
    assert "银行卡照片不清晰" in body
    findings += axe_violations(page)
    page.get_by_label("提取金额（元）").fill("1200")
    upload = tmp_path / "card.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("本人银行卡").set_input_files(str(upload))
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert "已补正" in page.content()
    findings += axe_violations(page)
    assert findings == []
    assert browser.console_errors == []
    case.refresh_from_db()
    assert case.status == "submitted"

    # Later the case is overdue: the supervisor sees it and gives it to another officer.
    CaseClock.objects.filter(case=case, closed_on=None).update(
        due_on=dt.date.today() - dt.timedelta(days=10)
    )
    supervisor = _signed_in(
        visit, live_server, fund["supervisor"], viewport={"width": 1280, "height": 900}
    )
    page = supervisor.open("/cases/staff/supervision/")
    assert case.number in page.content()
    assert "已超期" in page.content()
    page.get_by_label(f"将 {case.number} 改派给").select_option(str(fund["officer2"].pk))
    page.get_by_role("button", name="改派").click()
    page.wait_for_load_state()
    assert HumanTask.objects.get(pk=task.pk).claimed_by_id == fund["officer2"].pk
    assert supervisor.console_errors == []
