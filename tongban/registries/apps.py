from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "tongban.registries"
    label = "registries"
    verbose_name = _("Registries")

    def ready(self) -> None:
        from tongban.registries.plugins.base import registry_sources
        from tongban.registries.plugins.demo.plugin import (
            DemoEnterpriseRegistry,
            DemoPopulationRegistry,
            DemoSocialSecurityRegistry,
        )

        # Only demo plug-ins exist so far; a real one registers under the same key instead.
        for source in (
            DemoPopulationRegistry(),
            DemoEnterpriseRegistry(),
            DemoSocialSecurityRegistry(),
        ):
            if source.key not in registry_sources:
                registry_sources.register(source.key, source)
