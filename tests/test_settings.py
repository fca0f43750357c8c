"""The settings behave as the README's Configuration section and .env.example say."""

import json
import os
import re
import subprocess
import sys

from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from .factories import UserFactory

BASE_DIR = django_settings.BASE_DIR
PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""


def _start_django(env, *names):
    """Imports the settings in a fresh interpreter that sees only `env`."""
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS % (names,)],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings_for(env, *names):
    result = _start_django(env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _start_django({"DEBUG": "0"}, "DEBUG")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_it_refuses_to_start_with_a_redis_url_without_its_scheme():
    # Accepted before, this failed every dashboard (cache) or every job (read as AMQP).
    for name in ("CACHE_URL", "CELERY_BROKER_URL"):
        result = _start_django(
            {"DEBUG": "0", "SECRET_KEY": "x", name: ":s3cret@127.0.0.1:6379/1"}, "CACHES"
        )

        assert result.returncode != 0
        assert f"ImproperlyConfigured: {name} must start with redis://" in result.stderr
        assert "(for example redis://127.0.0.1:6379/1)" in result.stderr
        # The URL is not repeated: it may carry the password.
        assert "s3cret" not in result.stderr


def test_it_skips_a_redis_that_does_not_answer_in_both_caches():
    values = _settings_for(
        {"DEBUG": "0", "SECRET_KEY": "x", "CACHE_URL": "rediss://cache.example.vn:6380/1"},
        "CACHES",
        "REDIS_SKIP_SECONDS",
    )

    for alias in ("default", "throttle"):
        options = values["CACHES"][alias]["OPTIONS"]
        assert options["CLIENT_CLASS"] == "core.breaker.BreakerClient"
        assert options["IGNORE_EXCEPTIONS"] is True
    assert values["REDIS_SKIP_SECONDS"] == 30


def test_postgresql_gives_up_on_a_server_or_a_lock_that_does_not_answer():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x",
        "DATABASE_URL": "postgres://portal:pw@db.example.vn:5432/portal?sslmode=require",
    }
    values = _settings_for(env, "DATABASES", "DATABASE_LOCK_TIMEOUT")

    assert values["DATABASES"]["default"]["OPTIONS"] == {
        "connect_timeout": 5,
        "sslmode": "require",
    }
    assert values["DATABASE_LOCK_TIMEOUT"] == 10

    env.update(DATABASE_CONNECT_TIMEOUT="2", DATABASE_LOCK_TIMEOUT="0")
    values = _settings_for(env, "DATABASES", "DATABASE_LOCK_TIMEOUT")
    assert values["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 2
    assert values["DATABASE_LOCK_TIMEOUT"] == 0


def test_it_starts_without_any_variable_in_debug_mode_on_sqlite_with_eager_tasks():
    values = _settings_for(
        {"DEBUG": "1"},
        "DEBUG",
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "ALLOWED_HOSTS",
        "LANGUAGE_CODE",
        "CACHES",
        "DASHBOARD_WARMING",
    )

    assert values["DEBUG"] is True
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["DASHBOARD_WARMING"] is False
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["LANGUAGE_CODE"] == "vi"


def test_it_reads_a_production_configuration_from_the_environment():
    values = _settings_for(
        {
            "DEBUG": "0",
            "SECRET_KEY": "a-long-production-secret",
            "ALLOWED_HOSTS": "portal.example.vn, www.portal.example.vn",
            "DATABASE_URL": "postgres://portal:pw@db.example.vn:5432/portal",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "CACHE_URL": "redis://127.0.0.1:6379/2",
            "REPORT_DUE_DAYS": "30",
            "EVIDENCE_MAX_BYTES": "1048576",
        },
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "REPORT_DUE_DAYS",
        "EVIDENCE_MAX_BYTES",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "CACHES",
        "DASHBOARD_WARMING",
    )

    assert values["DEBUG"] is False
    cache = values["CACHES"]["default"]
    assert (cache["BACKEND"], cache["LOCATION"]) == (
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/2",
    )
    # A Redis that is down or slow is a cache miss after half a second, never a failed page.
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] == 0.5
    assert values["DASHBOARD_WARMING"] is True
    assert values["ALLOWED_HOSTS"] == ["portal.example.vn", "www.portal.example.vn"]
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.vn",
        5432,
        "portal",
    )
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["REPORT_DUE_DAYS"] == 30
    assert values["EVIDENCE_MAX_BYTES"] == 1048576
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def _variables_read_by_settings():
    source = (BASE_DIR / "config" / "settings.py").read_text()
    return set(re.findall(r"env(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", source))


GC_THRESHOLDS = """
import gc, json, django
django.setup()
print(json.dumps(gc.get_threshold()))
"""


def _gc_thresholds(env):
    result = subprocess.run(
        [sys.executable, "-c", GC_THRESHOLDS],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_every_process_collects_its_youngest_objects_as_seldom_as_configured():
    assert _gc_thresholds({"DEBUG": "1"}) == [50_000, 10, 10]
    assert _gc_thresholds({"DEBUG": "1", "GC_THRESHOLD": "20000"}) == [20_000, 10, 10]
    assert _gc_thresholds({"DEBUG": "1", "GC_THRESHOLD": "0"}) == [700, 10, 10]


def test_it_documents_every_environment_variable_it_reads():
    variables = _variables_read_by_settings()
    example = (BASE_DIR / ".env.example").read_text()
    readme = (BASE_DIR / "README.md").read_text()

    assert "SECRET_KEY" in variables
    assert variables <= set(re.findall(r"^#?\s*([A-Z0-9_]+)=", example, re.MULTILINE))
    assert variables <= set(re.findall(r"`([A-Z0-9_]+)`", readme))


def test_it_refuses_the_demo_password_when_debug_is_off(db, settings):
    UserFactory(username="demo_staff", password=settings.DEMO_PASSWORD)
    settings.DEBUG = False

    assert authenticate(username="demo_staff", password=settings.DEMO_PASSWORD) is None


def test_it_accepts_the_demo_password_when_debug_is_on(db, settings):
    user = UserFactory(username="demo_staff", password=settings.DEMO_PASSWORD)
    settings.DEBUG = True

    assert authenticate(username="demo_staff", password=settings.DEMO_PASSWORD) == user


def test_it_accepts_a_real_password_when_debug_is_off(db, settings):
    user = UserFactory(username="official_hn", password="a-real-password-42")
    settings.DEBUG = False

    assert authenticate(username="official_hn", password="a-real-password-42") == user


def test_it_keeps_a_demo_login_on_the_form_when_debug_is_off(db, client, settings):
    UserFactory(username="demo_staff", password=settings.DEMO_PASSWORD)
    settings.DEBUG = False

    response = client.post(
        "/accounts/login/",
        {"username": "demo_staff", "password": settings.DEMO_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "did not match" in response.content.decode()


def test_it_serves_hashed_compressed_static_files_after_collectstatic(
    db, client, settings, tmp_path
):
    """What production does with DEBUG off; the rest of the suite skips collectstatic."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    page = client.get("/accounts/login/").content.decode()
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)

    assert stylesheet, "the login page links no hashed stylesheet"
    response = client.get(stylesheet[1], HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
