"""Seeds the holiday table with every official schedule the chinese-calendar package knows.

Later years arrive through the daily ``calendar_sync`` job when the package is upgraded, or
through the admin when an administrator enters a newly published schedule.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from tongban.core.working_days import chinese_calendar_schedule


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year, days in sorted(chinese_calendar_schedule().items()):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        calendar_year = CalendarYear.objects.create(
            year=year, official=True, source="chinese_calendar"
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(
                calendar_year=calendar_year,
                day=d.day,
                kind="holiday" if d.is_holiday else "make_up_working_day",
                name=d.name,
            )
            for d in days
        )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("core", "CalendarYear").objects.filter(source="chinese_calendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
