from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import ngettext


class DemoAwareModelBackend(ModelBackend):
    """Refuses the published demo password unless the portal runs with DEBUG on."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == settings.DEMO_PASSWORD and not settings.DEBUG:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PortalAxesBackend(AxesStandaloneBackend):
    """django-axes' lock on every sign-in that comes with a request.

    Every sign-in a person or system makes (the portal's form, the admin's) comes
    with its request; code that checks a password without one (a management
    command, a test's `client.login`) has no address to count and is let through
    to the password check, where axes would refuse it outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with RFC 9106's second recommended setting: 3 passes over 64 MiB, 4 lanes.

    Django's default (2 passes over 100 MiB, 8 lanes) needs more memory per sign-in
    than a small server should give to each of many simultaneous attempts.
    """

    time_cost = 3
    memory_cost = 64 * 1024
    parallelism = 4


class PortalMinimumLengthValidator(MinimumLengthValidator):
    """Django's length rule, with its refusal in the portal's catalogue.

    Django 5.2 reworded the refusal (%d for %(min_length)d) and its Vietnamese
    catalogue kept the old words, so a Vietnamese page said it in English.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
