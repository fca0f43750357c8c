"""How many requests a system may send to the API (REST_FRAMEWORK's throttle rates).

Counted in the "throttle" cache: in each process without CACHE_URL, in Redis for
every process with it. Kept out of core/api.py, which DRF's views import while
they load these classes.
"""

from django.core.cache import caches
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from .security import client_ip


class UserThrottle(UserRateThrottle):
    """Requests of one signed-in user or token, wherever they come from."""

    cache = caches["throttle"]


class FailedTokenThrottle(SimpleRateThrottle):
    """Wrong tokens sent from one address (as django-axes counts it). DRF checks credentials
    before its throttles run, so a wrong token would never meet one: this counts them itself."""

    scope = "failed_token"
    cache = caches["throttle"]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def refuses(self, request) -> bool:
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication that stops answering an address which keeps sending wrong tokens."""

    def authenticate(self, request):
        throttle = FailedTokenThrottle()
        if throttle.refuses(request):
            raise Throttled(wait=throttle.wait())
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle.record_failure()
            raise
