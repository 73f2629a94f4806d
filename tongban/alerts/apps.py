from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "tongban.alerts"
    label = "alerts"
    verbose_name = _("Emergency alerts")

    def ready(self) -> None:
        from tongban.alerts.events import alert_event_type
        from tongban.notifications.services import event_type_register

        event_type_register(alert_event_type())
