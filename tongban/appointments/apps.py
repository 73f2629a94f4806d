from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "tongban.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from tongban.appointments.constants import REMINDER_EVENT, SLOT_CLOSED_EVENT
        from tongban.notifications.constants import Category, Channel
        from tongban.notifications.services import EventType, TemplateText, event_type_register

        event_type_register(
            EventType(
                code=REMINDER_EVENT,
                category=Category.APPOINTMENT,
                description=_("Reminder the day before an appointment at a hall"),
                variables=("service", "hall", "address", "time", "code"),
                channels=(Channel.INBOX, Channel.EMAIL),
                templates={
                    (channel, "zh-hans"): TemplateText(
                        subject="明天 {{ time }}：{{ service }} 预约提醒",
                        body="您预约了 {{ time }} 在{{ hall }}（{{ address }}）办理{{ service }}，"
                        "预约码 {{ code }}。请按材料清单带齐材料，"
                        "到达后在取号机扫码或刷身份证签到。",
                    )
                    for channel in (Channel.INBOX, Channel.EMAIL)
                }
                | {
                    (channel, "en"): TemplateText(
                        subject="Tomorrow {{ time }}: your appointment for {{ service }}",
                        body="You booked {{ service }} at {{ hall }} ({{ address }}) for "
                        "{{ time }}, booking code {{ code }}. Bring the materials on the "
                        "checklist and check in at the kiosk with your QR code or ID card.",
                    )
                    for channel in (Channel.INBOX, Channel.EMAIL)
                },
                sample={
                    "service": "机动车驾驶人考试预约",
                    "hall": "海川市公安局交通警察支队车管所",
                    "address": "海川市临江区",
                    "time": "2026-12-01 09:00",
                    "code": "K7Q2M9XA",
                },
            )
        )
        event_type_register(
            EventType(
                code=SLOT_CLOSED_EVENT,
                category=Category.APPOINTMENT,
                description=_("An appointment was cancelled because the hall closed the time"),
                variables=("service", "hall", "time", "code"),
                channels=(Channel.INBOX, Channel.EMAIL),
                templates={
                    (channel, "zh-hans"): TemplateText(
                        subject="预约已取消：{{ service }} {{ time }}",
                        body="很抱歉，{{ hall }}临时关闭了 {{ time }} 的预约时段，"
                        "您的预约（预约码 {{ code }}）已取消，不计爽约。请点击链接重新预约。",
                    )
                    for channel in (Channel.INBOX, Channel.EMAIL)
                }
                | {
                    (channel, "en"): TemplateText(
                        subject="Appointment cancelled: {{ service }} {{ time }}",
                        body="We are sorry: {{ hall }} closed the time {{ time }}, so your "
                        "appointment (code {{ code }}) is cancelled and does not count as "
                        "missed. Follow the link to book another time.",
                    )
                    for channel in (Channel.INBOX, Channel.EMAIL)
                },
                sample={
                    "service": "结婚登记预约",
                    "hall": "海川市婚姻登记处",
                    "time": "2026-12-01 09:00",
                    "code": "K7Q2M9XA",
                },
            )
        )
