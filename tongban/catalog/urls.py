from django.urls import URLPattern, path

from tongban.catalog import views

app_name = "catalog"

urlpatterns: list[URLPattern] = [
    path("services/", views.search, name="search"),
    path("services/bundles/<slug:code>/", views.bundle, name="bundle"),
    path("services/<str:code>/", views.guide, name="guide"),
    path("services/<str:code>/form/<int:step>/", views.form_preview, name="form"),
]
