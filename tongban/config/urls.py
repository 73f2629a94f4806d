from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from tongban.accounts.oidc.views import consent as oidc_consent
from tongban.config.api import api, api_not_found

# Staff sign in through the same pages as everyone, with their second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Single sign-on (allauth's OpenID Connect provider) behind Tongban's consent screen.
    path("identity/o/authorize", oidc_consent, name="oidc_authorize"),
    path("", include("allauth.idp.urls")),
    # Tongban's own account pages first: its sign-up replaces allauth's.
    path("accounts/", include("tongban.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("tongban.notifications.urls")),
    path("", include("tongban.certificates.urls")),
    path("", include("tongban.catalog.urls")),
    path("", include("tongban.cases.urls")),
    path("", include("tongban.alerts.urls")),
    path("", include("tongban.appointments.urls")),
    path("", include("tongban.web.urls")),
]

# 404 and 403 use Django's handlers with the portal's 404.html and 403.html; the 500 page is
# rendered with the request so it keeps the language and shows the request id.
handler500 = "tongban.web.views.server_error"
