"""The citizen's half of the application journey in a real browser: search 个体, open the
sole-proprietor registration, apply with most answers prefilled and the ID card provided
without an upload, submit, see the receipt, find the case in "my applications". axe-core
finds no violation on any citizen page.

``citizen_applies`` is the journey as one step, for journeys that go on from the receipt
(the staff's acceptance and approval, the wallet).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import Visit, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LEASE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def signed_in_with_code(visit: Any, live_server: Any, user: Any, **options: Any) -> Visit:
    """A browser context signed in as ``user`` with a second factor (a one-time code)."""
    from tongban.accounts.constants import SESSION_AUTHENTICATION

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_AUTHENTICATION] = [{"method": "code", "at": 0}]
    session.save()
    browser: Visit = visit(**options)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    browser.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": str(session.session_key),
                "domain": host,
                "path": "/",
            }
        ]
    )
    return browser


def _checked(browser: Visit, pages: list[str]) -> None:
    violations = axe_violations(browser.page)
    assert violations == [], (browser.page.url, violations)
    pages.append(browser.page.url)


def citizen_applies(browser: Visit, tmp_path: Path) -> tuple[Any, list[str]]:
    """From the search to the receipt; returns the case and the pages axe checked."""
    from tongban.cases.models import Case

    pages: list[str] = []
    page = browser.open("/services/?q=个体")
    _checked(browser, pages)
    page.get_by_role("link", name="个体工商户设立登记").first.click()
    page.wait_for_url("**/services/*/")
    _checked(browser, pages)
    page.get_by_role("link", name="在线申请").click()
    page.wait_for_url("**/apply/")
    _checked(browser, pages)
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_url("**/step/1/")
    _checked(browser, pages)
    # Prefilled from the earlier application and the population registry; the applicant
    # trades from a rented shop, not at home, so the instant-approval rule on the premises
    # does not hold and the department's staff decide (the staff journey goes on from here).
    assert page.get_by_label("经营场所").input_value() != ""
    page.get_by_label("经营场所").fill("海川市临江区滨江街道滨江路18号商铺")
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/step/2/")
    _checked(browser, pages)
    assert page.get_by_label("经营范围").input_value() != ""
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/step/3/")
    _checked(browser, pages)
    assert page.get_by_label("经营者身份证号码").is_disabled()
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/materials/")
    _checked(browser, pages)
    assert page.get_by_text("人口信息库中的居民身份证").count() == 1
    lease = tmp_path / "lease.pdf"
    lease.write_bytes(LEASE)
    page.get_by_label("“经营场所使用相关文件”的文件").set_input_files(str(lease))
    page.locator("form:has(input[type=file])").get_by_role("button", name="上传").click()
    page.wait_for_url("**/materials/")
    assert page.get_by_text("已上传：lease.pdf").count() == 1
    page.get_by_role("link", name="继续核对").click()
    page.wait_for_url("**/review/")
    _checked(browser, pages)
    page.get_by_label("我确认以上承诺").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/receipt/")
    _checked(browser, pages)
    case = Case.objects.exclude(number="").order_by("-submitted_at").first()
    assert case is not None
    assert case.number in page.content()
    return case, pages


@pytest.mark.parametrize("elderly", [False, True])
def test_a_citizen_applies_mostly_prefilled_and_sees_the_receipt(
    visit: Any,
    live_server: Any,
    persona_departments: Any,
    citizen: Any,
    tmp_path: Path,
    elderly: bool,
) -> None:
    from tongban.cases import services
    from tongban.cases.constants import CaseStatus
    from tongban.cases.tests.conftest import applicant_prepare, sole_proprietor_load

    sole_proprietor_load(tmp_path)
    applicant = applicant_prepare(citizen)
    services.demo_earlier_application_seed(user=applicant)
    browser = signed_in_with_code(visit, live_server, applicant, elderly=elderly)

    case, pages = citizen_applies(browser, tmp_path)

    assert case.status == CaseStatus.SUBMITTED
    assert case.fields_prefilled > case.fields_typed
    assert case.materials_uploaded == 1
    page = browser.open("/cases/")
    assert case.number in page.content()
    _checked(browser, pages)
    page.get_by_role("link", name="个体工商户设立登记").first.click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    _checked(browser, pages)
    assert "受理期限" in page.content()
    assert browser.console_errors == []
