"""Real Redis and Celery worker processes for the `services` tests, a Redis that hangs,
and broker switching.

The worker runs as a separate process with CELERY_BROKER_URL pointing at a
Redis started here, on 127.0.0.1 at a free port, with persistence off. It uses
the test database, so these tests need one another process can open: the
PostgreSQL server of `make test` (SQLite's in-memory test database is private
to the test process).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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


class HungRedis:
    """127.0.0.1 at a free port: accepts every connection and never answers, as a Redis
    in `DEBUG SLEEP` or behind a half-open connection does. Each connection it accepts is
    a call that waited out its timeout (tests/test_redis_hung.py, bench/hung_redis.py)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed at the end of the test
                return
            self.accepted.append(connection)

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def calls_waited(self, at_least: int = 1) -> int:
        wait_until(lambda: len(self.accepted) >= at_least, timeout=5, interval=0.05)
        return len(self.accepted)

    def close(self):
        self.listener.close()
        for connection in self.accepted:
            connection.close()


PG_BIN = os.environ.get("PG_BIN") or next(
    iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1:]),
    None,
)


class Postgres:
    """A throwaway PostgreSQL cluster of its own, which a test may stop and start again.

    As scripts/with-postgres does: initdb in a temporary directory, trust on
    loopback, a free port; as root the server runs as the `postgres` user.
    """

    def __init__(self):
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="portal-pg-")
        self.data = Path(self.directory) / "data"
        self.as_server_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_server_user:
            shutil.chown(self.directory, "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def _run(self, *command: str):
        subprocess.run(
            [*self.as_server_user, *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def create(self):
        self._run(
            f"{PG_BIN}/initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        subprocess.run(
            [f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "portal"],
            check=True,
        )  # fmt: skip

    def start(self):
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        self._run(
            f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-l", f"{self.directory}/server.log",
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip

    def stop(self):
        """As an operator's restart does: the clients' connections are cut."""
        self._run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self):
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


_collected_static: str | None = None


def collected_static(manage) -> str:
    """A folder of collected static files, made once per test process by `manage`.

    They depend on the code only, not on any test's data, and collecting them
    (compressed, as production serves them) takes half a minute.
    """
    global _collected_static
    if _collected_static is None:
        folder = tempfile.mkdtemp(prefix="portal-static-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        manage("collectstatic", "--noinput", "--verbosity=0", STATIC_ROOT=folder)
        _collected_static = folder
    return _collected_static


class Gunicorn:
    """The portal served as production does (deploy/gunicorn.conf.py), static files collected."""

    def __init__(self, database_url: str, **env):
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        self.env.pop("CELERY_BROKER_URL", None)
        self.env.update(
            DATABASE_URL=database_url,
            DEBUG="0",
            SECRET_KEY="gunicorn-test-secret",
            ALLOWED_HOSTS="127.0.0.1",
            # Plain HTTP on the loopback, as behind a proxy that redirects to HTTPS itself.
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            SECURE_SSL_REDIRECT="0",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS="2",
            **env,
        )
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, **extra_env) -> str:
        """A manage.py command with the server's settings; returns what it printed."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self):
        self.env["STATIC_ROOT"] = collected_static(self.manage)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def stop(self):
        if self.process is not None:
            _stop(self.process)
            self.process = None


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
