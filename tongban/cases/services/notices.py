"""Statutory notices as PDFs: 受理通知书, 不予受理通知书, 准予许可决定书, 不予许可决定书.

Each notice is a written document bearing the department's seal and its date
(行政许可法 Art. 32 last paragraph, Art. 38); a refusal states its reasons, its legal basis
and how to appeal: administrative reconsideration within sixty days (行政复议法 2023 Art. 20)
or a lawsuit within six months (行政诉讼法 Art. 46). The printed QR opens a public page that
confirms the notice was issued (a signed token naming the notice, never personal data).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF

from tongban.cases.constants import CaseEventKind, NoticeKind
from tongban.cases.models import Case, CaseNotice
from tongban.cases.services.seals import department_seal_ensure
from tongban.cases.services.timeline import case_event_record
from tongban.certificates.services import fonts_add, qr_png
from tongban.organization.models import Department

NOTICE_TOKEN_SALT = "tongban.cases.notice"  # noqa: S105 (a salt naming the token's use)

TITLES = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.NON_ACCEPTANCE: "不予受理通知书",
    NoticeKind.GRANT: "准予行政许可决定书",
    NoticeKind.REFUSAL: "不予行政许可决定书",
    NoticeKind.SUPPLEMENTATION: "补正材料通知书",
}
# The word of the document number (文号): agency + [year] + kind + serial.
NUMBER_WORDS = {
    NoticeKind.ACCEPTANCE: "受字",
    NoticeKind.NON_ACCEPTANCE: "不受字",
    NoticeKind.GRANT: "准字",
    NoticeKind.REFUSAL: "不准字",
    NoticeKind.SUPPLEMENTATION: "补字",
}
ACCEPTANCE_LAW = "《中华人民共和国行政许可法》第三十二条"


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "——"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def reconsideration_body(department: Department) -> str:
    """Where to apply for reconsideration of a department's act: the people's government of
    its region (行政复议法 2023 Art. 24)."""
    region = department.region
    return f"{region.name}人民政府" if region is not None else "本级人民政府"


def appeal_text(department: Department) -> str:
    return (
        f"如对本决定不服，可以自收到本文书之日起六十日内向{reconsideration_body(department)}"
        "申请行政复议，也可以自收到本文书之日起六个月内依法向人民法院提起行政诉讼。"
    )


@dataclass(frozen=True)
class NoticeText:
    title: str
    number: str
    addressee: str
    paragraphs: list[str]
    department_name: str
    issued_on: str
    contacts: list[str]


def notice_text(
    *,
    case: Case,
    kind: NoticeKind,
    number: str,
    department: Department,
    reasons: str,
    legal_basis: str,
    certificate_name: str,
    issued_at: dt.datetime,
) -> NoticeText:
    version = case.service_version
    service = case.service_item.name
    received = _day(case.received_on or case.submitted_at)
    opening = f"你（单位）于{received}提交的{service}申请（申请编号：{case.number}）"
    paragraphs: list[str]
    if kind == NoticeKind.ACCEPTANCE:
        paragraphs = [
            f"{opening}，申请材料齐全、符合法定形式。根据{ACCEPTANCE_LAW}的规定，"
            f"本机关决定予以受理，受理日期为{_day(case.accepted_on or issued_at)}。",
            f"本机关将在{_day(case.decision_due)}前作出决定"
            f"（承诺办结时限{version.promised_days}个工作日，法定办结时限"
            f"{version.legal_days}个工作日）。办理进度可凭申请编号在通办平台查询。",
        ]
        if version.legal_basis:
            paragraphs.append(f"事项依据：{version.legal_basis}")
    elif kind == NoticeKind.NON_ACCEPTANCE:
        paragraphs = [
            f"{opening}，经审查，不予受理，理由如下：{reasons}",
            f"依据：{legal_basis or ACCEPTANCE_LAW}。",
            appeal_text(department),
        ]
    elif kind == NoticeKind.GRANT:
        accepted = _day(case.accepted_on)
        paragraphs = [
            f"{opening}，本机关已于{accepted}受理。经审查，申请符合法定条件、标准。"
            f"根据{legal_basis or version.legal_basis or '有关法律、法规'}的规定，"
            "本机关决定准予行政许可。",
        ]
        if certificate_name:
            paragraphs.append(
                f"本机关向你（单位）颁发{certificate_name}电子证照，已存入你的通办平台证照夹；"
                "电子证照与纸质证照具有同等法律效力。"
            )
        paragraphs.append("被许可人应当依法从事被许可的活动，并接受本机关的监督检查。")
    elif kind == NoticeKind.SUPPLEMENTATION:
        # 一次性告知 (行政许可法 Art. 32(4)): every item at once, one per line of ``reasons``.
        paragraphs = [
            f"{opening}，经审查，申请材料不齐全或者不符合法定形式。根据{ACCEPTANCE_LAW}"
            "第一款第（四）项的规定，现一次性告知你（单位）需要补正的全部内容：",
            *[line for line in reasons.splitlines() if line.strip()],
            "请通过通办平台补正上述内容后重新提交。补正期间不计入办理时限；"
            "本机关自收到全部补正材料之日起继续办理。",
        ]
    else:
        paragraphs = [
            f"{opening}，本机关已于{_day(case.accepted_on)}受理。经审查，"
            f"认定事实及理由如下：{reasons}",
            f"根据{legal_basis}的规定，本机关决定不予行政许可。",
            appeal_text(department),
        ]
    contacts = []
    if version.consultation_contact:
        contacts.append(f"咨询电话：{version.consultation_contact}")
    if version.complaint_contact:
        contacts.append(f"投诉监督电话：{version.complaint_contact}")
    return NoticeText(
        title=TITLES[kind],
        number=number,
        addressee=f"{case.applicant_name}：",
        paragraphs=paragraphs,
        department_name=department.name,
        issued_on=_day(issued_at),
        contacts=contacts,
    )


def notice_token(notice_id: uuid.UUID) -> str:
    return signing.dumps(notice_id.hex, salt=NOTICE_TOKEN_SALT)


def notice_token_read(token: str) -> uuid.UUID | None:
    """The notice a QR token names, or ``None`` for a forged or malformed token."""
    try:
        return uuid.UUID(hex=str(signing.loads(token[:300], salt=NOTICE_TOKEN_SALT)))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def notice_verification_url(notice_id: uuid.UUID) -> str:
    path = reverse("cases:notice_verify") + "?t=" + notice_token(notice_id)
    return settings.SITE_URL.rstrip("/") + path


def notice_pdf_render(text: NoticeText, *, seal: bytes, qr_url: str) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(text.title)
    pdf.set_author(text.department_name)
    pdf.set_lang("zh-CN")
    pdf.set_creator("Tongban")
    names = fonts_add(pdf)
    pdf.add_page()
    pdf.set_font(names[0], size=12)
    width = pdf.w - 50
    pdf.set_xy(25, 22)
    pdf.set_font_size(20)
    pdf.set_text_color(168, 17, 27)
    pdf.cell(width, 10, text.department_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_x(25)
    pdf.set_font_size(22)
    pdf.cell(width, 14, text.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(25)
    pdf.set_font_size(11)
    pdf.cell(width, 8, text.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(168, 17, 27)
    pdf.set_line_width(0.6)
    pdf.line(25, pdf.get_y() + 2, pdf.w - 25, pdf.get_y() + 2)
    pdf.ln(8)
    pdf.set_font_size(13)
    pdf.set_x(25)
    pdf.multi_cell(width, 8, text.addressee, new_x="LMARGIN", new_y="NEXT")
    for paragraph in text.paragraphs:
        pdf.set_x(25)
        pdf.multi_cell(width, 8, "　　" + paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(4)
    pdf.set_font_size(10)
    for contact in text.contacts:
        pdf.set_x(25)
        pdf.cell(width, 6, contact, new_x="LMARGIN", new_y="NEXT")
    # The signature block: department and date, with the seal over them, as on paper.
    top = max(pdf.get_y() + 10, pdf.h - 95)
    if top > pdf.h - 60:
        pdf.add_page()
        top = 40
    pdf.set_font_size(13)
    pdf.set_xy(pdf.w - 110, top + 12)
    pdf.cell(85, 8, text.department_name, align="C", new_x="LEFT", new_y="NEXT")
    pdf.cell(85, 8, text.issued_on, align="C")
    pdf.image(io.BytesIO(seal), x=pdf.w - 88, y=top - 6, w=42, h=42)
    pdf.image(qr_png(qr_url), x=25, y=top, w=32, h=32)
    pdf.set_xy(20, top + 33)
    pdf.set_font_size(8)
    pdf.cell(42, 5, "扫描二维码核验", align="C")
    return bytes(pdf.output())


def case_notice_issue(
    *,
    case: Case,
    kind: NoticeKind,
    department: Department,
    actor_id: uuid.UUID | None,
    reasons: str = "",
    legal_basis: str = "",
    certificate_name: str = "",
) -> CaseNotice:
    """Issues a notice on ``case`` (inside the caller's transaction) and puts it on the timeline.

    The PDF is written to storage before the transaction commits; if the transaction rolls
    back, the file is left without a row (never a row without its file).
    """
    issued_at = timezone.now()
    notice_id = uuid.uuid4()
    year = timezone.localtime(issued_at).year
    number = f"{department.code}〔{year}〕{NUMBER_WORDS[kind]}第{case.number}号"
    if kind == NoticeKind.SUPPLEMENTATION:
        # A case may be sent back more than once: the second notice is 第…-2号.
        earlier = CaseNotice.objects.filter(case=case, kind=kind).count()
        if earlier:
            number = (
                f"{department.code}〔{year}〕{NUMBER_WORDS[kind]}第{case.number}-{earlier + 1}号"
            )
    text = notice_text(
        case=case,
        kind=kind,
        number=number,
        department=department,
        reasons=reasons,
        legal_basis=legal_basis,
        certificate_name=certificate_name,
        issued_at=issued_at,
    )
    seal = department_seal_ensure(department=department)
    content = notice_pdf_render(
        text, seal=bytes(seal.image), qr_url=notice_verification_url(notice_id)
    )
    notice = CaseNotice(
        id=notice_id,
        case=case,
        kind=kind,
        number=number,
        department=department,
        issued_by_id=actor_id,
        reasons=reasons,
        legal_basis=legal_basis,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    notice.file.save(f"{notice_id.hex}.pdf", ContentFile(content), save=False)
    notice.save()
    case_event_record(
        case=case,
        kind=CaseEventKind.NOTICE_ISSUED,
        actor_id=actor_id,
        department=department,
        note=f"{text.title}（{number}）",
        details={"notice_id": str(notice.pk), "kind": str(kind), "number": number},
    )
    return notice
