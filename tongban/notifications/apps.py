from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tongban.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tongban.notifications.plugins import channel_senders, sms_gateways
        from tongban.notifications.plugins.demo import DemoSmsGateway
        from tongban.notifications.plugins.email import EmailSender
        from tongban.notifications.plugins.sms import SmsSender
        from tongban.notifications.plugins.webpush import WebPushSender

        for sender in (EmailSender(), SmsSender(), WebPushSender()):
            channel_senders.register(sender.channel, sender)
        sms_gateways.register(DemoSmsGateway.key, DemoSmsGateway())

        from tongban.core.personal_data import personal_data_providers
        from tongban.notifications.personal_data import NotificationData

        personal_data_providers.register(NotificationData.key, NotificationData())
