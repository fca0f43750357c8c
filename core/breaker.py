"""Redis left alone for a while once it stops answering: the cache and the job broker.

A Redis that is stopped refuses a connection at once, but one that hangs (overloaded,
`DEBUG SLEEP`, a half-open connection) makes every call wait out its socket timeout,
and a page makes several calls. After the first call that times out or cannot connect,
this process treats that Redis as absent for REDIS_SKIP_SECONDS: cache reads are misses
and writes are dropped at once, jobs take their fallback at once. The next call after
that asks Redis again.
"""

import functools
import logging
import math
import socket
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


class Breaker:
    """One process's view of whether a service is worth asking; shared by its threads."""

    def __init__(self, name: str):
        self.name = name
        self._skip_until = -math.inf
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        return time.monotonic() < self._skip_until

    def trip(self, exc: BaseException) -> None:
        with self._lock:
            if self.open:
                return
            self._skip_until = time.monotonic() + settings.REDIS_SKIP_SECONDS
        # One line per outage and process, not one per call skipped.
        logger.warning(
            "%s did not answer (%s: %s): skipped for %s s",
            self.name,
            type(exc).__name__,
            exc,
            settings.REDIS_SKIP_SECONDS,
        )


class Skipped(RedisConnectionError):
    """A call not made because its Redis did not answer a moment ago."""


# A Redis that answers with an error (a wrong type, a full memory) is still there.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout)

_breakers: dict[tuple[str, str], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker(name: str, location: str) -> Breaker:
    """This process's breaker of the Redis at `location` used as `name` ("The cache").

    The page cache and the throttle's counts share the cache's.
    """
    with _breakers_lock:
        if (name, location) not in _breakers:
            # Named in the log without the password a URL may carry.
            parts = urlsplit(location)
            shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
            _breakers[name, location] = Breaker(f"{name} at {shown}")
        return _breakers[name, location]


def _tripping(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ConnectionInterrupted as exc:
            if isinstance(exc.__cause__, UNREACHABLE) and not isinstance(exc.__cause__, Skipped):
                self.breaker.trip(exc.__cause__)
            raise

    return call


class BreakerClient(DefaultClient):
    """django-redis's client (settings.CACHES, OPTIONS["CLIENT_CLASS"]) behind a breaker.

    While the breaker is open, every call fails at once as a lost connection does, which
    IGNORE_EXCEPTIONS turns into a miss or a no-op.
    """

    def __init__(self, server, params, backend):
        super().__init__(server, params, backend)
        self.breaker = breaker("The cache", str(server))

    def _refuse_while_open(self):
        if self.breaker.open:
            raise ConnectionInterrupted(connection=None) from Skipped(self.breaker.name)

    def get_client(self, write=True, tried=None):
        self._refuse_while_open()
        return super().get_client(write, tried)

    def get_client_with_index(self, write=True, tried=None):
        self._refuse_while_open()
        return super().get_client_with_index(write, tried)

    # The calls whose failures django-redis reports as ConnectionInterrupted.
    get = _tripping(DefaultClient.get)
    set = _tripping(DefaultClient.set)
    add = _tripping(DefaultClient.add)
    delete = _tripping(DefaultClient.delete)
    delete_many = _tripping(DefaultClient.delete_many)
    delete_pattern = _tripping(DefaultClient.delete_pattern)
    get_many = _tripping(DefaultClient.get_many)
    set_many = _tripping(DefaultClient.set_many)
    has_key = _tripping(DefaultClient.has_key)
    incr = _tripping(DefaultClient.incr)
    decr = _tripping(DefaultClient.decr)
    incr_version = _tripping(DefaultClient.incr_version)
    keys = _tripping(DefaultClient.keys)
    clear = _tripping(DefaultClient.clear)
    touch = _tripping(DefaultClient.touch)
