from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from tongban.core.encryption import keyring

        # Fail at start-up, not at the first citizen's save, when a key is malformed.
        keyring()
