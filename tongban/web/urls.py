from django.urls import URLPattern, path

from tongban.web import views

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("design-system/", views.design_system, name="design_system"),
    path("preferences/elderly-mode/", views.elderly_mode_set, name="elderly_mode"),
    path("preferences/region/", views.region_set, name="region"),
    # Operations: unversioned, without a trailing slash, where probes and scrapers expect them.
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    # Browsers and the admin ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
]
