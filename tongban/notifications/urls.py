from django.urls import URLPattern, path

from tongban.notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read-all/", views.inbox_read_all, name="read_all"),
    path("notifications/<uuid:entry_id>/read/", views.inbox_entry_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/devices/", views.devices, name="devices"),
    path(
        "notifications/devices/<uuid:subscription_id>/remove/",
        views.device_remove,
        name="device_remove",
    ),
    path("notifications/demo/sms/", views.demo_sms_outbox, name="demo_sms_outbox"),
    # The service worker's scope is its own folder: it must be served from the root.
    path("service-worker.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
