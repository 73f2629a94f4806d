from django.urls import URLPattern, path

from tongban.certificates import views

app_name = "certificates"

urlpatterns: list[URLPattern] = [
    path("certificates/", views.wallet, name="wallet"),
    path("certificates/verify/", views.verify, name="verify"),
    path("certificates/jwks.json", views.jwks, name="jwks"),
    path(
        "certificates/status/<str:department_code>/<str:purpose>/<int:number>",
        views.status_list,
        name="status_list",
    ),
    path("certificates/issuers/<str:department_code>", views.issuer, name="issuer"),
    path("certificates/<uuid:certificate_id>/", views.detail, name="detail"),
    path("certificates/<uuid:certificate_id>/pdf/", views.download, name="pdf"),
    path("certificates/<uuid:certificate_id>/present/", views.present, name="present"),
    path(
        "certificates/<uuid:certificate_id>/presentations/<uuid:presentation_id>/",
        views.presentation,
        name="presentation",
    ),
]
