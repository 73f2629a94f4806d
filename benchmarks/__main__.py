"""Runs the benchmark: `make bench` or `.venv/bin/python -m benchmarks`.

1. Creates a throwaway PostgreSQL database on loopback (``tongban_bench``) and migrates it.
2. Starts the production server: granian in WSGI mode on ``tongban.config.wsgi:application``
   with ``benchmarks.settings`` (production settings plus the baseline views) and freshly
   generated secrets that die with the run.
3. Drives each scenario with wrk for a bounded time and prints a markdown table: requests per
   second, p50 and p99 latency, and the throughput as a ratio to the bare-Django baselines
   measured in the same run, so the figures compare across machines.

Environment: ``BENCH_DATABASE_URL`` (the server's PostgreSQL, default
``postgres://postgres@127.0.0.1:5432/tongban_bench``), ``BENCH_DURATION`` (seconds per
scenario, default 10), ``BENCH_CONNECTIONS`` (default 16), ``BENCH_WORKERS`` (granian
workers, default 1: the load generator needs the other core of a two-core machine).
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongban_bench"
)
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARM_UP = 2
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    baseline: bool = False


SCENARIOS = [
    Scenario("baseline: constant response", "/bench/constant", baseline=True),
    Scenario("baseline: read one row by key", "/bench/read-row", baseline=True),
    Scenario("baseline: insert one row", "/bench/insert-row", method="POST", baseline=True),
    Scenario("home page", "/"),
    Scenario("/healthz (database and cache)", "/healthz"),
]


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _database_recreate() -> None:
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"} or not name.endswith("_bench"):
        raise SystemExit(
            f"refusing to drop {name!r} on {parts.hostname!r}: the benchmark only recreates a "
            "database whose name ends in _bench, on loopback"
        )
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _environment() -> dict[str, str]:
    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": f"bench:{key()}",
        "FIELD_BLIND_INDEX_KEY": key(),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": DATABASE_URL,
        "TONGBAN_BEHIND_TLS_PROXY": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _manage(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", *arguments], cwd=ROOT, env=environment, check=True
    )


def _seed(environment: dict[str, str]) -> None:
    code = (
        "import django; django.setup(); from benchmarks.models import BenchRow; "
        "BenchRow.objects.bulk_create(BenchRow(key=f'row-{n}', value='v' * 40) "
        "for n in range(1, 1001))"
    )
    subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=environment, check=True)


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            _get(base_url + "/bench/constant")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 30 seconds")


def _get(url: str, method: str = "GET") -> int:
    request = urllib.request.Request(  # noqa: S310 (always http://127.0.0.1)
        url, method=method, headers={"X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return int(response.status)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"unexpected latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _wrk(url: str, method: str, seconds: int, script_dir: Path) -> Result:
    script = script_dir / f"{method.lower()}.lua"
    script.write_text(
        f'wrk.method = "{method}"\nwrk.headers["X-Forwarded-Proto"] = "https"\n', encoding="utf-8"
    )
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (rate and p50 and p99):
        raise SystemExit(f"could not read wrk's output:\n{output}")
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(failures.group(1)) if failures else 0
    if socket_errors:
        errors += sum(int(group) for group in socket_errors.groups())
    return Result(
        float(rate.group(1)), _milliseconds(p50.group(1)), _milliseconds(p99.group(1)), errors
    )


def _table(results: dict[Scenario, Result]) -> str:
    baselines = [scenario for scenario in results if scenario.baseline]
    header = ["scenario", "req/s", "p50 ms", "p99 ms", "errors"] + [
        f"× {scenario.name.removeprefix('baseline: ')}" for scenario in baselines
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for scenario, result in results.items():
        ratios = [
            f"{result.requests_per_second / results[baseline].requests_per_second:.2f}"
            for baseline in baselines
        ]
        lines.append(
            f"| {scenario.name} | {result.requests_per_second:,.0f} | {result.p50_ms:.2f} | "
            f"{result.p99_ms:.2f} | {result.errors} | " + " | ".join(ratios) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (Debian package wrk)")
    environment = _environment()
    print(f"PostgreSQL database {urlsplit(DATABASE_URL).path.lstrip('/')}: recreating, migrating")
    _database_recreate()
    _manage(environment, "migrate", "--no-input", "--verbosity", "0")
    _manage(environment, "collectstatic", "--no-input", "--verbosity", "0")
    _seed(environment)
    port = _free_port()
    base_url = f"http://{HOST}:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--no-access-log",
            "tongban.config.wsgi:application",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    results: dict[Scenario, Result] = {}
    try:
        _wait_until_up(base_url, server)
        for scenario in SCENARIOS:
            status = _get(base_url + scenario.path, scenario.method)
            if status != 200:
                raise SystemExit(f"{scenario.path} answered {status}, not 200")
        with tempfile.TemporaryDirectory() as scripts:
            for scenario in SCENARIOS:
                url = base_url + scenario.path
                _wrk(url, scenario.method, WARM_UP, Path(scripts))
                results[scenario] = _wrk(url, scenario.method, DURATION, Path(scripts))
                print(f"  {scenario.name}: {results[scenario].requests_per_second:,.0f} req/s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print()
    print(
        f"granian WSGI, {WORKERS} worker(s), production settings behind a TLS proxy, "
        f"PostgreSQL on loopback; wrk, {CONNECTIONS} connections, {DURATION} s per scenario"
    )
    print()
    print(_table(results))
    print()
    print("In-process, one transaction per operation (benchmarks/workflow.py):")
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.workflow"], cwd=ROOT, env=environment, check=True
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.certificates"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.catalog"], cwd=ROOT, env=environment, check=True
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.appointments"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.alerts"], cwd=ROOT, env=environment, check=True
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.cases"], cwd=ROOT, env=environment, check=True
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.bundles"], cwd=ROOT, env=environment, check=True
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "benchmarks.instant_approval"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


if __name__ == "__main__":
    main()
