"""The due-date endpoint, and the one JSON shape every API error takes."""

from __future__ import annotations

import pytest

URL = "/api/v1/calendar/due-date"


@pytest.mark.django_db
def test_it_counts_a_period_over_national_day(client):
    response = client.get(URL, {"start": "2025-09-30", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-09-30",
        "working_days": 3,
        "due": "2025-10-11",
        "provisional": False,
    }


@pytest.mark.django_db
def test_it_marks_a_date_in_an_unscheduled_year_as_provisional(client):
    response = client.get(URL, {"start": "2099-12-30", "working_days": 2})
    assert response.json()["provisional"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2025-02-30", "working_days": 3}, "start"),
        ({"start": "yesterday", "working_days": 3}, "start"),
        ({"start": "2025-09-30", "working_days": "three"}, "working_days"),
        ({"working_days": 3}, "start"),
        ({"start": "2025-09-30", "working_days": -1}, "working_days"),
        ({"start": "2025-09-30", "working_days": 10**9}, "working_days"),
        ({"start": "2025-09-30", "working_days": "1e400"}, "working_days"),
    ],
)
def test_it_answers_bad_values_with_a_stable_code_and_the_field(client, query, field):
    response = client.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert set(body) == {"code", "message", "errors"}
    assert field in body["errors"]
    assert body["errors"][field][0]["code"]


@pytest.mark.django_db
def test_errors_follow_the_language_asked_for(client):
    response = client.get(
        URL, {"start": "2025-09-30", "working_days": -1}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"]["working_days"][0]["message"].startswith("Give a number")


def test_an_unknown_endpoint_answers_not_found_in_the_same_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_every_response_carries_a_request_id(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert len(response["X-Request-ID"]) == 32
    passed = client.get("/api/v1/openapi.json", HTTP_X_REQUEST_ID="abcdef12-from-proxy")
    assert passed["X-Request-ID"] == "abcdef12-from-proxy"
    forged = client.get("/api/v1/openapi.json", HTTP_X_REQUEST_ID="x\nforged log line")
    assert forged["X-Request-ID"] != "x\nforged log line"
