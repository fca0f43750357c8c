"""A request id on every log line of a request, and of the jobs the request queues.

The id comes from the proxy's X-Request-ID when it sends a sane one (so nginx's
and the portal's logs match) or is made here; the response carries it back, and
`core.queue.publish` hands it to each job it queues.
"""

import contextvars
import logging
import re
import time
import uuid

request_id = contextvars.ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
logger = logging.getLogger("portal.requests")


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request (or job) it was logged in."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    """Names each request, and logs one line for it once it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        # Not reset on the way out: Django logs an error response after the middleware has
        # returned, and that line belongs to this request too. The next request sets its own.
        request_id.set(given if _SANE.match(given) else uuid.uuid4().hex[:16])
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        logger.info(
            "%s %s %s %.0f ms",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response
