"""SQLite, the embedded default, makes concurrent saves wait their turn instead of failing;
a wait that runs out answers "try again", never a server error."""

import os
import subprocess
import sys

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from milestones import services
from milestones.models import QuarterlyReport

from .api import EN, token_client, url
from .conftest import report_form_data
from .test_api_permissions import complete_report

BUSY = "The portal is busy saving other changes. Nothing of yours was saved: try again."

# Run in a fresh interpreter on a real SQLite file: the suite's in-memory test database
# cannot be shared by two writers. Eight people save eight quarters' reports of one
# agreement at once, twice each, through the entry form.
CONCURRENT_SAVES = """
import dataclasses, threading
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
# As the suite does (conftest.plain_static_files): no collectstatic, so no manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.test import Client
from django.utils import translation
call_command("migrate", verbosity=0)

from provinces.access import Role
from tests.conftest import build_province_map, build_reporting_scenario, report_form_data
from tests.factories import UserFactory
from milestones.models import QuarterlyReport

provinces = build_province_map()
scenario = build_reporting_scenario(provinces.former_lao_cai, "Lào Cai")
quarters = [20214, 20221, 20222, 20223, 20224, 20231, 20232, 20233]
users = [
    UserFactory(username=f"staff{n}", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    for n in range(len(quarters))
]
statuses, start = [], threading.Barrier(len(quarters))

def save(user, quarter):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    path = f"/reports/{scenario.agreement.pk}/{quarter}/edit/"
    start.wait()
    for version in (0, 1):
        # Each save changes something: a save that changes nothing leaves the version as it is.
        data = report_form_data(
            dataclasses.replace(scenario, quarter=quarter),
            version=version,
            narrative=f"Lần lưu {version + 1}.",
        )
        statuses.append(client.post(path, data).status_code)

threads = [threading.Thread(target=save, args=pair) for pair in zip(users, quarters)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
saved = QuarterlyReport.objects.filter(quarter__in=quarters, version=2).count()
print("RESULT", sorted(statuses), saved)
"""


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL makes concurrent writers wait itself"
)
def test_concurrent_form_saves_on_sqlite_all_succeed(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "concurrency-test",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_SAVES],
        cwd=os.path.dirname(os.path.dirname(__file__)),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    assert line == f"RESULT {[302] * 16} 8", (line, result.stderr[-1500:])
    assert "database is locked" not in result.stderr


@pytest.mark.django_db
def test_a_save_that_waited_too_long_answers_try_again(client, staff_laocai, laocai, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "save_draft", locked)
    client.force_login(staff_laocai)
    response = client.post(
        reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter]),
        report_form_data(laocai),
        **EN,
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY in response.content.decode()
    assert not QuarterlyReport.objects.filter(quarter=laocai.quarter).exists()


@pytest.mark.django_db
def test_an_autosave_that_waited_too_long_is_told_so_in_json(
    client, staff_laocai, laocai, monkeypatch
):
    # The form's script shows the message it is given; a page of HTML it cannot show.
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "save_draft", locked)
    client.force_login(staff_laocai)
    response = client.post(
        reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter]),
        report_form_data(laocai),
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        **EN,
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": BUSY, "code": "busy", "errors": {}, "warnings": {}}


@pytest.mark.django_db
def test_an_api_decision_that_waited_too_long_answers_try_again_in_json(
    reviewer, laocai, monkeypatch
):
    submitted = complete_report(laocai, "submitted")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "approve_report", locked)
    response = token_client(reviewer).post(
        url("report-approve", submitted.pk), {"version": submitted.version}, format="json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": BUSY, "code": "busy", "errors": {}, "warnings": {}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("en", BUSY),
        (
            "vi",
            "Hệ thống đang bận lưu các thay đổi khác. Dữ liệu của anh/chị chưa được lưu: "
            "vui lòng thử lại.",
        ),
    ],
)
def test_a_script_saving_a_form_that_waited_too_long_is_told_so_in_json_in_its_language(
    client, staff_laocai, laocai, monkeypatch, language, told
):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "save_draft", locked)
    client.force_login(staff_laocai)
    address = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    sent = report_form_data(laocai)

    script = client.post(
        address, sent, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    browser = client.post(address, sent, HTTP_ACCEPT_LANGUAGE=language)

    assert script.status_code == 503
    assert script["Retry-After"] == "5"
    assert script.json() == {"detail": told, "code": "busy", "errors": {}, "warnings": {}}
    assert browser.status_code == 503
    assert browser["Content-Type"].startswith("text/html")
    assert told in browser.content.decode()
