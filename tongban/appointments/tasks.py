"""Periodic jobs of appointments (Celery beat at scale, the embedded runner otherwise)."""

from celery import shared_task

from tongban.appointments import services


@shared_task(name="tongban.appointments.tasks.slots_generate")
def slots_generate() -> int:
    return services.slots_generate()


@shared_task(name="tongban.appointments.tasks.reminders_send")
def reminders_send() -> int:
    return services.reminders_send()


@shared_task(name="tongban.appointments.tasks.no_shows_record")
def no_shows_record() -> int:
    return services.bookings_no_show_record()
