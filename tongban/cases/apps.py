from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from tongban.cases import extensions, tasks
        from tongban.cases.plugins.liveness import liveness_verifiers_register

        extensions.register()
        tasks.register()
        liveness_verifiers_register()
