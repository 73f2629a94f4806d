"""Logs, the periodic runner and domain errors on pages."""

from __future__ import annotations

import json
import logging

import pytest
from celery import current_app
from celery.schedules import schedule
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from tongban.core.exceptions import NotFound
from tongban.core.logging import JsonFormatter, RequestIdFilter, request_id_var
from tongban.core.middleware import DomainErrorMiddleware
from tongban.core.periodic import PeriodicRunner


@current_app.task(name="tongban.core.tests.failing_job")
def failing_job() -> None:
    raise RuntimeError("the job broke")


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord(
        "tongban.test", logging.INFO, __file__, 1, "case %s saved", ("c1",), None
    )
    record.case_id = "c1"
    token = request_id_var.set("req-123456")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "case c1 saved"
    assert line["request_id"] == "req-123456"
    assert line["case_id"] == "c1"
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_the_periodic_runner_runs_a_job_when_it_is_due():
    runner = PeriodicRunner(
        current_app,
        {"sync": {"task": "tongban.core.tasks.calendar_sync", "schedule": schedule(0.01)}},
    )
    import time

    runner.run_due()  # the first call only starts the clock
    time.sleep(0.05)
    wait = runner.run_due()
    assert "sync" in runner.last_run
    assert 1.0 <= wait <= 60.0


def test_the_runner_finds_every_task_of_the_beat_schedule():
    from django.conf import settings

    runner = PeriodicRunner(current_app, settings.CELERY_BEAT_SCHEDULE)
    assert set(runner.entries) == set(settings.CELERY_BEAT_SCHEDULE)
    assert all(task in current_app.tasks for task, _schedule in runner.entries.values())


def test_the_runner_refuses_a_schedule_naming_an_unknown_task():
    with pytest.raises(LookupError, match=r"tongban\.no\.such\.task"):
        PeriodicRunner(current_app, {"x": {"task": "tongban.no.such.task", "schedule": 1.0}})


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_runner(capfd):
    job = {"task": "tongban.core.tests.failing_job", "schedule": 0.01}
    runner = PeriodicRunner(current_app, {"broken": job})
    runner._run("broken", "tongban.core.tests.failing_job")  # logs instead of raising
    logged = json.loads(capfd.readouterr().err.strip().splitlines()[-1])
    assert logged["message"] == "periodic job failed"
    assert logged["job"] == "broken"


# The page extends the portal shell, whose header reads the regions from the database.
@pytest.mark.django_db
def test_a_domain_error_on_a_page_renders_its_translated_message():
    def view(request: HttpRequest) -> HttpResponse:
        raise NotFound()

    request = RequestFactory().get("/somewhere", HTTP_ACCEPT_LANGUAGE="en")
    middleware = DomainErrorMiddleware(view)
    response = middleware.process_exception(request, NotFound())
    assert response is not None
    assert response.status_code == 404
    assert b"not_found" in response.content
