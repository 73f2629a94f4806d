from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from tongban.config.api import api, api_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tongban.notifications.urls")),
    path("", include("tongban.certificates.urls")),
    path("", include("tongban.web.urls")),
]

# 404 and 403 use Django's handlers with the portal's 404.html and 403.html; the 500 page is
# rendered with the request so it keeps the language and shows the request id.
handler500 = "tongban.web.views.server_error"
