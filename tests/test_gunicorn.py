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
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection

from .services import ROOT, _stop, _wait_for_port, free_port
from .test_celery_redis import database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server():
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
        # Plain HTTP on the loopback, as behind a proxy that redirects to HTTPS itself.
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_SSL_REDIRECT="0",
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
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", env=env)
    _stop(process)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_production_install_is_served_by_gunicorn_with_compressed_static_files(server):
    gunicorn = server.url
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


class FormFields(HTMLParser):
    """The fields a browser would send from a page's form, with their current values."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name", "")
        if "__prefix__" in name:
            return
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            # A multiple choice with nothing chosen sends nothing at all.
            if "multiple" not in attrs:
                self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str) -> dict:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class Browser:
    """A signed-in session over HTTP, with cookies, as a person's browser would keep it."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(f"{self.base}{path}", timeout=20) as response:
            return response.status, response.read().decode()

    def post(self, path: str, fields: dict) -> int:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=data, method="POST")
        try:
            with self.opener.open(request, timeout=20) as response:
                self.last = response.read().decode()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def submit(self, path: str, **changes) -> int:
        """Open the page's form, change some fields, send it."""
        _status, html = self.get(path)
        return self.post(path, {**form_fields(html), **changes})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_first_administrator_signs_in_creates_an_agreement_and_sees_it(server):
    from partnerships.models import (
        Agreement,
        AgreementKind,
        Kpi,
        Organisation,
        OrganisationKind,
        Phase,
    )
    from provinces.models import Province

    call_command("load_provinces", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    # The production step, with the production password hasher (the tests use a fast one).
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "first_admin",
            "--email",
            "admin@example.vn",
        ],
        cwd=ROOT,
        env={**server.env, "DJANGO_SUPERUSER_PASSWORD": "first-admin-password"},
        check=True,
    )
    lao_cai = Province.objects.current().get(slug="lao-cai")

    browser = Browser(server.url)
    status = browser.submit(
        "/accounts/login/", username="first_admin", password="first-admin-password"
    )
    assert status == 302, browser.last[-2500:]
    assert (
        browser.submit(
            "/admin/partnerships/organisation/add/",
            name="Ủy ban nhân dân tỉnh Lào Cai",
            kind=OrganisationKind.PEOPLES_COMMITTEE.value,
            province=str(lao_cai.pk),
        )
        == 302
    )
    organisation = Organisation.objects.get(name="Ủy ban nhân dân tỉnh Lào Cai")
    status = browser.submit(
        "/admin/partnerships/agreement/add/",
        title="Thỏa thuận hợp tác Lào Cai – VNPT 2026–2030",
        counterparty=str(organisation.pk),
        kind=AgreementKind.STRATEGIC.value,
        phase=str(Phase.objects.get(code="2026-2030").pk),
        period_start="2026",
        period_end="2030",
        signed_on="20/08/2025",
        **{
            # The admin's "Add another target" row, as its script adds it.
            "targets-TOTAL_FORMS": "1",
            "targets-0-kpi": str(Kpi.objects.get(code="bts_total").pk),
            "targets-0-target_value": "5000",
            "targets-0-target_on": "31/12/2030",
        },
    )
    assert status == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', browser.last, re.S)
    agreement = Agreement.objects.get(counterparty=organisation)
    assert agreement.signed_on.isoformat() == "2025-08-20", "read day first"
    assert agreement.targets.get().target_value == 5000

    status, html = browser.get("/dashboards/provinces/lao-cai/")
    assert status == 200
    assert "Thỏa thuận hợp tác Lào Cai – VNPT 2026–2030" in html
