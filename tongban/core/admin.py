from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from tongban.core.constants import CalendarSource
from tongban.core.models import CalendarDay, CalendarYear
from tongban.core.services import calendar_changed_announce


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    fields = ["day", "kind", "name"]
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "official", "source", "notice"]
    list_filter = ["official", "source"]
    fields = ["year", "official", "notice", "source"]
    readonly_fields = ["source"]
    inlines = [CalendarDayInline]

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[CalendarYear],
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        calendar_year: CalendarYear = form.instance
        calendar_changed_announce(year=calendar_year.year)

    def save_model(
        self,
        request: HttpRequest,
        obj: CalendarYear,
        form: ModelForm[CalendarYear],
        change: bool,
    ) -> None:
        obj.source = CalendarSource.ADMINISTRATOR
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["day", "kind", "name", "calendar_year"]
    list_filter = ["kind", "calendar_year"]
    date_hierarchy = "day"
    search_fields = ["name"]

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: ModelForm[CalendarDay], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        calendar_changed_announce(year=obj.calendar_year.year)

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        year = obj.calendar_year.year
        super().delete_model(request, obj)
        calendar_changed_announce(year=year)
