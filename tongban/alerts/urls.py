from django.urls import URLPattern, URLResolver, path

from tongban.alerts import views

app_name = "alerts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/", views.alert_list, name="list"),
    path("alerts/feed.atom", views.feed, name="feed"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="detail"),
    path("alerts/<uuid:alert_id>/cap.xml", views.alert_cap, name="cap"),
    path("alerts/staff/", views.staff_list, name="staff_list"),
    path("alerts/staff/new/", views.staff_draft, name="staff_draft"),
    path("alerts/staff/<uuid:alert_id>/", views.staff_detail, name="staff_detail"),
    path("alerts/staff/<uuid:alert_id>/edit/", views.staff_edit, name="staff_edit"),
    path("alerts/staff/<uuid:alert_id>/counts/", views.staff_counts, name="staff_counts"),
    path("alerts/staff/<uuid:alert_id>/approve/", views.staff_approve, name="staff_approve"),
    path("alerts/staff/<uuid:alert_id>/send/", views.staff_send, name="staff_send"),
]
