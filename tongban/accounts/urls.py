from django.urls import URLPattern, path

from tongban.accounts import views
from tongban.accounts.oidc import views as oidc_views

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("signup/", views.signup, name="signup"),
    path("signup/code/", views.signup_finish, name="signup_finish"),
    path("me/", views.home, name="home"),
    path("real-name/", views.real_name, name="real_name"),
    path("step-up/", views.step_up, name="step_up"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("acting-for/", views.acting_for, name="acting_for"),
    path("family/", views.family, name="family"),
    path("grants/<uuid:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises/<uuid:enterprise_id>/", views.enterprise, name="enterprise"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/accesses/", views.data_accesses, name="data_accesses"),
    path("delete/", views.account_delete, name="delete"),
    path("connected-systems/", oidc_views.connected_systems, name="connected_systems"),
    path(
        "connected-systems/<uuid:consent_id>/withdraw/",
        oidc_views.consent_revoke,
        name="consent_revoke",
    ),
]
