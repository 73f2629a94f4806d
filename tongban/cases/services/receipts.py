"""The receipt (申请回执) as a PDF: what was received, when, the acceptance due date, and a QR
that opens the case (its page asks the applicant to sign in; it carries no personal data)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from fpdf import FPDF

from tongban.cases.models import Case
from tongban.cases.services.submission import case_url
from tongban.certificates.services import fonts_add, qr_png


def _day(value: dt.date | None) -> str:
    if value is None:
        return "——"
    return f"{value.year}年{value.month}月{value.day}日"


def case_receipt_pdf(*, case: Case) -> bytes:
    """The receipt of a submitted case (the caller has checked who asks)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title("申请回执")
    pdf.set_lang("zh-CN")
    pdf.set_creator("Tongban")
    names = fonts_add(pdf)
    pdf.add_page()
    pdf.set_font(names[0], size=20)
    pdf.cell(0, 14, "申请回执", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(12)
    pdf.ln(4)
    submitted = timezone.localtime(case.submitted_at) if case.submitted_at else None
    rows = [
        ("办件编号", case.number),
        ("申请事项", case.service_item.name),
        ("申请人", case.applicant_name),
        ("承办部门", case.handling_department.name if case.handling_department else "——"),
        ("提交时间", submitted.strftime("%Y-%m-%d %H:%M") if submitted else "——"),
        ("收到申请日期", _day(case.received_on)),
        ("受理期限", _day(case.acceptance_due)),
        ("承诺办理时限", f"受理后 {case.service_version.promised_days} 个工作日"),
    ]
    if case.bundle_id is not None:
        # One receipt for a bundle: every department's part, with its own case number.
        rows[1] = ("申请事项", case.bundle.name if case.bundle else case.service_item.name)
        rows[3] = ("承办部门", "各部门并联办理")
        rows[-1] = ("办理时限", "各部门并联办理，以最晚办结部门为准")
        rows += [
            (
                "并联事项",
                f"{child.service_item.name}（{child.number}），"
                f"{child.handling_department.name if child.handling_department else '——'}",
            )
            for child in case.children.select_related(
                "service_item", "handling_department"
            ).order_by("created_at", "id")
        ]
    for label, value in rows:
        pdf.cell(40, 9, label)
        pdf.multi_cell(0, 9, str(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(
        0,
        7,
        "部门应在受理期限内作出受理或者不予受理的决定；逾期不作决定的，"
        "自收到申请之日起即为受理（《中华人民共和国行政许可法》第三十二条）。"
        "扫描二维码可查询办理进度。",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.image(qr_png(case_url(case)), x=pdf.w - 60, y=pdf.get_y() + 6, w=40, h=40)
    return bytes(pdf.output())
