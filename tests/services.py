"""Real Redis and Celery worker processes for the `services` tests, and broker switching.

The worker runs as a separate process with CELERY_BROKER_URL pointing at a
Redis started here, on 127.0.0.1 at a free port, with persistence off. It uses
the test database, so these tests need one another process can open: the
PostgreSQL server of `make test` (SQLite's in-memory test database is private
to the test process).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from kombu import pools as kombu_pools

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
START_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, timeout: float = START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def _stop(process: subprocess.Popen, timeout: float = 10):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


class Redis:
    """A throwaway redis-server that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.directory = tempfile.mkdtemp(prefix="portal-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self):
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def close(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class Worker:
    """`celery -A config worker` (with its beat) in a subprocess, on the given broker and database."""

    def __init__(self, broker_url: str, database_url: str, extra_env: dict | None = None):
        self.directory = tempfile.mkdtemp(prefix="portal-worker-")
        self.log = Path(self.directory) / "worker.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            CELERY_BROKER_URL=broker_url,
            DATABASE_URL=database_url,
            DEBUG="0",
            SECRET_KEY=os.environ.get("SECRET_KEY", "services-test"),
            # Let the worker reconnect quickly once Redis is back.
            CELERY_SOCKET_CONNECT_TIMEOUT="1",
            **(extra_env or {}),
        )
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self):
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--beat",
                    "--schedule",
                    str(Path(self.directory) / "beat-schedule"),
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_for("ready", START_TIMEOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, text: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"the worker did not print {text!r}:\n{self.output()[-3000:]}")

    def stop(self):
        if self.process is not None:
            _stop(self.process, timeout=20)
            self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)


def reset_celery_connections():
    """Drop pooled broker connections, so the next publish connects to the current broker URL.

    Kombu keeps its pools in a registry keyed by broker URL; closing one pool
    would leave a closed pool there for the next test with the same URL.
    """
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def publishing_to(broker_url: str):
    """Make this process publish tasks to a broker instead of running them eagerly."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    conf.broker_url = broker_url
    reset_celery_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        reset_celery_connections()


def wait_until(condition, timeout: float, interval: float = 0.2):
    """Poll `condition` until it is true or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
