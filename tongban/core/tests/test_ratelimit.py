from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from tongban.core.exceptions import RateLimited
from tongban.core.ratelimit import (
    RateLimit,
    TooManyAttempts,
    rate_limited,
    ratelimit_hit,
    ratelimit_reset,
)

LOGIN = RateLimit(scope="test-login", limit=3, window=600, base_delay=2, max_delay=60)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_attempts_within_the_limit_pass() -> None:
    for second in range(3):
        ratelimit_hit(rule=LOGIN, key="13800138000", now=1000.0 + second)


def test_the_attempt_after_the_limit_must_wait_the_base_delay() -> None:
    for second in range(3):
        ratelimit_hit(rule=LOGIN, key="13800138000", now=1000.0 + second)

    with pytest.raises(RateLimited) as refused:
        ratelimit_hit(rule=LOGIN, key="13800138000", now=1003.0)

    assert isinstance(refused.value, TooManyAttempts)
    assert refused.value.retry_after == 1
    assert refused.value.status == 429
    ratelimit_hit(rule=LOGIN, key="13800138000", now=1004.0)


def test_the_delay_doubles_with_every_further_attempt_up_to_the_maximum() -> None:
    moment = 1000.0
    for _ in range(3):
        ratelimit_hit(rule=LOGIN, key="k", now=moment)
    waits = []
    for _ in range(7):
        try:
            ratelimit_hit(rule=LOGIN, key="k", now=moment)
        except TooManyAttempts as error:
            waits.append(error.retry_after)
            moment += error.retry_after
            ratelimit_hit(rule=LOGIN, key="k", now=moment)

    assert waits == [2, 4, 8, 16, 32, 60, 60]


def test_refused_attempts_do_not_push_the_delay_further_out() -> None:
    for _ in range(3):
        ratelimit_hit(rule=LOGIN, key="k", now=1000.0)
    for second in range(1, 2):
        with pytest.raises(TooManyAttempts):
            ratelimit_hit(rule=LOGIN, key="k", now=1000.0 + second / 2)

    ratelimit_hit(rule=LOGIN, key="k", now=1002.0)


def test_the_window_slides_so_old_attempts_are_forgotten() -> None:
    for _ in range(3):
        ratelimit_hit(rule=LOGIN, key="k", now=1000.0)

    ratelimit_hit(rule=LOGIN, key="k", now=1000.0 + LOGIN.window + 1)


def test_keys_are_limited_separately_and_never_stored_in_plain_text() -> None:
    for _ in range(3):
        ratelimit_hit(rule=LOGIN, key="13800138000", now=1000.0)

    ratelimit_hit(rule=LOGIN, key="13900139000", now=1000.0)

    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert keys
    assert not any("13800138000" in key for key in keys)


def test_a_reset_forgets_every_attempt() -> None:
    for _ in range(3):
        ratelimit_hit(rule=LOGIN, key="k", now=1000.0)

    ratelimit_reset(rule=LOGIN, key="k")

    ratelimit_hit(rule=LOGIN, key="k", now=1000.0)


def test_the_view_decorator_counts_posts_by_client_address() -> None:
    calls = []

    @rate_limited(RateLimit(scope="test-view", limit=1, window=60, base_delay=30))
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request.method)
        return HttpResponse("ok")

    factory = RequestFactory()
    view(factory.get("/", REMOTE_ADDR="198.51.100.1"))
    view(factory.get("/", REMOTE_ADDR="198.51.100.1"))
    view(factory.post("/", REMOTE_ADDR="198.51.100.1"))
    view(factory.post("/", REMOTE_ADDR="198.51.100.2"))
    with pytest.raises(RateLimited):
        view(factory.post("/", REMOTE_ADDR="198.51.100.1"))

    assert calls == ["GET", "GET", "POST", "POST"]


def test_a_rule_without_a_positive_limit_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimit(scope="broken", limit=0, window=60)


@pytest.mark.django_db
def test_a_refused_page_says_when_to_come_back():
    from django.test import RequestFactory

    from tongban.core.middleware import DomainErrorMiddleware

    request = RequestFactory().get("/")
    response = DomainErrorMiddleware(HttpResponse).process_exception(
        request, TooManyAttempts(retry_after=7)
    )
    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
