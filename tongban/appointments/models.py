"""Schedules of halls per service, the slots they generate, bookings, and queue tickets."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.appointments.constants import (
    NO_SHOW_BLOCK_DAYS,
    NO_SHOW_LIMIT,
    NO_SHOW_WINDOW_DAYS,
    BookingStatus,
    TicketStatus,
)
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem
from tongban.core.fields import EncryptedTextField
from tongban.core.models import BaseModel
from tongban.organization.constants import Weekday
from tongban.organization.models import ServiceHall, Window


class HallRules(BaseModel):
    """The no-show rule of one hall; halls without a row use the defaults."""

    hall = models.OneToOneField(
        ServiceHall,
        on_delete=models.CASCADE,
        related_name="appointment_rules",
        verbose_name=_("service hall"),
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("no-shows before blocking"), default=NO_SHOW_LIMIT, validators=[MinValueValidator(1)]
    )
    no_show_window_days = models.PositiveSmallIntegerField(
        _("counted over days"), default=NO_SHOW_WINDOW_DAYS, validators=[MinValueValidator(1)]
    )
    block_days = models.PositiveSmallIntegerField(
        _("blocked for days"), default=NO_SHOW_BLOCK_DAYS, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("hall appointment rules")
        verbose_name_plural = _("hall appointment rules")

    def __str__(self) -> str:
        return str(self.hall)


class Schedule(BaseModel):
    """When a hall takes appointments for a service, and how many per slot."""

    hall = models.ForeignKey(
        ServiceHall,
        on_delete=models.CASCADE,
        related_name="appointment_schedules",
        verbose_name=_("service hall"),
    )
    service = models.ForeignKey(
        ServiceItem,
        on_delete=models.PROTECT,
        related_name="appointment_schedules",
        verbose_name=_("service"),
    )
    service_group = models.CharField(
        _("queue group"),
        max_length=1,
        default="A",
        validators=[RegexValidator(r"^[A-Z]$", _("One capital letter, e.g. A."), code="group")],
        help_text=_("Queue tickets of this service are numbered A001, A002… per group."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    windows = models.PositiveSmallIntegerField(
        _("windows"), default=1, validators=[MinValueValidator(1)]
    )
    people_per_slot = models.PositiveSmallIntegerField(
        _("people per window and slot"), default=1, validators=[MinValueValidator(1)]
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel or reschedule until (hours before)"), default=24
    )
    party_size = models.PositiveSmallIntegerField(
        _("people per booking"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
        help_text=_("2 for services both people attend together, e.g. marriage registration."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hall", "service_group"]
        verbose_name = _("appointment schedule")
        verbose_name_plural = _("appointment schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "service"], name="appointments_schedule_one_per_hall_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall} · {self.service}"

    @property
    def capacity(self) -> int:
        return self.windows * self.people_per_slot


class WeeklyHours(BaseModel):
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="weekly_hours", verbose_name=_("schedule")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        ordering = ["schedule", "weekday", "starts_at"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointments_weeklyhours_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class ScheduleException(BaseModel):
    """A day that differs from the week: closed, or open with other hours."""

    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("schedule")
    )
    day = models.DateField(_("day"))
    closed = models.BooleanField(_("closed"), default=True)
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["schedule", "day"]
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "day"], name="appointments_exception_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(closed=True)
                | models.Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="appointments_exception_hours_when_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}"


class Slot(BaseModel):
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, related_name="slots", verbose_name=_("schedule")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "starts_at"], name="appointments_slot_unique_start"
            ),
            # The last line of defence against overbooking: the database refuses it.
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")),
                name="appointments_slot_never_overbooked",
            ),
        ]
        indexes = [models.Index(fields=["schedule", "starts_at"], name="appointments_slot_day")]

    def __str__(self) -> str:
        return f"{self.schedule} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return 0 if self.closed else max(self.capacity - self.booked, 0)


class Booking(BaseModel):
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot")
    )
    # Copied from the slot's schedule so "one active booking per service" is one constraint.
    service = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    hall = models.ForeignKey(
        ServiceHall, on_delete=models.PROTECT, related_name="+", verbose_name=_("service hall")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointment_bookings",
        verbose_name=_("booked by"),
    )
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    # Set when the visit is a case's in-person step (e.g. the driving test of a licence).
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for case"),
    )
    partner_name = EncryptedTextField(_("partner's name"), blank=True)
    partner_id_number = EncryptedTextField(_("partner's ID number"), blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service"],
                condition=models.Q(status=BookingStatus.BOOKED),
                name="appointments_one_active_booking_per_service",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BookingStatus.values),
                name="appointments_booking_status",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="appointments_booking_user"),
            models.Index(fields=["hall", "status"], name="appointments_booking_hall"),
        ]

    def __str__(self) -> str:
        return self.code


class CalendarFeed(BaseModel):
    """The secret address of one person's subscribable calendar of bookings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointment_feed"
    )
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")


class TicketCounter(models.Model):
    """The last ticket number of a group in a hall on a day; locked while a number is drawn."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    service_group = models.CharField(max_length=1)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "day", "service_group"], name="appointments_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_group}{self.last_number:03d}"


class Ticket(BaseModel):
    hall = models.ForeignKey(
        ServiceHall, on_delete=models.CASCADE, related_name="+", verbose_name=_("service hall")
    )
    schedule = models.ForeignKey(
        Schedule, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("schedule")
    )
    day = models.DateField(_("day"))
    number = models.CharField(_("number"), max_length=8)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket",
        verbose_name=_("booking"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("window"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["issued_at"]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "day", "number"], name="appointments_ticket_unique_number"
            )
        ]
        indexes = [models.Index(fields=["hall", "day", "status"], name="appointments_ticket_q")]

    def __str__(self) -> str:
        return self.number

    @property
    def waited(self) -> dt.timedelta | None:
        return self.called_at - self.issued_at if self.called_at else None
