from django.urls import URLPattern, URLResolver, path

from tongban.appointments import views

app_name = "appointments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("appointments/", views.mine, name="mine"),
    path("appointments/book/", views.book, name="book"),
    path("appointments/feed/renew/", views.feed_renew, name="feed_renew"),
    path("appointments/feed/<str:token>.ics", views.feed, name="feed"),
    path("appointments/bookings/<uuid:booking_id>/", views.booking, name="booking"),
    path("appointments/bookings/<uuid:booking_id>/ics/", views.booking_ics, name="booking_ics"),
    path(
        "appointments/bookings/<uuid:booking_id>/cancel/",
        views.booking_cancel,
        name="booking_cancel",
    ),
    path("appointments/halls/<slug:hall_code>/kiosk/", views.kiosk, name="kiosk"),
    path("appointments/halls/<slug:hall_code>/display/", views.display, name="display"),
    path("appointments/staff/", views.staff_halls, name="staff_halls"),
    path("appointments/staff/<slug:hall_code>/", views.staff_hall, name="staff_hall"),
    path("appointments/staff/<slug:hall_code>/call/", views.staff_call_next, name="staff_call"),
    path("appointments/staff/<slug:hall_code>/walk-in/", views.staff_walk_in, name="staff_walk_in"),
    path(
        "appointments/staff/<slug:hall_code>/tickets/<uuid:ticket_id>/finish/",
        views.staff_ticket_finish,
        name="staff_ticket_finish",
    ),
    path(
        "appointments/staff/<slug:hall_code>/slots/<uuid:slot_id>/close/",
        views.staff_slot_close,
        name="staff_slot_close",
    ),
]
