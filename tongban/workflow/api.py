"""The staff inbox under /api/v1/tasks (DESIGN.md §6): list, claim, complete, diagram."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from tongban.accounts.models import User
from tongban.core.exceptions import FieldError, InvalidInput
from tongban.workflow import selectors, services
from tongban.workflow.models import HumanTask

router = Router(tags=["tasks"], auth=django_auth)


class TaskOut(Schema):
    id: uuid.UUID
    name: str
    element_id: str
    status: str
    department_id: uuid.UUID
    department_name: str
    role: str
    subject_type: str
    subject_id: str
    claimed_by_me: bool
    due_at: dt.datetime | None
    due_date: dt.date | None
    due_provisional: bool
    outcome: str
    created_at: dt.datetime


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None


class InboxQuery(Schema):
    limit: int = Field(50, ge=1, le=selectors.INBOX_PAGE_MAX)
    cursor: str | None = Field(None, max_length=200)


class CompleteIn(Schema):
    outcome: str = Field(max_length=32)
    comment: str = Field("", max_length=4000)
    data: dict[str, Any] = Field(default_factory=dict)


def _out(task: HumanTask, user: User) -> TaskOut:
    return TaskOut(
        id=task.pk,
        name=task.name,
        element_id=task.element_id,
        status=task.status,
        department_id=task.department_id,
        department_name=task.department.name,
        role=task.role,
        subject_type=task.instance.subject_type,
        subject_id=task.instance.subject_id,
        claimed_by_me=task.claimed_by_id == user.pk,
        due_at=task.due_at,
        due_date=task.due_date,
        due_provisional=task.due_provisional,
        outcome=task.outcome,
        created_at=task.created_at,
    )


def _cursor_decode(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        created, task_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = dt.datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, uuid.UUID(task_id)
    except ValueError:
        raise InvalidInput(errors={"cursor": [FieldError("invalid", "Unknown cursor.")]}) from None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.get("/tasks", response=TaskPage)
def task_list(request: HttpRequest, query: Query[InboxQuery]) -> TaskPage:
    """The inbox of the departments and roles the signed-in staff member holds."""
    user = _user(request)
    after = _cursor_decode(query.cursor) if query.cursor else None
    tasks = selectors.task_list_for_staff(user=user, limit=query.limit, after=after)
    next_cursor = None
    if len(tasks) == query.limit:
        last = tasks[-1]
        next_cursor = base64.urlsafe_b64encode(
            f"{last.created_at.isoformat()}|{last.pk}".encode()
        ).decode()
    return TaskPage(items=[_out(task, user) for task in tasks], next_cursor=next_cursor)


@router.post("/tasks/{task_id}/claim", response=TaskOut)
def task_claim(request: HttpRequest, task_id: uuid.UUID) -> TaskOut:
    user = _user(request)
    services.task_claim(task_id=task_id, actor=user)
    return _out(selectors.task_get_for_staff(user=user, task_id=task_id), user)


@router.post("/tasks/{task_id}/complete", response=TaskOut)
def task_complete(request: HttpRequest, task_id: uuid.UUID, payload: CompleteIn) -> TaskOut:
    user = _user(request)
    services.task_complete(
        task_id=task_id,
        actor=user,
        outcome=payload.outcome,
        comment=payload.comment,
        data=payload.data,
    )
    return _out(selectors.task_get_for_staff(user=user, task_id=task_id), user)


@router.get("/tasks/{task_id}/diagram")
def task_diagram(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """The task's process as SVG, with done, active and pending elements marked."""
    task = selectors.task_get_for_staff(user=_user(request), task_id=task_id)
    response = HttpResponse(
        selectors.process_diagram_svg(instance=task.instance), content_type="image/svg+xml"
    )
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
