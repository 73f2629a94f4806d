from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tongban.accounts.constants import COUNTER_ACCOUNT_EVENT, VERIFICATION_CODE_EVENT
        from tongban.accounts.personal_data import AccountData, ActiveEnterpriseAgents
        from tongban.core.deletion import deletion_vetoes
        from tongban.core.personal_data import personal_data_providers
        from tongban.notifications.constants import Category, Channel
        from tongban.notifications.services import EventType, TemplateText, event_type_register

        personal_data_providers.register(AccountData.key, AccountData())
        deletion_vetoes.register(ActiveEnterpriseAgents.key, ActiveEnterpriseAgents())
        event_type_register(
            EventType(
                code=VERIFICATION_CODE_EVENT,
                category=Category.ACCOUNT_SECURITY,
                description=_("One-time code for signing up or signing in"),
                variables=("code", "minutes"),
                channels=(Channel.SMS, Channel.EMAIL),
                templates={
                    (Channel.EMAIL, "zh-hans"): TemplateText(
                        subject="【通办】验证码 {{ code }}",
                        body="您的验证码是 {{ code }}，{{ minutes }} 分钟内有效。"
                        "请勿告诉任何人；工作人员不会向您索要验证码。",
                    ),
                    (Channel.EMAIL, "en"): TemplateText(
                        subject="[Tongban] Your code {{ code }}",
                        body="Your code is {{ code }}. It is valid for {{ minutes }} minutes. "
                        "Never tell it to anyone; our staff will never ask for it.",
                    ),
                },
                sample={"code": "428913", "minutes": "10"},
                sms_template_code="SMS_TONGBAN_CODE",
                sms_parameters=("code", "minutes"),
                sms_demo_text="【通办】您的验证码是{{ code }}，{{ minutes }}分钟内有效。"
                "请勿告诉他人。",
            )
        )
        event_type_register(
            EventType(
                code=COUNTER_ACCOUNT_EVENT,
                category=Category.ACCOUNT_SECURITY,
                description=_("Account opened for you at a service-hall counter"),
                variables=("link",),
                channels=(Channel.SMS,),
                templates={},
                sample={"link": "https://tongban.example.cn/accounts/signup/"},
                sms_template_code="SMS_TONGBAN_COUNTER_ACCOUNT",
                sms_parameters=("link",),
                sms_demo_text="【通办】窗口工作人员已为您开通通办账户。请打开{{ link }}，"
                "用本手机号获取验证码并设置密码，即可在线查看办件进度。",
            )
        )
