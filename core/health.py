"""Whether the parts the portal stands on answer: the database, the cache and the broker.

Each check returns None when healthy, or a short reason; `/healthz` adds the
figures' own freshness and answers 200 or 503.
"""

import uuid

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from . import queue
from .breaker import breaker as breaker_of

# A broker that does not answer within this many seconds counts as down: with the cache's
# own timeout (CACHE_TIMEOUT_SECONDS) the check answers within about a second, before a
# load balancer's own timeout gives up on it.
BROKER_TIMEOUT = 0.5
# What a Redis that refuses, or that hangs, is called; the process then leaves it alone
# for a while (core/breaker.py) and so does this check.
NOT_ANSWERING = "unreachable or slow"


def database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable: {exc.__class__.__name__}"
    return None


def shared_cache() -> str | None:
    if settings.CACHE_URL and breaker_of("The cache", settings.CACHE_URL).open:
        return f"{NOT_ANSWERING}: not asked again yet"
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    try:
        cache.set(key, value, 10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # any backend's own error means the cache is not usable
        return f"unreachable: {exc.__class__.__name__}"
    if answered is None:
        # The shared cache turns its errors into misses (settings.CACHES), so a Redis
        # that is down or slow reads back nothing rather than raising.
        return f"{NOT_ANSWERING}: nothing read back"
    return None if answered == value else "does not keep what it is given"


def broker() -> str | None:
    """None also when no broker is configured: jobs then run inside the request."""
    if not settings.CELERY_BROKER_URL:
        return None
    if queue.broker_breaker(current_app).open:
        return f"{NOT_ANSWERING}: not asked again yet"
    quick = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT}
    try:
        with current_app.connection_for_write(transport_options=quick) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # kombu raises the transport's own errors
        return f"{NOT_ANSWERING}: {exc.__class__.__name__}"
    return None
