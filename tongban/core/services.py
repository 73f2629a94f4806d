"""Every change to the core tables. One transaction per operation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from tongban.core.callbacks import Hook
from tongban.core.constants import CalendarDayKind, CalendarSource
from tongban.core.encryption import keyring
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.fields import blind_index_of, encrypted_fields
from tongban.core.models import CalendarDay, CalendarYear
from tongban.core.selectors import calendar_version_bump
from tongban.core.working_days import ScheduledDay, chinese_calendar_schedule

calendar_changed: Hook[[int]] = Hook(
    "core.calendar_changed",
    description="The working-day calendar of a year changed (e.g. its official schedule was "
    "entered). Receivers recompute due dates that were provisional or fall in that year.",
)


def holiday_schedule_enter(
    *,
    year: int,
    days: Sequence[ScheduledDay],
    official: bool = True,
    source: str = CalendarSource.ADMINISTRATOR,
    notice: str = "",
) -> CalendarYear:
    """Replaces a year's holidays and make-up working days with ``days``.

    Receivers of ``calendar_changed`` run after the commit, so they read the new schedule.
    """
    wrong_year = [d.day.isoformat() for d in days if d.day.year != year]
    if wrong_year:
        raise InvalidInput(
            errors={
                "days": [
                    FieldError(
                        "day_outside_year",
                        _("These dates are not in %(year)s: %(days)s")
                        % {"year": year, "days": ", ".join(wrong_year)},
                    )
                ]
            }
        )
    counts = Counter(d.day for d in days)
    duplicates = sorted(day.isoformat() for day, count in counts.items() if count > 1)
    if duplicates:
        raise InvalidInput(
            errors={
                "days": [
                    FieldError(
                        "day_listed_twice",
                        _("These dates are listed twice: %(days)s")
                        % {"days": ", ".join(duplicates)},
                    )
                ]
            }
        )
    with transaction.atomic():
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=year, defaults={"official": official, "source": source, "notice": notice}
        )
        calendar_year.days.all().delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(
                calendar_year=calendar_year,
                day=d.day,
                kind=CalendarDayKind.HOLIDAY
                if d.is_holiday
                else CalendarDayKind.MAKE_UP_WORKING_DAY,
                name=d.name,
            )
            for d in days
        )
        calendar_changed_announce(year=year)
    return calendar_year


def calendar_changed_announce(*, year: int) -> None:
    """Invalidates cached calendars and tells upper apps, once the change is committed.

    Called by ``holiday_schedule_enter`` and by the admin after any edit to a year.
    """
    transaction.on_commit(calendar_version_bump)
    calendar_changed.fire_on_commit(year)


def calendar_sync() -> list[int]:
    """Adds every official year the ``chinese-calendar`` package knows and the table lacks.

    Years already in the table are left alone: an administrator's corrections win. Returns
    the years added.
    """
    known = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    added = []
    for year, days in sorted(chinese_calendar_schedule().items()):
        if year in known:
            continue
        holiday_schedule_enter(
            year=year, days=days, official=True, source=CalendarSource.CHINESE_CALENDAR
        )
        added.append(year)
    return added


@dataclass(frozen=True)
class RotationReport:
    field: str
    seen: int
    rewritten: int


def encrypted_values_rotate(
    *, reindex: bool = False, batch_size: int = 500
) -> list[RotationReport]:
    """Re-encrypts every value not under the active key; with ``reindex``, every value.

    Runs in batches, one transaction each, so it can run beside live traffic: a row changed
    by someone else between the read and the write is left as it is (it was just written
    under the active key anyway).
    """
    reports = []
    ring = keyring()
    for field in encrypted_fields():
        model = field.model
        raw = Cast(field.name, output_field=TextField())
        rows = (
            model._default_manager.annotate(raw_value=raw)
            .exclude(raw_value__isnull=True)
            .exclude(raw_value="")
            .order_by("pk")
            .values_list("pk", "raw_value")
        )
        seen = rewritten = 0
        last_pk = None
        while True:
            batch_rows = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            batch = list(batch_rows[:batch_size])
            if not batch:
                break
            last_pk = batch[-1][0]
            seen += len(batch)
            with transaction.atomic():
                for pk, token in batch:
                    if not (reindex or ring.needs_rotation(token)):
                        continue
                    plaintext = ring.decrypt(token, context=field.context)
                    changes: dict[str, str] = {field.name: plaintext}
                    if field.blind_index:
                        changes[field.blind_index] = blind_index_of(model, field.name, plaintext)
                    rewritten += (
                        model._default_manager.annotate(raw_value=raw)
                        .filter(pk=pk, raw_value=token)
                        .update(**changes)
                    )
        reports.append(RotationReport(field=field.context, seen=seen, rewritten=rewritten))
    return reports
