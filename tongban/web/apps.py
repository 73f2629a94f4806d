from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "tongban.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from tongban.web.regions import organization_regions, region_source_install

        region_source_install(organization_regions)
