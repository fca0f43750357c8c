"""On PostgreSQL a save that waits too long for a row another change holds answers "try
again", as SQLite's busy database does: nothing is lost, and the same save succeeds once
the row is free. Jobs outside requests keep waiting their turn."""

import psycopg2
import pytest
from django.db import connection

from milestones.models import KpiValue, QuarterlyReport

from .conftest import report_form_data
from .test_report_workflow import edit_url, the_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="PostgreSQL's lock_timeout; SQLite's own wait"
    ),
]

BUSY_VI = (
    "Hệ thống đang bận lưu các thay đổi khác. Dữ liệu của anh/chị chưa được lưu: vui lòng thử lại."
)


@pytest.fixture
def fresh_connection():
    """The lock limit belongs to a connection, set by its first request: start and end anew."""
    connection.close()
    yield
    connection.close()


@pytest.fixture
def second_connection():
    """Another client of the same database, as another request or a job would be."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    yield other
    other.close()


def hold_row(other, report: QuarterlyReport):
    with other.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {QuarterlyReport._meta.db_table} WHERE id = %s FOR UPDATE",
            [report.pk],
        )


def test_a_save_behind_a_held_row_answers_try_again_and_succeeds_once_it_is_free(
    client, staff_laocai, laocai, settings, fresh_connection, second_connection
):
    settings.DATABASE_LOCK_TIMEOUT = 1
    client.force_login(staff_laocai)
    assert client.post(edit_url(laocai), report_form_data(laocai)).status_code == 302
    report = the_report(laocai)
    hold_row(second_connection, report)

    edited = report_form_data(laocai, version=report.version, **{"kpi-bts_total-value": "1200"})
    response = client.post(edit_url(laocai), edited)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY_VI in response.content.decode()
    report.refresh_from_db()
    assert KpiValue.objects.get(report=report, kpi=laocai.bts_total).value == 1100

    second_connection.rollback()
    assert client.post(edit_url(laocai), edited).status_code == 302
    report.refresh_from_db()
    assert KpiValue.objects.get(report=report, kpi=laocai.bts_total).value == 1200


def test_only_requests_give_up_waiting_for_a_lock(client, official, settings, fresh_connection):
    def lock_timeout() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return cursor.fetchone()[0]

    # A job (the worker's, a command's) opens its connection outside any request.
    assert lock_timeout() == "0"

    client.force_login(official)
    assert client.get("/healthz").status_code in (200, 503)
    assert lock_timeout() == "10s"
