"""The portal's answer to an unexpected error: 503 to retry when the database is away, else 500.

Django calls `server_error` while the exception is being handled, so it can tell a
database that cannot be reached (PostgreSQL restarting, a failover) from a fault of
the portal's own. The first is answered 503 with Retry-After, as a page or, to the API
and scripts (`answers.wants_json`), in the API's JSON shape, so that people and systems
know to try again.
The pages render without the database: no context processors, no user.
"""

import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from . import answers, api


@requires_csrf_token
def server_error(request):
    unavailable = api.database_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    if answers.wants_json(request):
        response = JsonResponse(
            api.unavailable() if unavailable else api.server_fault(), status=status
        )
    else:
        template = loader.get_template("503.html" if unavailable else "500.html")
        response = HttpResponse(template.render({}), status=status)
    if unavailable:
        response["Retry-After"] = str(api.RETRY_AFTER_SECONDS)
    return response
