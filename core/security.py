"""Who is knocking, and what a locked-out login is told (django-axes calls both).

Sign-in attempts are counted per account and per address by django-axes
(settings AXES_*; how they are judged is core.accounts.LoginFailures); these
are the two other places where the portal decides for it.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .formatting import datetime_label

LOCKED_OUT_STATUS = 429


def client_ip(request) -> str:
    """The browser's address: behind nginx the last X-Forwarded-For entry, which nginx
    appended itself (the ones before it are whatever the client claimed)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def locked_out_message() -> str:
    until = timezone.now() + settings.AXES_COOLOFF_TIME
    return _(
        "Too many failed sign-ins for this account or from this address. "
        "Try again after %(time)s, or ask an administrator to unlock the account."
    ) % {"time": datetime_label(until)}


def lockout_response(request, credentials, *args, **kwargs):
    """The login page again, saying why and until when, answered 429 Too Many Requests."""
    response = render(
        request,
        "registration/locked_out.html",
        {"message": locked_out_message()},
        status=LOCKED_OUT_STATUS,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
