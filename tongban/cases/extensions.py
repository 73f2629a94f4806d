"""What applications plug into below them: prefill sources, material satisfiers, events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.cases import prefill
from tongban.cases.services.clocks import DUE_SOON_EVENT, ESCALATED_EVENT
from tongban.cases.services.drafts import CORRECTION_ANSWERED_EVENT
from tongban.cases.services.expiry import DRAFT_EXPIRING_EVENT
from tongban.cases.services.submission import SUBMITTED_EVENT
from tongban.cases.services.supervision import URGED_EVENT
from tongban.cases.services.supplementation import SUPPLEMENTATION_EVENT
from tongban.notifications.constants import Category, Channel
from tongban.notifications.services import EventType, TemplateText, event_type_register

SAMPLE_SERVICE = "住房公积金提取（租房）"

EVENTS = (
    EventType(
        code=SUBMITTED_EVENT,
        category=Category.CASE_PROGRESS,
        description=_("Your application was received"),
        variables=("number", "service", "acceptance_due"),
        channels=(Channel.INBOX, Channel.PUSH),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="申请已收到：{{ service }}",
                body="您的申请（办件编号 {{ number }}）已提交。部门应在 {{ acceptance_due }} "
                "前决定是否受理；逾期未作决定的，自收到申请之日起即为受理。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Application received: {{ service }}",
                body="Your application (case number {{ number }}) was submitted. The department "
                "decides on acceptance by {{ acceptance_due }}; if it does not, the application "
                "is accepted as of the day it was received.",
            ),
            (Channel.PUSH, "zh-hans"): TemplateText(
                subject="申请已收到", body="{{ service }}，办件编号 {{ number }}"
            ),
            (Channel.PUSH, "en"): TemplateText(
                subject="Application received", body="{{ service }}, case number {{ number }}"
            ),
        },
        sample={
            "number": "990200202611220000001",
            "service": "个体工商户设立登记",
            "acceptance_due": "2026-11-29",
        },
    ),
    EventType(
        code=SUPPLEMENTATION_EVENT,
        category=Category.CASE_PROGRESS,
        description=_("The department asks you to supplement your application"),
        variables=("number", "service", "count"),
        channels=(Channel.INBOX, Channel.PUSH),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="请补正申请：{{ service }}",
                body="您的申请（办件编号 {{ number }}）需要补正 {{ count }} 项内容，"
                "详见补正材料通知书。补正期间办理时限暂停，补正后继续计算。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Please supplement your application: {{ service }}",
                body="Your application (case number {{ number }}) needs {{ count }} item(s) "
                "supplemented; see the notice. The time limit stops until you resubmit.",
            ),
            (Channel.PUSH, "zh-hans"): TemplateText(
                subject="请补正申请", body="{{ service }}，需补正 {{ count }} 项"
            ),
            (Channel.PUSH, "en"): TemplateText(
                subject="Please supplement", body="{{ service }}: {{ count }} item(s)"
            ),
        },
        sample={
            "number": "990200202611220000001",
            "service": SAMPLE_SERVICE,
            "count": "2",
        },
    ),
    EventType(
        code=DUE_SOON_EVENT,
        category=Category.DEADLINE,
        description=_("A case you handle is due within a working day"),
        variables=("number", "service", "due_on"),
        channels=(Channel.INBOX,),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="即将到期：{{ number }}",
                body="您经办的{{ service }}（办件编号 {{ number }}）将于 {{ due_on }} 到期，"
                "请及时办理。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Due soon: {{ number }}",
                body="The {{ service }} case {{ number }} you handle is due on {{ due_on }}.",
            ),
        },
        sample={
            "number": "990200202611220000001",
            "service": SAMPLE_SERVICE,
            "due_on": "2026-11-25",
        },
    ),
    EventType(
        code=ESCALATED_EVENT,
        category=Category.DEADLINE,
        description=_("An overdue case is escalated to you"),
        variables=("number", "service", "due_on", "department"),
        channels=(Channel.INBOX,),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="超期督办：{{ number }}",
                body="{{ department }}办理的{{ service }}（办件编号 {{ number }}）"
                "已于 {{ due_on }} 到期仍未办结，请督促办理。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Overdue: {{ number }}",
                body="The {{ service }} case {{ number }} of {{ department }} was due on "
                "{{ due_on }} and is not done. Please see to it.",
            ),
        },
        sample={
            "number": "990200202611220000001",
            "service": SAMPLE_SERVICE,
            "due_on": "2026-11-25",
            "department": "海川市住房公积金管理中心",
        },
    ),
    EventType(
        code=URGED_EVENT,
        category=Category.DEADLINE,
        description=_("A case you handle was urged"),
        variables=("number", "service", "due_on"),
        channels=(Channel.INBOX,),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="催办：{{ number }}",
                body="{{ service }}（办件编号 {{ number }}，{{ due_on }} 到期）收到催办，"
                "请尽快办理。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Urged: {{ number }}",
                body="The {{ service }} case {{ number }} (due {{ due_on }}) was urged. "
                "Please handle it soon.",
            ),
        },
        sample={
            "number": "990200202611220000001",
            "service": SAMPLE_SERVICE,
            "due_on": "2026-11-25",
        },
    ),
    EventType(
        code=DRAFT_EXPIRING_EVENT,
        category=Category.CASE_PROGRESS,
        description=_("An unfinished application will be deleted soon"),
        variables=("service", "expires_on"),
        channels=(Channel.INBOX,),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="草稿即将过期：{{ service }}",
                body="您尚未提交的{{ service }}申请草稿将于 {{ expires_on }} 过期删除。"
                "如需办理，请在此之前继续填写并提交。",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Draft expiring: {{ service }}",
                body="Your unfinished {{ service }} application will be deleted on "
                "{{ expires_on }}. Continue and submit it before then if you still need it.",
            ),
        },
        sample={"service": "个体工商户设立登记", "expires_on": "2026-12-22"},
    ),
    EventType(
        code=CORRECTION_ANSWERED_EVENT,
        category=Category.CASE_PROGRESS,
        description=_("A department answered your request to correct a prefilled value"),
        variables=("field", "source", "answer"),
        channels=(Channel.INBOX, Channel.PUSH),
        templates={
            (Channel.INBOX, "zh-hans"): TemplateText(
                subject="数据纠错已答复：{{ field }}",
                body="您对“{{ field }}”（来源：{{ source }}）提出的纠错申请已答复：{{ answer }}",
            ),
            (Channel.INBOX, "en"): TemplateText(
                subject="Correction answered: {{ field }}",
                body="Your request to correct “{{ field }}” (from {{ source }}) was answered: "
                "{{ answer }}",
            ),
            (Channel.PUSH, "zh-hans"): TemplateText(
                subject="数据纠错已答复", body="{{ field }}：{{ answer }}"
            ),
            (Channel.PUSH, "en"): TemplateText(
                subject="Correction answered", body="{{ field }}: {{ answer }}"
            ),
        },
        sample={
            "field": "经营场所",
            "source": "人口库",
            "answer": "已在源头更正，今后使用新值。",
        },
    ),
)


def register() -> None:
    prefill.register()
    for event in EVENTS:
        event_type_register(event)
