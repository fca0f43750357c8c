"""An answer, not a blank screen, when an address is opened with a method it does not take.

Django answers a method a view does not take (`require_POST`, `require_http_methods`,
a class-based view's `http_method_not_allowed`, LogoutView's GET) with an empty 405.

A browser gets there when signing in interrupts a form (the login page sends it back
with a GET) or when an address is reloaded or bookmarked; the user then sees nothing
and may believe what they pressed was done. The pages that know what was interrupted
say so themselves; this is the safety net for every other one.

A script (`answers.wants_json`) is answered in the refusals' JSON shape, as the API
answers it, so that it can show or log why rather than an empty body. The API's own
405s are DRF's JSON answers in that shape already, never empty, and are left as they are.
"""

from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import answers


class NotAllowedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        allowed = response["Allow"]
        if answers.wants_json(request):
            message = _("This address does not take a %(method)s request; it takes %(allowed)s.")
            answer = JsonResponse(
                answers.refusal(
                    message % {"method": request.method, "allowed": allowed},
                    "method_not_allowed",
                ),
                status=405,
            )
        elif request.method in ("GET", "HEAD"):
            answer = render(request, "405.html", status=405)
        else:
            return response
        answer["Allow"] = allowed
        return answer
