from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tongban.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from tongban.audit.personal_data import AuditData
        from tongban.core.personal_data import personal_data_providers

        personal_data_providers.register(AuditData.key, AuditData())
