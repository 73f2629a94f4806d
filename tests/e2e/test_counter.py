"""One-window intake (一窗受理) in a real browser: the registration authority's window clerk
checks a walk-in applicant's ID card, starts the sole-proprietor registration, fills in the
answers, uploads the scanned lease, submits and opens the receipt to print; then records the
post of another case's licence. axe-core finds no violation on any counter or delivery page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.test_cases import LEASE
from tests.e2e.test_cases_staff import _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDE = {"width": 1280, "height": 900}


def _checked(page: Any, pages: list[str]) -> None:
    violations = axe_violations(page)
    assert violations == [], (page.url, violations)
    pages.append(page.url)


def test_a_clerk_takes_a_walk_in_application_to_the_printed_receipt(
    visit, live_server, persona_departments, citizen, clerk, tmp_path: Path
) -> None:
    from tongban.cases.constants import CaseChannel, CaseStatus
    from tongban.cases.models import Case, CounterIntake
    from tongban.cases.tests.conftest import applicant_prepare, sole_proprietor_load

    sole_proprietor_load(tmp_path)
    applicant = applicant_prepare(citizen)
    browser = _signed_in(visit, live_server, clerk, viewport=WIDE)
    pages: list[str] = []

    page = browser.open("/cases/counter/")
    _checked(page, pages)
    page.get_by_label("证件上的公民身份号码").fill(applicant.resident_id_number)
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_load_state()
    # Without the identity check nothing starts: the page says what is missing.
    assert page.locator(".notice--error, .error-summary, [role=alert]").count() >= 1
    _checked(page, pages)
    assert Case.objects.count() == 0

    page.get_by_label("身份证读卡器读取").check()
    page.get_by_label("我已核验证件，且本人与证件一致").check()
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_url("**/cases/counter/*/")
    _checked(page, pages)
    assert applicant.resident_id_number not in page.content()

    page.get_by_label("经营场所", exact=True).fill("海川市临江区滨江街道滨江路18号商铺")
    page.get_by_label("出资额（万元）", exact=True).fill("10")
    page.get_by_label("经营范围", exact=True).fill("日用百货零售")
    page.get_by_label("邮政编码", exact=True).fill("310000")
    page.get_by_label("个人经营", exact=True).check()
    page.get_by_label("否", exact=True).check()
    mobile = page.get_by_label("联系电话（手机）")
    if mobile.count() and mobile.input_value() == "":
        mobile.fill("13800138000")
    page.get_by_role("button", name="保存填写内容").click()
    page.wait_for_url("**/cases/counter/*/#materials")
    _checked(page, pages)

    lease = tmp_path / "lease.pdf"
    lease.write_bytes(LEASE)
    page.get_by_label("“经营场所使用相关文件”的扫描件").set_input_files(str(lease))
    page.get_by_role("button", name="上传 经营场所使用相关文件").click()
    page.wait_for_url("**/cases/counter/*/#materials")
    assert "已上传：lease.pdf" in page.content()

    page.get_by_label("申请人已阅读并签署信用承诺").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/receipt/")
    _checked(page, pages)
    case = Case.objects.get()
    assert case.number in page.content()
    assert (case.channel, case.status, case.trips_in_person) == (
        CaseChannel.COUNTER,
        CaseStatus.SUBMITTED,
        1,
    )
    assert case.pages_uploaded == 1
    assert CounterIntake.objects.get(case=case).identity_method == "id_card_reader"
    assert page.get_by_role("link", name="打印回执（PDF）").count() == 1
    # The refused form answers 400 on purpose; the browser reports that load, nothing else.
    assert [error for error in browser.console_errors if "400" not in error] == []
    assert len(pages) == 5


def test_the_delivery_pages_pass_axe(
    visit, live_server, persona_departments, citizen, clerk, tmp_path: Path
) -> None:
    from django.db import transaction

    from tongban.cases import services
    from tongban.cases.models import Case, CaseDelivery
    from tongban.cases.tests.conftest import (
        applicant_prepare,
        draft_complete,
        sole_proprietor_load,
        submit,
    )

    item = sole_proprietor_load(tmp_path)
    applicant = applicant_prepare(citizen)
    case = submit(draft_complete(item, applicant), applicant)
    pages: list[str] = []

    browser = _signed_in(visit, live_server, applicant)
    page = browser.open(f"/cases/{case.pk}/delivery/")
    _checked(page, pages)
    page.get_by_label("邮寄", exact=True).check()
    page.get_by_label("收件人").fill("林晓")
    page.get_by_role("button", name="保存领取方式").click()
    page.wait_for_load_state()
    _checked(page, pages)
    assert not CaseDelivery.objects.exists()
    page.get_by_label("邮寄地址").fill("海川市临江区滨江街道滨江路1号")
    page.get_by_label("邮政编码", exact=True).fill("310000")
    page.get_by_role("button", name="保存领取方式").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    _checked(page, pages)

    Case.objects.filter(pk=case.pk).update(status="approved")
    # The licence was issued: issuing moves the delivery on, inside its own transaction.
    with transaction.atomic():
        services.case_delivery_ready(case=Case.objects.get(pk=case.pk))
    staff = _signed_in(visit, live_server, clerk, viewport=WIDE)
    page = staff.open("/cases/staff/deliveries/")
    _checked(page, pages)
    page.get_by_label("已寄出").check()
    page.get_by_label("快递单号").fill("SF1234567890")
    page.get_by_role("button", name=f"登记 {case.number}").click()
    page.wait_for_url("**/cases/staff/deliveries/")
    _checked(page, pages)
    delivery = CaseDelivery.objects.get()
    assert (delivery.status, delivery.tracking_number) == ("posted", "SF1234567890")
    assert [error for error in browser.console_errors if "400" not in error] == []
    assert staff.console_errors == []


def test_a_clerk_opens_an_account_for_a_walk_in_who_never_registered(
    visit, live_server, persona_departments, clerk, tmp_path: Path
) -> None:
    from tongban.accounts.constants import RealNameLevel
    from tongban.cases.models import Case
    from tongban.cases.tests.conftest import sole_proprietor_load
    from tongban.notifications.models import DemoSms
    from tongban.registries.factories import DemoResidentFactory, DemoResidentIdCardFactory

    sole_proprietor_load(tmp_path)
    resident = DemoResidentFactory.create(name="欧阳娜娜")
    DemoResidentIdCardFactory.create(resident=resident)
    mobile = "13612345678"
    browser = _signed_in(visit, live_server, clerk, viewport=WIDE)
    pages: list[str] = []

    page = browser.open("/cases/counter/")
    # The option to open an account is not offered before the check found none.
    assert page.get_by_label("申请人手机号码", exact=True).count() == 0
    page.get_by_label("证件上的公民身份号码").fill(resident.id_number)
    page.get_by_label("身份证读卡器读取").check()
    page.get_by_label("我已核验证件，且本人与证件一致").check()
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_load_state()
    assert "没有持有该身份证号码的实名账号" in page.content()
    _checked(page, pages)
    assert Case.objects.count() == 0

    page.get_by_label("为申请人开通账号（现场核验，实名等级 L3）").check()
    page.get_by_label("证件上的姓名", exact=True).fill("欧阳娜娜")
    page.get_by_label("申请人手机号码", exact=True).fill(mobile)
    # Starting without the code the applicant received is refused, and nothing is written.
    assert page.get_by_label("申请人收到的验证码").count() == 0
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_load_state()
    assert "请向申请人手机号码发送验证码" in page.content()
    _checked(page, pages)
    assert (Case.objects.count(), DemoSms.objects.count()) == (0, 0)

    # The clerk sends a code; the applicant reads it out from their phone (the demo outbox).
    page.get_by_role("button", name="发送验证码到此号码").click()
    page.wait_for_load_state()
    assert "验证码已发送至 136****5678" in page.content()
    _checked(page, pages)
    assert DemoSms.objects.get().template_code == "SMS_TONGBAN_CODE"
    code = str(DemoSms.objects.get().parameters["code"])
    page.get_by_label("申请人收到的验证码").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_load_state()
    assert "验证码无效" in page.content()
    _checked(page, pages)
    assert Case.objects.count() == 0
    page.get_by_label("申请人收到的验证码").fill(code)
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_url("**/cases/counter/*/")
    _checked(page, pages)
    content = page.content()
    assert resident.id_number not in content
    # The proven number prefills the contact answer only; the warning on a lost text is absent.
    assert content.count(mobile) == content.count(f'value="{mobile}"')
    assert "未能发送给申请人" not in content
    case = Case.objects.get()
    applicant = case.applicant_person
    assert applicant is not None
    assert applicant.real_name_level == RealNameLevel.L3
    assert applicant.mobile_verified
    assert not applicant.has_usable_password()
    assert DemoSms.objects.filter(template_code="SMS_TONGBAN_COUNTER_ACCOUNT").count() == 1
    assert [error for error in browser.console_errors if "400" not in error] == []
    assert len(pages) == 5


def test_the_applicant_chooses_the_post_on_the_review_page(
    visit, live_server, persona_departments, citizen, tmp_path: Path
) -> None:
    from tongban.cases.models import CaseDelivery
    from tongban.cases.tests.conftest import applicant_prepare, draft_complete, sole_proprietor_load

    item = sole_proprietor_load(tmp_path)
    applicant = applicant_prepare(citizen)
    case = draft_complete(item, applicant)
    pages: list[str] = []

    browser = _signed_in(visit, live_server, applicant)
    page = browser.open(f"/cases/{case.pk}/review/")
    _checked(page, pages)
    page.get_by_label("邮寄", exact=True).check()
    page.get_by_label("收件人").fill("林晓")
    page.get_by_role("button", name="保存领取方式").click()
    page.wait_for_load_state()
    # A post without an address is refused with the reason, and nothing is stored.
    assert "请填写完整的邮寄地址" in page.content()
    _checked(page, pages)
    assert not CaseDelivery.objects.exists()
    page.get_by_label("邮寄地址").fill("海川市东湖区望潮路77号3单元")
    page.get_by_label("邮政编码", exact=True).fill("310000")
    page.get_by_role("button", name="保存领取方式").click()
    page.wait_for_url(f"**/cases/{case.pk}/review/#delivery")
    _checked(page, pages)
    assert CaseDelivery.objects.get(case=case).method == "post"
    assert "目前选择：邮寄" in page.content()
    assert [error for error in browser.console_errors if "400" not in error] == []
    assert len(pages) == 3
