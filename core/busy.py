"""A database too busy to answer in time: "try again", never a server error.

SQLite lets one writer in at a time; the others wait (settings: SQLITE_BUSY_TIMEOUT)
and only a wait that runs out ends here. PostgreSQL raises the same class for a lock
timeout. Nothing of the refused request was saved: its transaction was rolled back.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_BUSY = ("database is locked", "database table is locked", "lock timeout")


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(text in str(exc) for text in _BUSY)


def busy_message() -> str:
    return _("The portal is busy saving other changes. Nothing of yours was saved: try again.")


class DatabaseBusyMiddleware:
    """Answers a page whose database write timed out with 503 and the message above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        logger.warning("%s %s: database busy: %s", request.method, request.path, exception)
        response = render(request, "busy.html", {"message": busy_message()}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
