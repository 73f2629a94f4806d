from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    # A statutory holiday, including the weekend days inside the holiday period.
    HOLIDAY = "holiday", _("Holiday (day off)")
    # A Saturday or Sunday that the State Council's schedule makes a working day (调休).
    MAKE_UP_WORKING_DAY = "make_up_working_day", _("Make-up working day")


class CalendarSource(models.TextChoices):
    CHINESE_CALENDAR = "chinese_calendar", _("Official schedule (chinese-calendar package)")
    ADMINISTRATOR = "administrator", _("Entered by an administrator")
