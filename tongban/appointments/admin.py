from django.contrib import admin

from tongban.appointments.models import (
    Booking,
    HallRules,
    Schedule,
    ScheduleException,
    Slot,
    Ticket,
    WeeklyHours,
)


class WeeklyHoursInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WeeklyHours
    extra = 0


class ScheduleExceptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ScheduleException
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["hall", "service", "service_group", "slot_minutes", "windows", "active"]
    list_filter = ["hall", "active"]
    inlines = [WeeklyHoursInline, ScheduleExceptionInline]
    autocomplete_fields = ["service"]


@admin.register(HallRules)
class HallRulesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["hall", "no_show_limit", "no_show_window_days", "block_days"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["schedule", "starts_at", "capacity", "booked", "closed"]
    list_filter = ["schedule__hall", "closed"]
    readonly_fields = ["booked"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # No names or ID numbers in the list: the admin shows codes, not personal data.
    list_display = ["code", "service", "hall", "status"]
    list_filter = ["hall", "status"]
    search_fields = ["code"]
    fields = ("code", "service", "hall", "slot", "status", "checked_in_at", "finished_at")
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "hall", "day", "status", "window", "issued_at", "called_at"]
    list_filter = ["hall", "status"]
