"""With DEBUG off and nothing else set the portal is served as securely as Django can:
HTTPS only, HSTS, a Content-Security-Policy the pages meet, a Permissions-Policy."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from .test_settings import _settings_for

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "7f3kq9w2-production-like-secret-with-many-different-characters",
    "ALLOWED_HOSTS": "portal.example.vn",
}


def test_check_deploy_reports_nothing_with_only_the_required_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_secure_choices_are_the_defaults_with_debug_off():
    values = _settings_for(
        PRODUCTION,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "PASSWORD_HASHERS",
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["PASSWORD_HASHERS"][0] == "provinces.auth.PortalArgon2PasswordHasher"


def test_behind_a_proxy_it_trusts_the_proxys_scheme():
    values = _settings_for({**PRODUCTION, "BEHIND_PROXY": "1"}, "SECURE_PROXY_SSL_HEADER")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_make_run_serves_plain_http_with_debug_on():
    values = _settings_for({"DEBUG": "1"}, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_an_https_page_carries_every_security_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_only_the_api_documentation_allows_inline_styles(client, official):
    client.force_login(official)
    docs = client.get("/api/docs/")["Content-Security-Policy"]
    assert re.search(r"style-src 'self' 'unsafe-inline'", docs)
    assert "script-src 'self';" in docs + ";"
    assert "unsafe" not in client.get("/")["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/",
        "/compare/",
        "/agreements/",
        "/provinces/",
        "/reports/",
        "/reports/import/",
        "/accounts/password/",
        "/admin/",
        "/admin/partnerships/agreement/",
        "/admin/partnerships/agreement/add/",
        "/admin/partnerships/agreement/{agreement}/history/",
    ],
)
def test_no_page_needs_an_inline_script_or_style(client, admin_user, laocai, path):
    client.force_login(admin_user)
    response = client.get(path.format(agreement=laocai.agreement.pk), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert not INLINE_SCRIPT.findall(page)
    assert not INLINE_STYLE.findall(page)
