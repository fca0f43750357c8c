"""Typed readers for environment variables, in the manner of Healthchecks' settings."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return int(value)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return float(value)


def redis_url(name: str, schemes=("redis", "rediss", "unix")) -> str:
    """A Redis URL, or "" when unset; refused at start-up when it names no such scheme.

    Without its scheme (`127.0.0.1:6379/1`) a cache URL passed `manage.py check` and
    then failed every page that used the cache, and a broker URL was read as an AMQP host
    that never answers. The value is not repeated: it may hold a password.
    """
    value = envstr(name).strip()
    if value and urlsplit(value).scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must start with {', '.join(f'{s}://' for s in schemes)}"
            f" (for example redis://127.0.0.1:6379/1)."
        )
    return value
