"""What a Redis that hangs costs a process: a page's cache calls, the jobs a request
queues and /healthz's checks, with the breaker (core/breaker.py) and without it.

    .venv/bin/python bench/hung_redis.py

The stand-in for Redis is the tests' HungRedis (tests/services.py), a port that accepts
connections and never answers; it is both the cache and the broker. "Without" is
REDIS_SKIP_SECONDS=0, where every call waits out its own timeout (CACHE_TIMEOUT_SECONDS
for the cache, CELERY_SOCKET_TIMEOUT for a publish); "with" is the default, where the
first call waits and the rest skip Redis (/healthz then says so at once; its first
answer, in a process that has not tripped yet, waits about a second).
On 2 December 2026, without: a dashboard read's 8 cache calls 4.0 s, 13 jobs 13.1 s,
/healthz 2.0 s; with: the first read 0.5 s, the next 0.0 s, 13 jobs 1.0 s.

This is a benchmark, not a test: nothing here fails on a number.
"""

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.services import HungRedis

hung = HungRedis()
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    SECRET_KEY="benchmark-only",
    CACHE_URL=hung.url(1),
    CELERY_BROKER_URL=hung.url(0),
)
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)

from django.core.cache import cache  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from core import health  # noqa: E402
from core.queue import publish  # noqa: E402
from progress.tasks import recompute_completeness  # noqa: E402

# A dashboard read: its body, the read mark, the list of pages read, the render lock.
PAGE_CALLS = 8
# An import of 13 reports queued one job per report.
JOBS = 13


def page():
    for _ in range(PAGE_CALLS // 2):
        cache.get("bench:page")
        cache.add("bench:lock", 1, 5)


def jobs():
    for agreement in range(JOBS):
        publish(recompute_completeness, agreement)


def healthz():
    health.shared_cache()
    health.broker()


def timed(step) -> tuple[float, int]:
    before, started = len(hung.accepted), time.perf_counter()
    step()
    return time.perf_counter() - started, len(hung.accepted) - before


def main():
    print(f"a Redis that hangs, on 127.0.0.1:{hung.port}: seconds, and calls that waited")
    for label, skip in (("without the breaker", 0), ("with the breaker", 30)):
        with override_settings(REDIS_SKIP_SECONDS=skip):
            print(f"{label} (REDIS_SKIP_SECONDS={skip}):")
            for name, step in (
                ("a dashboard read", page),
                ("another dashboard read", page),
                (f"{JOBS} jobs queued", jobs),
                ("/healthz", healthz),
            ):
                seconds, waited = timed(step)
                print(f"  {name:<24} {seconds:6.2f} s  {waited:3d}")


if __name__ == "__main__":
    main()
