"""Tasks run through a real Celery worker against the local Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tongban.core.tasks import worker_ping

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_tasks_run_eagerly_without_a_broker():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert worker_ping.delay("n1").get(timeout=1)["nonce"] == "n1"


@pytest.mark.redis
@pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
def test_a_task_round_trips_through_a_real_worker():
    # A database number of its own, so a parallel run cannot take this run's messages.
    database = 8 + (uuid.uuid4().int % 7)
    broker = f"redis://127.0.0.1:6379/{database}"
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tongban.config.settings.dev",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "DATABASE_URL": f"sqlite:///{Path(settings.MEDIA_ROOT).parent / 'celery-test.sqlite3'}",
    }
    queue = f"test-{uuid.uuid4().hex}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tongban.config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        from celery import Celery

        client = Celery("client", broker=broker, backend=broker, set_as_current=False)
        nonce = uuid.uuid4().hex
        result = client.send_task("tongban.core.tasks.worker_ping", args=[nonce], queue=queue)
        answer = result.get(timeout=60)
        assert answer["nonce"] == nonce
        assert answer["worker"] == socket.gethostname()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
