"""PostgreSQL stopped and started while the portal is serving, as in a restart or a failover.

gunicorn (deploy/gunicorn.conf.py) on a PostgreSQL cluster of the test's own, installed
with the production steps: while the database is away the API answers 503 in its JSON
shape and the pages say to try again, both with Retry-After; once it is back the same
processes answer again, without a restart, and nothing saved before is lost.
"""

import json
import urllib.request

import pytest

from .services import PG_BIN, Gunicorn, Postgres
from .test_gunicorn import Browser, fetch

pytestmark = pytest.mark.services

SETUP = """
import json
from rest_framework.authtoken.models import Token
from partnerships.models import Phase
from provinces.access import Role
from provinces.models import Province
from tests.factories import AgreementFactory, OrganisationFactory, QuarterlyReportFactory, UserFactory

unit = Province.objects.get(slug="lao-cai-truoc-2025")
agreement = AgreementFactory(
    counterparty=OrganisationFactory(province=unit, name="UBND tỉnh Lào Cai"),
    phase=Phase.objects.get(code="2021-2025"),
)
report = QuarterlyReportFactory(agreement=agreement, quarter=20232)
staff = UserFactory(username="staff", roles=[Role.STAFF], provinces=[unit.successor])
UserFactory(username="official", roles=[Role.OFFICIAL], password="official-password")
print(json.dumps({"report": report.pk, "version": report.version,
                  "token": Token.objects.create(user=staff).key}))
"""


@pytest.fixture
def stack():
    if PG_BIN is None:
        pytest.skip("PostgreSQL is not installed: run scripts/install-system-deps")
    database = Postgres()
    database.create()
    gunicorn = Gunicorn(database.url)
    try:
        gunicorn.manage("migrate", "--verbosity=0")
        gunicorn.manage("load_provinces", "--verbosity=0")
        gunicorn.manage("load_reference_data", "--verbosity=0")
        work = json.loads(gunicorn.manage("shell", "--verbosity=0", "-c", SETUP).splitlines()[-1])
        gunicorn.start()
        yield database, gunicorn, work
    finally:
        gunicorn.stop()
        database.close()


def api(gunicorn, work, method, path, body=None):
    request = urllib.request.Request(
        f"{gunicorn.url}/api/v1{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"Token {work['token']}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def save_narrative(gunicorn, work, text):
    path = f"/reports/{work['report']}/"
    return api(gunicorn, work, "PATCH", path, {"version": work["version"], "narrative": text})


def test_the_portal_answers_503_while_postgresql_is_down_and_recovers_without_a_restart(stack):
    database, gunicorn, work = stack
    status, _headers, body = save_narrative(gunicorn, work, "Trước khi máy chủ CSDL khởi động lại.")
    assert status == 200, body
    work["version"] = body["version"]
    official = Browser(gunicorn.url)
    assert (
        official.submit("/accounts/login/", username="official", password="official-password")
        == 302
    )
    assert official.get("/")[0] == 200

    database.stop()
    try:
        status, headers, body = save_narrative(gunicorn, work, "Trong lúc CSDL ngừng.")
        assert status == 503
        assert body["code"] == "unavailable"
        assert "database cannot be reached" in body["detail"]
        assert headers["Retry-After"] == "30"
        status, _headers, body = api(gunicorn, work, "GET", "/reports/")
        assert (status, body["code"]) == (503, "unavailable")

        status, page = official.get("/")
        assert status == 503
        assert official.headers["Retry-After"] == "30"
        assert "Cổng thông tin tạm thời gián đoạn" in page
        assert "Dữ liệu đã lưu không bị mất." in page

        status, _headers, health = fetch(f"{gunicorn.url}/healthz")
        assert status == 503
        assert json.loads(health)["checks"]["database"].startswith("unreachable")
    finally:
        database.start()

    # The same gunicorn processes: each connection is checked before use and made again.
    for attempt in range(4):
        status, _headers, body = api(gunicorn, work, "GET", f"/reports/{work['report']}/")
        assert status == 200, (attempt, body)
    assert body["narrative"] == "Trước khi máy chủ CSDL khởi động lại."
    assert body["version"] == work["version"], "the refused change wrote nothing"
    status, _headers, body = save_narrative(gunicorn, work, "Sau khi CSDL hoạt động trở lại.")
    assert status == 200, body
    assert official.get("/")[0] == 200
