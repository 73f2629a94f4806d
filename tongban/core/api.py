"""Core's part of the REST API: working-day arithmetic for citizens and other systems."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.core.exceptions import FieldError, InvalidInput
from tongban.core.selectors import working_calendar_get
from tongban.core.working_days import add_working_days

router = Router(tags=["calendar"])

MAX_PERIOD_WORKING_DAYS = 3650


class DueDateQuery(Schema):
    start: dt.date = Field(description="The day the period starts (not counted).")
    working_days: int = Field(description="Length of the period in working days.")


class DueDateOut(Schema):
    start: dt.date
    working_days: int
    due: dt.date
    provisional: bool = Field(
        description="True when the period reaches a year whose official holiday schedule is "
        "not yet published: the date may move when it is."
    )


@router.get("/calendar/due-date", response=DueDateOut, auth=None)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> DueDateOut:
    """The last day of a period counted in Chinese working days (Civil Code Art. 201)."""
    if not 0 <= query.working_days <= MAX_PERIOD_WORKING_DAYS:
        raise InvalidInput(
            errors={
                "working_days": [
                    FieldError(
                        "out_of_range",
                        _("Give a number of working days from 0 to %(maximum)s.")
                        % {"maximum": MAX_PERIOD_WORKING_DAYS},
                    )
                ]
            }
        )
    result = add_working_days(working_calendar_get(), query.start, query.working_days)
    return DueDateOut(
        start=query.start,
        working_days=query.working_days,
        due=result.day,
        provisional=result.provisional,
    )
