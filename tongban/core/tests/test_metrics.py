from __future__ import annotations

from tongban.core.metrics import RequestMetrics


def test_latencies_fall_into_cumulative_buckets() -> None:
    metrics = RequestMetrics()

    metrics.observe(method="GET", route="", status=200, seconds=0.003)
    metrics.observe(method="GET", route="", status=200, seconds=0.2)

    text = metrics.render()
    name = "tongban_http_request_duration_seconds_bucket"
    assert f'{name}{{method="GET",route="",le="0.005"}} 1' in text
    assert f'{name}{{method="GET",route="",le="0.1"}} 1' in text
    assert f'{name}{{method="GET",route="",le="0.25"}} 2' in text
    assert f'{name}{{method="GET",route="",le="+Inf"}} 2' in text


def test_label_values_are_escaped() -> None:
    metrics = RequestMetrics()

    metrics.observe(method="GET", route='a"b\\c', status=200, seconds=0.01)

    assert 'route="a\\"b\\\\c"' in metrics.render()
