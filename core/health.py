"""Whether the parts the portal stands on answer: the database, the cache and the broker.

Each check returns None when healthy, or a short reason; `/healthz` adds the
figures' own freshness and answers 200 or 503.
"""

import uuid

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

# A broker that does not answer within this many seconds counts as down.
BROKER_TIMEOUT = 2


def database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable: {exc.__class__.__name__}"
    return None


def shared_cache() -> str | None:
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    try:
        cache.set(key, value, 10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # any backend's own error means the cache is not usable
        return f"unreachable: {exc.__class__.__name__}"
    if answered is None:
        # The shared cache turns its errors into misses (settings.CACHES), so a Redis
        # that is down reads back nothing rather than raising.
        return "unreachable: nothing read back"
    return None if answered == value else "does not keep what it is given"


def broker() -> str | None:
    """None also when no broker is configured: jobs then run inside the request."""
    if not settings.CELERY_BROKER_URL:
        return None
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # kombu raises the transport's own errors
        return f"unreachable: {exc.__class__.__name__}"
    return None
