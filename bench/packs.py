"""Benchmark of the review-conference packs, on the data of `generate_scale_data`.

    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py generate_scale_data --yes
    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python bench/packs.py

Through Django's test client, as a signed-in official: the PDF pack of the
heaviest merged provinces (three former units each) in each phase, and the
national pack, against the same province's dashboard rendered afresh (its cache
cleared), which is the nearest page an official waits for. Printed as ratios
with the pack's own time beside them (the issue's goal: under 5 s a province).

This is a benchmark, not a test: nothing here fails on a number.
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from partnerships.models import Phase  # noqa: E402
from provinces.access import Role  # noqa: E402

MERGED_PROVINCES = ("phu-tho", "ho-chi-minh")
REPEAT = 3


def median_seconds(client, url: str, fresh: bool) -> float:
    samples = []
    for _ in range(REPEAT + 1):
        if fresh:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples[1:])


def main() -> None:
    user, _created = get_user_model().objects.get_or_create(username="bench_official")
    user.groups.add(Group.objects.get_or_create(name=Role.OFFICIAL)[0])
    client = Client()
    client.force_login(user)
    phases = list(Phase.objects.filter(agreements__isnull=False).distinct().order_by("start_year"))
    print(f"{'pack':46} {'pack (s)':>9} {'dashboard (s)':>14} {'ratio':>7}")
    for slug in MERGED_PROVINCES:
        dashboard = median_seconds(
            client, reverse("dashboards:province-dashboard", args=[slug]), fresh=True
        )
        for phase in phases:
            url = reverse("dashboards:province-pack", args=[slug]) + f"?phase={phase.code}"
            pack = median_seconds(client, url, fresh=False)
            print(
                f"{slug + ' ' + phase.code:46} {pack:9.2f} {dashboard:14.3f} {pack / dashboard:6.0f}×"
            )
    national_dashboard = median_seconds(client, reverse("dashboards:home"), fresh=True)
    for phase in phases:
        url = reverse("dashboards:national-pack") + f"?phase={phase.code}"
        pack = median_seconds(client, url, fresh=False)
        print(
            f"{'national ' + phase.code:46} {pack:9.2f} {national_dashboard:14.3f} "
            f"{pack / national_dashboard:6.0f}×"
        )


if __name__ == "__main__":
    # The benchmark serves no collected static files: the templates' links need no manifest.
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        main()
