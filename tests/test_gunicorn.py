"""The portal served as in production: gunicorn with deploy/gunicorn.conf.py, static files by
WhiteNoise, on PostgreSQL, after the production steps (no demo data).

A real gunicorn in a subprocess on the test database, so it runs in the PostgreSQL pass.
"""

import gzip
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command
from django.db import connection

from .services import ROOT, _stop, _wait_for_port, free_port
from .test_celery_redis import database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn():
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn is another process: it cannot open SQLite's in-memory database")
    port = free_port()
    static_root = tempfile.mkdtemp(prefix="portal-static-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DATABASE_URL=database_url(),
        DEBUG="0",
        SECRET_KEY="gunicorn-test-secret",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=static_root,
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    _stop(process)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_production_install_is_served_by_gunicorn_with_compressed_static_files(gunicorn):
    call_command("load_provinces", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    status, headers, body = fetch(f"{gunicorn}/accounts/login/", **{"Accept-Language": "vi"})
    assert status == 200
    assert "Đăng nhập".encode() in body
    assert headers["X-Request-ID"]

    css = re.search(r'href="([^"]*portal[^"]*\.css)"', body.decode()).group(1)
    status, headers, body = fetch(f"{gunicorn}{css}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert b":root" in gzip.decompress(body)
    assert "max-age" in headers.get("Cache-Control", "")

    status, _headers, body = fetch(f"{gunicorn}/healthz")
    # No full rebuild has run yet on this new install: healthy parts, figures not yet built.
    assert status == 503
    assert b'"database": "ok"' in body
    assert b'"full_recompute": "never succeeded"' in body
