"""A database too busy to answer in time: "try again", never a server error.

SQLite lets one writer in at a time; the others wait (settings: SQLITE_BUSY_TIMEOUT)
and only a wait that runs out ends here. PostgreSQL raises the same class when a request
waited DATABASE_LOCK_TIMEOUT for a lock another holds. Nothing of the refused request
was saved: its transaction was rolled back.
"""

import contextvars
import logging

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .answers import refusal, wants_json

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_BUSY = ("database is locked", "database table is locked", "lock timeout")
# PostgreSQL's lock_not_available, whatever language its server writes messages in.
_LOCK_NOT_AVAILABLE = "55P03"


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.__cause__, "pgcode", None)
    return code == _LOCK_NOT_AVAILABLE or any(text in str(exc) for text in _BUSY)


# Whether this thread is serving a request (DatabaseBusyMiddleware).
_in_request = contextvars.ContextVar("in_request", default=False)


def limit_lock_waits(sender=None, connection=connection, **kwargs) -> None:
    """Make a request's connection give up waiting for a PostgreSQL lock after
    DATABASE_LOCK_TIMEOUT.

    Requests only: a person waits behind them, and nginx gives up at 70 s. The worker's
    jobs (the full recompute locks whole tables) and the commands wait their turn. The
    setting belongs to the connection, which outlives a request (DATABASE_CONN_MAX_AGE),
    so it is set once per connection, as Django sets the connection's time zone: on the
    driver's own cursor, not one of the request's queries. It is set when a request opens
    the connection (the `connection_created` signal), or when a request finds one open
    without it; a request that reads nothing from the database opens none.
    """
    if (
        not _in_request.get()
        or connection.vendor != "postgresql"
        or not settings.DATABASE_LOCK_TIMEOUT
        or connection.connection is None
        or connection.connection is getattr(connection, "requests_lock_limited", None)
    ):
        return
    milliseconds = round(settings.DATABASE_LOCK_TIMEOUT * 1000)
    try:
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{milliseconds}ms"])
    except DatabaseError:
        # A database that cannot be reached is the view's to answer (core/errors.py,
        # /healthz), as it was before this was asked.
        return
    connection.requests_lock_limited = connection.connection


def busy_message() -> str:
    return _("The portal is busy saving other changes. Nothing of yours was saved: try again.")


class DatabaseBusyMiddleware:
    """Answers a page whose database write timed out with 503 and the message above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        serving = _in_request.set(True)
        try:
            limit_lock_waits()
            return self.get_response(request)
        finally:
            _in_request.reset(serving)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        logger.warning("%s %s: database busy: %s", request.method, request.path, exception)
        if wants_json(request):
            response = JsonResponse(refusal(busy_message(), "busy"), status=503)
        else:
            response = render(request, "busy.html", {"message": busy_message()}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
