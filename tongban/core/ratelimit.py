"""Rate limits for anonymous or costly actions: a sliding window with growing delays.

Each ``RateLimit`` allows ``limit`` attempts per ``window`` seconds for one key (a client
address, a mobile number, an account). Past that, attempts are not refused for hours: each
further one must wait a delay that doubles from ``base_delay`` up to ``max_delay`` after the
previous accepted attempt (DESIGN.md §8). A hard lockout would let anyone lock a citizen out
of their own account by typing their known mobile number; a growing delay only slows guessing.

Refused attempts are not recorded, so hammering a key does not push its delay further out;
only attempts that got through count. The state lives in the default cache (Redis at scale),
so every web node sees the same window. Keys are hashed before they reach the cache: a mobile
number used as a key never lands in the cache in plain text.

Use ``ratelimit_hit`` in services and ``rate_limited`` on views; both raise ``RateLimited``,
which pages and the API already render (as 429) with a translated message.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tongban.core.exceptions import RateLimited

P = ParamSpec("P")

# Past this many accepted attempts over the limit the delay is at its maximum anyway; the
# cap bounds the size of one cache entry whatever a client does.
_MAX_EXCESS_RECORDED = 32


class TooManyAttempts(RateLimited):
    """``RateLimited`` with the number of seconds until the next attempt is accepted."""

    default_message = _("Too many attempts. Please wait %(seconds)s seconds and try again.")

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(params={"seconds": retry_after})

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    window: int
    base_delay: float = 1.0
    max_delay: float = 300.0

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window < 1 or self.base_delay <= 0:
            raise ValueError(f"rate limit {self.scope!r} needs a positive limit and window")

    def delay_after(self, accepted: int) -> float:
        """The wait before the next attempt when ``accepted`` attempts are in the window."""
        excess = accepted - self.limit + 1
        if excess <= 0:
            return 0.0
        return float(min(self.base_delay * 2 ** (excess - 1), self.max_delay))


def _cache_key(rule: RateLimit, key: str) -> str:
    digest = hashlib.sha256(f"{rule.scope}\0{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{rule.scope}:{digest}"


def ratelimit_hit(*, rule: RateLimit, key: str, now: float | None = None) -> None:
    """Records one attempt for ``key``; raises ``TooManyAttempts`` when it comes too soon.

    The read-modify-write is not atomic: two attempts racing on one key may both pass. That
    is one extra attempt at most per race, acceptable for slowing guessing down; the limits
    that must be exact (one booking per slot) are database constraints, not rate limits.
    """
    moment = time.time() if now is None else now
    cache_key = _cache_key(rule, key)
    stamps: list[float] = [
        stamp for stamp in cache.get(cache_key, []) if stamp > moment - rule.window
    ]
    if stamps:
        ready_at = stamps[-1] + rule.delay_after(len(stamps))
        if moment < ready_at:
            raise TooManyAttempts(retry_after=max(1, math.ceil(ready_at - moment)))
    stamps.append(moment)
    stamps = stamps[-(rule.limit + _MAX_EXCESS_RECORDED) :]
    # Entries outlive the window by the longest delay, so a delay is never forgotten early.
    cache.set(cache_key, stamps, timeout=math.ceil(rule.window + rule.max_delay))


def ratelimit_reset(*, rule: RateLimit, key: str) -> None:
    """Forgets the attempts of ``key`` (e.g. after a successful login)."""
    cache.delete(_cache_key(rule, key))


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as the rate-limit key of anonymous actions.

    ``REMOTE_ADDR`` is the peer of the web process. Behind a load balancer it must be set from
    the balancer's trusted header by the server in front, never from a header any client can
    send, or every client could pick its own key.
    """
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_limited(
    rule: RateLimit, *, key: Callable[[HttpRequest], str] = client_address
) -> Callable[
    [Callable[Concatenate[HttpRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """View decorator: ``@rate_limited(LOGIN_LIMIT, key=lambda request: request.POST["mobile"])``.

    Only unsafe methods count: showing a form again is free, submitting it is an attempt.
    """

    def decorate(
        view: Callable[Concatenate[HttpRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if request.method not in {"GET", "HEAD", "OPTIONS"}:
                ratelimit_hit(rule=rule, key=key(request))
            return view(request, *args, **kwargs)

        functools.update_wrapper(wrapper, view)
        return wrapper

    return decorate
