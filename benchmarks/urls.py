"""The production URLs plus the baselines; used only by ``benchmarks.settings``."""

from django.urls import URLPattern, URLResolver, include, path

from benchmarks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/constant", views.constant),
    path("bench/read-row", views.read_row),
    path("bench/insert-row", views.insert_row),
    path("", include("tongban.config.urls")),
]
