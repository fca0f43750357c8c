"""A page, not a blank screen, when a browser opens an address that only takes a form.

Django answers a GET of a POST-only view (`require_POST`, LogoutView) with an empty
405. A browser gets there when signing in interrupts a form (the login page sends
it back with a GET) or when an address is reloaded or bookmarked; the user then sees
nothing and may believe what they pressed was done. The pages that know what was
interrupted say so themselves; this is the safety net for every other one. The
API's 405s are DRF's JSON answers, never empty, and are left as they are, as is
any other answer to a client that wants JSON (`answers.wants_json`), not a page.
"""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from . import answers


class NotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and request.method in ("GET", "HEAD")
            and not answers.wants_json(request)
        ):
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
