"""The portal's answer to a refused form token (settings.CSRF_FAILURE_VIEW).

Signing in or out rotates the token, so a form opened before that in another tab
is refused. Django's own answer is a bare English page with no way on; this one
says, in the user's language, that nothing was saved and how to send the form
again. A sign-in refused this way from a browser that is already signed in (two
login tabs) simply goes on to where the sign-in was heading. The API's session
writes are checked by DRF, whose refusal core/api.py words as this page does; a
script's request that reaches this view is answered in the API's JSON shape too.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from . import answers, api

LOGIN_VIEWS = {"login", "admin:login"}


def _on_this_site(request, url: str) -> bool:
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _is_login(request) -> bool:
    try:
        return resolve(request.path_info).view_name in LOGIN_VIEWS
    except Resolver404:
        return False


def csrf_failure(request, reason=""):
    message = api.stale_token_message()
    if answers.wants_json(request):
        return JsonResponse(answers.refusal(message, "csrf_failed"), status=403)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and _is_login(request):
        target = request.POST.get("next") or request.GET.get("next", "")
        return redirect(target if _on_this_site(request, target) else settings.LOGIN_REDIRECT_URL)
    referer = request.headers.get("Referer", "")
    return render(
        request,
        "403_csrf.html",
        {"message": message, "back": referer if _on_this_site(request, referer) else ""},
        status=403,
    )
