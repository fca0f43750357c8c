"""Benchmark of the daily notices and the outbox, on the data of `generate_scale_data`.

    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py generate_scale_data --yes
    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python bench/notifications.py

Inside a transaction that is rolled back (the data is left as it was), it assigns
staff and reviewers to the current provinces, then, on the morning after a
quarter's deadline:

1. writes the day's reminders and digests for every one of them, and for a tenth
   of them: the time and the SQL queries per person at both sizes, and their ratio
   (goal: about 1, the job grows with the people, not faster);
2. sends the notices through Django's in-memory mail backend: time and queries
   per notice (a claim, a read and a mark each).

Absolute times depend on the machine; the ratios are what to compare.
This is a benchmark, not a test: nothing here fails on a number.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from demo.management.commands.generate_scale_data import SCALE_MARK  # noqa: E402
from notifications import daily, outbox  # noqa: E402
from notifications.models import DailyRun, Notification  # noqa: E402
from partnerships.models import Agreement  # noqa: E402
from provinces.access import Role  # noqa: E402
from provinces.models import Province, ProvinceAssignment  # noqa: E402

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def people(per_province: int, reviewers: int) -> list:
    """Staff for every current province and a few reviewers with a province each."""
    staff_group, _ = Group.objects.get_or_create(name=Role.STAFF)
    reviewer_group, _ = Group.objects.get_or_create(name=Role.REVIEWER)
    created = []
    provinces = list(Province.objects.current().order_by("pk"))
    for province in provinces:
        for number in range(per_province):
            user = get_user_model().objects.create(
                username=f"bench-staff-{province.pk}-{number}", email=f"s{province.pk}@bench.vn"
            )
            user.groups.add(staff_group)
            ProvinceAssignment.objects.create(user=user, province=province)
            created.append(user)
    for number in range(reviewers):
        user = get_user_model().objects.create(
            username=f"bench-reviewer-{number}", email=f"r{number}@bench.vn"
        )
        user.groups.add(reviewer_group)
        ProvinceAssignment.objects.create(user=user, province=provinces[number % len(provinces)])
        created.append(user)
    return created


def measure_daily(morning) -> tuple[float, int, int]:
    DailyRun.objects.all().delete()
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        written = daily.write_daily_notices(morning)
        seconds = time.perf_counter() - start
    return seconds, len(queries), len(written)


def measure_sending() -> tuple[float, int, int]:
    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        sent = outbox.send_due(limit=100000)
        seconds = time.perf_counter() - start
    return seconds, len(queries), sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-province", type=int, default=3, help="staff per current province")
    parser.add_argument("--reviewers", type=int, default=20)
    arguments = parser.parse_args()
    if not Agreement.objects.filter(title__startswith=SCALE_MARK).exists():
        sys.exit("No scale data: run `python manage.py generate_scale_data --yes` first.")

    deadline_quarter_end = datetime.date(2025, 9, 30)
    morning = datetime.datetime(2025, 10, 21, 8, tzinfo=VIETNAM)
    print(f"Database: {connection.vendor}; the morning of {morning:%d/%m/%Y %H:%M} in Hà Nội,")
    print(f"the day after the deadline of the quarter ending {deadline_quarter_end:%d/%m/%Y}.")
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        everyone = people(arguments.per_province, arguments.reviewers)
        measure_daily(morning)  # warm templates, translations and the database's pages
        full = measure_daily(morning)
        sending = measure_sending()
        # A tenth of the people: the others lose their roles inside the transaction.
        keep = {user.pk for user in everyone[::10]}
        for user in everyone:
            if user.pk not in keep:
                user.groups.clear()
        tenth = measure_daily(morning)
        transaction.set_rollback(True)

    print()
    print(
        f"{'':28}{'people':>8}{'notices':>9}{'seconds':>9}{'ms/person':>11}{'queries/person':>16}"
    )
    for label, count, (seconds, queries, written) in (
        ("all staff and reviewers", len(everyone), full),
        ("a tenth of them", len(keep), tenth),
    ):
        print(
            f"{label:28}{count:>8}{written:>9}{seconds:>9.2f}{1000 * seconds / count:>11.1f}"
            f"{queries / count:>16.1f}"
        )
    per_person_ratio = (full[0] / len(everyone)) / (tenth[0] / len(keep))
    print(f"time per person, all against a tenth: {per_person_ratio:.2f} (goal: about 1)")
    seconds, queries, sent = sending
    if sent:
        print(
            f"outbox: {sent} notices in {seconds:.2f} s, {1000 * seconds / sent:.1f} ms and "
            f"{queries / sent:.1f} queries a notice (in-memory mail backend)"
        )


if __name__ == "__main__":
    main()
