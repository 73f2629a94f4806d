from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "tongban.organization"
    label = "organization"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from tongban.core.jurisdiction import jurisdiction_resolver_install
        from tongban.organization.selectors import RegionTreeJurisdictionResolver

        jurisdiction_resolver_install(RegionTreeJurisdictionResolver())
