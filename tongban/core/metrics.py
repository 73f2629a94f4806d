"""Request counts and latencies in the Prometheus text format, kept in process.

One small middleware counts every request by method, route and status, and puts its duration
into a histogram. The counters live in the memory of the web process: each process of a
multi-process server reports its own, so a scrape reads one process. That is enough to see
traffic, errors and latency per route; when one node runs several workers, scrape each
worker or move to ``prometheus-client``'s multiprocess mode.

The route label is the URL pattern (``api/v1/calendar/due-date``), never the path a client
sent, so the number of series stays bounded whatever URLs are requested.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse

# Seconds. Server-rendered pages should answer in tens of milliseconds; the upper buckets
# catch what goes wrong.
LATENCY_BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

UNMATCHED_ROUTE = "(unmatched)"
# Any other method a client invents is counted as "other", for the same reason.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

LabelKey = tuple[str, str, str]


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    total: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        self.buckets[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.total += seconds
        self.count += 1


class RequestMetrics:
    """Thread-safe counters: WSGI servers call the application from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[LabelKey, int] = {}
        self._latencies: dict[tuple[str, str], _Histogram] = {}

    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, str(status))
            self._counts[key] = self._counts.get(key, 0) + 1
            self._latencies.setdefault((method, route), _Histogram()).observe(seconds)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._latencies.clear()

    def count(self, *, method: str, route: str, status: int) -> int:
        with self._lock:
            return self._counts.get((method, route, str(status)), 0)

    def render(self) -> str:
        """The Prometheus text exposition format, version 0.0.4."""
        with self._lock:
            counts = sorted(self._counts.items())
            latencies = sorted(
                (key, list(histogram.buckets), histogram.total, histogram.count)
                for key, histogram in self._latencies.items()
            )
        lines = [
            "# HELP tongban_http_requests_total HTTP requests answered, by route and status.",
            "# TYPE tongban_http_requests_total counter",
        ]
        for (method, route, status), value in counts:
            labels = _labels(method=method, route=route, status=status)
            lines.append(f"tongban_http_requests_total{{{labels}}} {value}")
        lines += [
            "# HELP tongban_http_request_duration_seconds Time to answer an HTTP request.",
            "# TYPE tongban_http_request_duration_seconds histogram",
        ]
        name = "tongban_http_request_duration_seconds"
        for (method, route), buckets, total, count in latencies:
            cumulative = 0
            for bound, in_bucket in zip((*LATENCY_BUCKETS, None), buckets, strict=True):
                cumulative += in_bucket
                upper = "+Inf" if bound is None else repr(bound)
                labels = _labels(method=method, route=route, le=upper)
                lines.append(f"{name}_bucket{{{labels}}} {cumulative}")
            labels = _labels(method=method, route=route)
            lines.append(f"{name}_sum{{{labels}}} {total!r}")
            lines.append(f"{name}_count{{{labels}}} {count}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return ",".join(f'{name}="{_escape(value)}"' for name, value in _sorted(labels.items()))


def _sorted(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    order = {"method": 0, "route": 1, "status": 2, "le": 3}
    return sorted(items, key=lambda item: order.get(item[0], 9))


registry = RequestMetrics()


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return str(match.route) or UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """Outermost middleware, so the measured time covers every other middleware too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        registry.observe(
            method=request.method if request.method in KNOWN_METHODS else "other",
            route=route_of(request),
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
