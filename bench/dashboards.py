"""Benchmark of the dashboards and the recompute, on the data of `generate_scale_data`.

    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python manage.py generate_scale_data --yes
    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python bench/dashboards.py

Everything runs in this one process, through Django's test client (the full
middleware stack, a signed-in official), and is printed as ratios, since
absolute times depend on the machine:

1. every dashboard page an official opens (national in each phase and era, two
   merged provinces, agreements of a former unit and of a current province, the
   comparison) against a trivial view served the same way, both as readers get
   it (goal ≤ 3×) and rendered afresh; and the first read of each right after
   the figures change, after one agreement's recompute and after the scheduled
   full rebuild (goal ≤ 10×);
2. the national figures computed live from the raw values, as a plain Django
   app would on each request, against the precomputed dashboard;
3. one agreement's recompute against a full recompute (goal ≤ 0.5 %), beside
   the least any recompute of it must do: its own figures, from its own
   approved values, and nothing it feeds;
4. the SQL query count of each page at two sizes of data: the full data, and a
   tenth of it (the other agreements deleted inside a transaction that is
   rolled back, so the data is left as it was).

On PostgreSQL, the same under scripts/with-postgres (see the README).

This is a benchmark, not a test: nothing here fails on a number.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from collections import defaultdict
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django

django.setup()
# The benchmark serves no static files; WhiteNoise's notice about them is noise here.
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import bulk  # noqa: E402
from core.quarters import last_completed  # noqa: E402
from dashboards import drawing  # noqa: E402
from dashboards import services as dashboards  # noqa: E402
from demo.management.commands.generate_scale_data import SCALE_MARK  # noqa: E402
from milestones.models import KpiValue, QuarterlyReport  # noqa: E402
from partnerships.models import (  # noqa: E402
    Agreement,
    Kpi,
    KpiKind,
    KpiTarget,
    Phase,
)
from progress import rules  # noqa: E402
from progress import services as progress  # noqa: E402
from progress.models import (  # noqa: E402
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    ProvinceProgress,
)
from provinces.access import Role  # noqa: E402
from provinces.lineage import with_predecessors  # noqa: E402
from provinces.models import Province  # noqa: E402

# Merged provinces of three former units each: the heaviest province pages.
MERGED_PROVINCES = ("phu-tho", "ho-chi-minh")


@login_required
def trivial(request):
    return HttpResponse("ok")


@login_required
def live_national(request):
    """The national headline figures computed from the raw values on every request."""
    kpis = {kpi.pk: kpi for kpi in Kpi.objects.all()}
    computed = progress._compute_everything(kpis, timezone.now())
    phase = dashboards.latest_phase()
    by_province = {}
    for row in computed[ProvinceProgress]:
        if row["phase_id"] == phase.pk:
            by_province.setdefault(row["kpi_id"], []).append(row)
    top = set(Province.objects.current().values_list("pk", flat=True))
    rows = []
    for kpi_id, province_rows in by_province.items():
        kpi = kpis[kpi_id]
        if not kpi.is_headline:
            continue
        parts = [rules.Rollup.from_row(r) for r in province_rows if r["province_id"] in top]
        rows.append(dashboards.figures_row(kpi, rules.combine(kpi, parts)))
    table = dashboards.Table("headline", "live", [dashboards.Column("kpi", "KPI")], rows)
    return HttpResponse(drawing.table(table))


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/live/", live_national),
    path("", include("config.urls")),
]


def _timed(call, *args) -> float:
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def own_figures(agreement_id: int):
    """One agreement's own figures rewritten from its own approved values, and nothing else:
    the part of its recompute no design can leave out (its unit, province and nation not
    counted), timed as the recompute runs it, in a transaction under the lock."""
    with transaction.atomic():
        progress._take_lock()
        agreement = progress._agreement_dicts(Agreement.objects.filter(pk=agreement_id))[0]
        readings = progress.approved_readings(
            KpiValue.objects.filter(report__agreement_id=agreement_id)
        )
        targets = progress._targets(KpiTarget.objects.filter(agreement_id=agreement_id))
        rows = progress._agreement_rows(
            agreement,
            progress._kpis(),
            readings.get(agreement_id, {}),
            targets.get(agreement_id, {}),
            timezone.now(),
            last_completed(),
        )
        AgreementProgress.objects.filter(agreement_id=agreement_id).delete()
        bulk.insert(AgreementProgress, rows)


def median_seconds(call, repeat: int) -> float:
    call()  # warm caches: templates, translations, the database's pages
    return statistics.median(_timed(call) for _ in range(repeat))


def paired_medians(call, baseline, repeat: int) -> tuple[float, float]:
    """Medians of `call` and of `baseline`, timed in turn, one after the other.

    This machine's speed drifts by a third within minutes; a ratio of two medians
    taken minutes apart measured that drift as much as the page.
    """
    call()
    baseline()
    samples, baselines = [], []
    for _ in range(repeat):
        baselines.append(_timed(baseline))
        samples.append(_timed(call))
    return statistics.median(samples), statistics.median(baselines)


def get(client, url, cold=False):
    def call():
        if cold:
            cache.clear()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def query_counts(client, urls: dict) -> dict:
    """Queries of each page rendered afresh, as after a recompute (no cached page)."""
    counts = {}
    for name, url in urls.items():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(queries)
    return counts


def dashboard_urls() -> dict:
    """Every page an official opens, with merged provinces and a busy agreement of each kind."""
    scale = Agreement.objects.filter(title__startswith=SCALE_MARK)
    busiest = (
        scale.filter(counterparty__province__valid_until__isnull=False)
        .annotate(report_count=Count("reports"))
        .order_by("-report_count", "pk")
        .first()
    )
    current = (
        scale.filter(counterparty__province__valid_until__isnull=True)
        .annotate(report_count=Count("reports"))
        .order_by("-report_count", "pk")
        .first()
    )
    phases = list(Phase.objects.order_by("start_year"))
    urls = {
        "national": "/",
        "national, former provinces": "/?units=former",
        "national, a ratio KPI on the map": f"/?kpi={_ratio_kpi().code}",
    }
    for phase in phases:
        urls[f"national, {phase.name}"] = f"/?phase={phase.code}"
    for slug in MERGED_PROVINCES:
        urls[f"province {slug} (merged)"] = reverse("dashboards:province-dashboard", args=[slug])
    for name, agreement in (("former unit", busiest), ("current province", current)):
        if agreement is not None:
            urls[f"agreement of a {name}"] = reverse(
                "dashboards:agreement-dashboard", args=[agreement.pk]
            )
    urls["comparison"] = "/compare/"
    if len(phases) >= 2:
        urls["comparison, first and last phase"] = (
            f"/compare/?phase_a={phases[0].code}&phase_b={phases[-1].code}"
        )
    return urls


def _ratio_kpi() -> Kpi:
    return Kpi.objects.filter(kind=KpiKind.RATIO).order_by("order", "code").first() or (
        Kpi.objects.order_by("order", "code").first()
    )


def first_reads_after_a_change(client, sample: list[int], repeat: int):
    """What the first reader of each page gets after an agreement's recompute.

    With DASHBOARD_WARMING (on wherever a worker runs the jobs) the recompute's
    warming job renders the national page, the comparison and, when someone read
    them lately, the agreement's and its provinces' pages before anyone asks; here
    each page is read once before the change, as officials would have, and the job
    runs in-process, right after the recompute, and is timed apart. Returns the
    median time of each page's first request, and of the warming.
    """
    times, warming = defaultdict(list), []
    with override_settings(DASHBOARD_WARMING=True):
        for agreement_id in (sample * repeat)[:repeat]:
            agreement = Agreement.objects.select_related("counterparty__province").get(
                pk=agreement_id
            )
            unit = agreement.counterparty.province
            pages = {
                "national": "/",
                "comparison": "/compare/",
                "the agreement": reverse("dashboards:agreement-dashboard", args=[agreement.pk]),
                "its unit": reverse("dashboards:province-dashboard", args=[unit.slug]),
            }
            if unit.successor_id:
                pages["its province"] = reverse(
                    "dashboards:province-dashboard", args=[unit.successor.slug]
                )
            # A merged province the change does not touch: no warming renders it, its
            # own version keeps it cached.
            elsewhere = next(
                slug
                for slug in MERGED_PROVINCES
                if slug not in (unit.slug, getattr(unit.successor, "slug", None))
            )
            pages["a province elsewhere"] = reverse(
                "dashboards:province-dashboard", args=[elsewhere]
            )
            # A phase the change does not reach: its pages keep their figures' version.
            other = (
                Phase.objects.exclude(pk=agreement.phase_id)
                .exclude(start_year__lte=agreement.period_end, end_year__gte=agreement.period_start)
                .first()
            )
            if other is not None:
                pages["national, a phase elsewhere"] = f"/?phase={other.code}"
            warming.append(
                _first_reads(
                    client,
                    pages,
                    partial(_timed, progress.recompute_agreement, agreement_id),
                    times,
                )
            )
    return {name: statistics.median(values) for name, values in times.items()}, statistics.median(
        warming
    )


def _first_reads(client, pages: dict, change, times: dict) -> float:
    """Read each page, make `change`, then time each page's first read into `times`, with the
    trivial view at the same moment, for the ratios (see `paired_medians`). Returns what
    `change` returns: the time of what it times."""
    for url in pages.values():
        get(client, url)()
    took = change()
    for name, url in pages.items():
        start = time.perf_counter()
        get(client, url)()
        times[name].append(time.perf_counter() - start)
    start = time.perf_counter()
    get(client, "/bench/trivial/")()
    times["trivial"].append(time.perf_counter() - start)
    return took


def first_reads_after_a_rebuild(client, urls: dict, rounds: int):
    """What the first reader of each page gets after the scheduled full rebuild.

    The rebuild rewrites every row, so every page's version moves; with
    DASHBOARD_WARMING the job renders each page read lately. Each page is read
    once before each rebuild, as officials would have, and the job runs
    in-process right after it. Returns the median time of each page's first
    request (and of the trivial view beside them), and of the warming alone.
    """
    times, warming = defaultdict(list), []

    def rebuild() -> float:
        with override_settings(DASHBOARD_WARMING=False):
            progress.recompute_all()
        return _timed(dashboards.warm, None)

    with override_settings(DASHBOARD_WARMING=True):
        for _round in range(rounds):
            warming.append(_first_reads(client, urls, rebuild, times))
    return {name: statistics.median(values) for name, values in times.items()}, statistics.median(
        warming
    )


def print_first_reads(title: str, times: dict, note: str) -> None:
    print()
    print(title)
    beside = times["trivial"]
    for name, seconds in times.items():
        if name != "trivial":
            print(f"  {name:<40} {seconds / beside:8.1f}× {seconds * 1000:9.1f} ms")
    print(f"  ({note})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="requests per measurement")
    parser.add_argument(
        "--full-runs", type=int, default=3, help="rounds of a full and the sampled recomputes"
    )
    arguments = parser.parse_args()

    scale = Agreement.objects.filter(title__startswith=SCALE_MARK)
    if not scale.exists():
        sys.exit("No scale data: run `python manage.py generate_scale_data --yes` first.")
    values = KpiValue.objects.count()
    print(
        f"Data: {Province.objects.count()} province records, {Agreement.objects.count()} "
        f"agreements, {Kpi.objects.count()} KPIs, {values:,} values "
        f"({connection.vendor})"
    )
    if not NationalProgress.objects.exists():
        progress.recompute_all()

    user, _ = get_user_model().objects.get_or_create(username="bench_official")
    user.groups.add(Group.objects.get_or_create(name=Role.OFFICIAL)[0])
    client = Client()
    client.force_login(user)

    # 3. Recomputes first: the requests below then read freshly written tables. Each round
    # times a full recompute and then the sampled agreements', and its ratio is taken within
    # the round: the machine's speed drifts between rounds more than the ratio does.
    sample = list(scale.order_by("pk").values_list("pk", flat=True))[:: max(1, scale.count() // 20)]
    progress.recompute_all()
    fulls, singles, ratios, floors = [], [], [], []
    for _round in range(max(1, arguments.full_runs)):
        full = _timed(progress.recompute_all)
        single = statistics.median(
            _timed(progress.recompute_agreement, agreement_id) for agreement_id in sample
        )
        own = statistics.median(_timed(own_figures, agreement_id) for agreement_id in sample)
        fulls.append(full)
        singles.append(single)
        ratios.append(single / full)
        floors.append(own / full)
    full, single, ratio, floor = (statistics.median(x) for x in (fulls, singles, ratios, floors))

    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        DEBUG=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        urls = dashboard_urls()
        trivial = get(client, "/bench/trivial/")
        trivial_time = median_seconds(trivial, arguments.repeat * 3)
        # Each page's ratios against the trivial view timed beside it (`paired_medians`).
        warm, cold, warm_ratio, cold_ratio = {}, {}, {}, {}
        for name, url in urls.items():
            warm[name], beside = paired_medians(get(client, url), trivial, arguments.repeat)
            warm_ratio[name] = warm[name] / beside
            cold[name], beside = paired_medians(
                get(client, url, cold=True), trivial, arguments.repeat
            )
            cold_ratio[name] = cold[name] / beside
        cold_national = cold["national"]
        live_time = median_seconds(get(client, "/bench/live/"), max(3, arguments.repeat // 5))

        warmed, warming = first_reads_after_a_change(client, sample, arguments.repeat)
        rebuilt, rebuild_warming = first_reads_after_a_rebuild(
            client, urls, max(1, arguments.full_runs)
        )

        large = query_counts(client, urls)
        with transaction.atomic():
            # A tenth of the agreements, keeping one of each measured province's units
            # and the measured agreements, so that every page still has each of its parts.
            keep = set(sample[: max(1, len(sample) // 2)])
            for url in urls.values():
                if "/dashboards/agreements/" in url:
                    keep.add(int(url.rstrip("/").rsplit("/", 1)[1]))
            for slug in MERGED_PROVINCES:
                lineage = with_predecessors([Province.objects.get(slug=slug).pk])
                for province_id in lineage:
                    first = scale.filter(counterparty__province_id=province_id).order_by("pk")
                    keep.update(first.values_list("pk", flat=True)[:1])
            # And one of each phase, whose national page lists its agreements slipping.
            for phase in Phase.objects.all():
                keep.update(
                    scale.filter(phase=phase).order_by("pk").values_list("pk", flat=True)[:1]
                )
            dropped = scale.exclude(pk__in=keep).exclude(pk__in=scale.order_by("pk")[:30])
            # Raw deletes: no history rows for 400,000 values about to be rolled back anyway.
            for queryset in (
                KpiValue.objects.filter(report__agreement__in=dropped),
                QuarterlyReport.objects.filter(agreement__in=dropped),
                KpiTarget.objects.filter(agreement__in=dropped),
                AgreementProgress.objects.filter(agreement__in=dropped),
                PendingRecompute.objects.all(),
            ):
                queryset._raw_delete(queryset.db)
            dropped.delete()
            progress.recompute_all()
            small_values = KpiValue.objects.count()
            small = query_counts(client, urls)
            transaction.set_rollback(True)
        progress.recompute_all()

    print()
    print("Each dashboard against a trivial view served the same way, each timed in turn")
    print(f"with the trivial view, medians of {arguments.repeat} requests (the trivial view")
    print(f"alone: {trivial_time * 1000:.1f} ms). 'as read' is the page as readers get it")
    print("(goal ≤ 3 ×); 'afresh' the page rendered from the stored figures with nothing kept,")
    print("as its first reader gets it when the worker did not render it ahead: a page nobody")
    print("read lately, another choice of filters, a page in English. The first read after the")
    print("figures change is measured below (goal ≤ 10 ×).")
    print(f"  {'page':<40} {'as read':>9} {'read ms':>9} {'afresh':>9} {'afresh ms':>9}")
    for name in urls:
        print(
            f"  {name:<40} {warm_ratio[name]:8.1f}× {warm[name] * 1000:9.1f}"
            f" {cold_ratio[name]:8.1f}× {cold[name] * 1000:9.0f}"
        )
    print_first_reads(
        "First read of each page right after an agreement's recompute: rendered ahead by\n"
        "the warming job, or still cached when the change is elsewhere (goal ≤ 10 ×):",
        warmed,
        f"the recompute with its warming, in the worker: {warming * 1000:.0f} ms",
    )
    print_first_reads(
        "First read of each page right after the scheduled full rebuild, each read before\n"
        "it: rendered ahead by the warming job (goal ≤ 10 ×):",
        rebuilt,
        f"the warming after the rebuild, in the worker: {rebuild_warming * 1000:.0f} ms",
    )
    print()
    print(
        f"National figures computed live from the raw values on each request: "
        f"{live_time / cold_national:.1f} × the national page's first render."
    )
    print()
    print("Recompute, median")
    print(f"  full recompute                    {full * 1000:8.0f} ms")
    print(f"  one agreement                     {single * 1000:8.1f} ms")
    print(
        f"  one agreement / full              {100 * ratio:8.2f} %   (goal ≤ 0.5 %; "
        f"rounds {', '.join(f'{100 * r:.2f}' for r in ratios)})"
    )
    print(
        f"  its own figures alone / full      {100 * floor:8.2f} %   (what any recompute of "
        "it must do, before its unit, province and nation)"
    )
    print()
    print(f"SQL queries per dashboard at {values:,} and at {small_values:,} values (goal: equal)")
    for name in urls:
        mark = "" if large[name] == small[name] else "   differs"
        print(f"  {name:<40}  {large[name]:4d}  {small[name]:4d}{mark}")


if __name__ == "__main__":
    main()
