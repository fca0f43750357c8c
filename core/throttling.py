"""How many requests a system may send to the API (REST_FRAMEWORK's throttle rates).

Counted in the "throttle" cache: in each process without CACHE_URL, in Redis for
every process with it. Kept out of core/api.py, which DRF's views import while
they load these classes.
"""

from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    """Requests without a valid token or session, counted per address."""

    cache = caches["throttle"]


class UserThrottle(UserRateThrottle):
    """Requests of one signed-in user or token, wherever they come from."""

    cache = caches["throttle"]
