"""Progress: how approved values become the dashboards' tables, and how they stay current.

The dashboards never add up raw values on a request. They read four computed
tables that this module rebuilds: `AgreementProgress` (one agreement, one KPI),
`ProvinceProgress` (one province record, one phase, one KPI), `NationalProgress`
(one phase, one KPI) and `ReportingCompleteness` (one province record, one
quarter).

The rules, in one place:

* Only values of approved reports count (facts from articles are approved
  reports that name their source). A report flagged demo marks every figure it
  feeds as `includes_demo`, and so does a demo target.
* Over time, a stock (stations, subscribers: `time_aggregation=latest`) takes
  its latest approved value; a flow (`sum`) adds up every approved quarter.
* The change over the last four quarters compares the latest value with the
  value known four quarters earlier (the latest reading at or before then).
* The projection continues that trend to the last quarter of the agreement's
  period: latest value + (change per quarter) × quarters left, where the change
  per quarter comes from the reading four quarters back, or from the earliest
  reading when there is no such reading. A share is kept within 0–100 %, a count
  at or above zero. Once the period is over, the projection is the latest value.
* Status, against the agreement's target:
  on track when the projection reaches the target; at risk when it reaches at
  least 90 % of it; off track below that; no data without an approved value or
  without a target. For a KPI where lower is better the comparison is reversed
  (on track at or below the target, at risk up to target ÷ 0.9).
* Across provinces (DOMAIN.md): counts add up; ratios add up as the sum of
  numerators over the sum of denominators, never as a mean of percentages; a
  percentage (`space_aggregation=none`) never adds up at all: a roll-up of
  several units shows how many reached their target and the range of their
  values, and its status is the worst of its units'.
* A provincial unit's figure is that of its most recent agreement in the phase
  (two agreements of one province both describe the same network; adding them
  would count it twice). A current province adds up the former units merged
  into it; once it reports on its own (an agreement signed after the merger),
  its own figures replace theirs. The nation adds up the provinces that exist
  today. Agreements with a central agency belong to no province and count in
  no roll-up, since their figures overlap the provinces'.
* Target, share of target reached and projection of a roll-up count only the
  units that have both a value and a target, so that a unit without a target
  does not inflate what was reached.

Keeping it current: `request_recompute` runs inside the transaction that
approves or reopens a report or changes a target. It writes a
`PendingRecompute` row in that same transaction (so the request cannot be lost
even if the broker is down or the process dies after commit), then, on commit,
queues `progress.tasks.recompute_agreement` by id. A failure to queue is
logged and swallowed: the user's approval stands, and the scheduled run picks
the pending row up. Both recomputes take one lock, and write their rows in one
transaction, so readers see the old figures or the new ones, never a mix.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections import defaultdict
from dataclasses import fields

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Sum, Value, When
from django.utils import timezone

from milestones.models import KpiValue, QuarterlyReport, ReportStatus
from milestones.schedule import deadline_for, reportable_quarters
from partnerships.models import (
    Agreement,
    AgreementStatus,
    Kpi,
    KpiTarget,
)
from provinces.lineage import ProvinceTree
from provinces.models import current_q

from .models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    ProvinceProgress,
    RecomputeRun,
    RecomputeStatus,
    ReportingCompleteness,
)
from .rules import (
    SEVERITY,
    AgreementFigures,
    ApprovedReading,
    Rollup,
    TargetFacts,
    Totals,
    agreement_kpi_figures,
    finish,
    province_rollup,
    q2,
)

logger = logging.getLogger(__name__)

# Both recomputes take this lock; any constant that no other code uses will do.
LOCK_KEY = 2025_07_01
BULK_BATCH = 2000


def _agreement_rows(agreement: dict, kpis: dict, readings_by_kpi: dict, targets_by_kpi: dict, now):
    rows = []
    for kpi_id in sorted(set(readings_by_kpi) | set(targets_by_kpi), key=lambda k: kpis[k].order):
        kpi = kpis[kpi_id]
        readings = sorted(readings_by_kpi.get(kpi_id, ()), key=lambda reading: reading.quarter)
        figures = agreement_kpi_figures(
            kpi, readings, targets_by_kpi.get(kpi_id), agreement["period_end"]
        )
        if figures["latest_quarter"] is None and figures["target_value"] is None:
            continue
        rows.append(
            AgreementProgress(agreement_id=agreement["id"], kpi=kpi, computed_at=now, **figures)
        )
    return rows


# Reporting completeness ---------------------------------------------------------------


def _completeness_by_leaf(agreements: list[dict], reports: dict, today) -> dict:
    """Per province of signing and quarter: expected, approved, submitted, in progress, overdue."""
    counts = defaultdict(lambda: [0, 0, 0, 0, 0])
    for agreement in agreements:
        if agreement["status"] != AgreementStatus.ACTIVE or not agreement["province_id"]:
            continue
        shape = _AgreementDates(agreement)
        for quarter in reportable_quarters(shape, today):
            cell = counts[(agreement["province_id"], quarter.code)]
            cell[0] += 1
            status = reports.get((agreement["id"], quarter.code))
            if status == ReportStatus.APPROVED:
                cell[1] += 1
                continue
            if status == ReportStatus.SUBMITTED:
                cell[2] += 1
                continue
            if status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
                cell[3] += 1
            if deadline_for(quarter) < today:
                cell[4] += 1
    return counts


class _AgreementDates:
    """The dates `services.reportable_quarters` reads, from a row of values."""

    def __init__(self, row: dict):
        self.signed_on = row["signed_on"]
        self.period_start = row["period_start"]
        self.period_end = row["period_end"]


def _completeness_rows(province_ids, lineage: dict, by_leaf: dict, now) -> list:
    by_province = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))
    for (leaf, quarter), cell in by_leaf.items():
        for province_id in lineage.get(leaf, ()):
            if province_id in province_ids:
                total = by_province[province_id][quarter]
                for index, count in enumerate(cell):
                    total[index] += count
    rows = []
    for province_id, quarters in by_province.items():
        for quarter, (expected, approved, submitted, in_progress, overdue) in quarters.items():
            rows.append(
                ReportingCompleteness(
                    province_id=province_id,
                    quarter=quarter,
                    expected=expected,
                    approved=approved,
                    submitted=submitted,
                    in_progress=in_progress,
                    overdue=overdue,
                    computed_at=now,
                )
            )
    return rows


def _rollups_for(
    tree: ProvinceTree,
    province_ids: list[int],
    kpis: dict,
    own_rows: dict,
    stored: dict,
) -> dict:
    """Roll-ups of the given provinces (bottom-up), per (province, kpi).

    `own_rows` maps (province, kpi) to the agreement progress rows signed by that
    province; `stored` holds already-computed roll-ups of provinces not being
    recomputed, used for their successors.
    """
    computed = {}
    wanted = set(province_ids)
    kpi_ids_by_province = defaultdict(set)
    for province_id, kpi_id in own_rows:
        kpi_ids_by_province[province_id].add(kpi_id)
    for province_id, kpi_id in stored:
        kpi_ids_by_province[province_id].add(kpi_id)
    for province_id in tree.bottom_up():
        if province_id not in wanted:
            continue
        children = tree.predecessors[province_id]
        kpi_ids = set(kpi_ids_by_province[province_id])
        for child in children:
            kpi_ids |= kpi_ids_by_province[child]
        for kpi_id in kpi_ids:
            child_rollups = [
                computed.get((child, kpi_id)) or stored.get((child, kpi_id)) for child in children
            ]
            rows = own_rows.get((province_id, kpi_id), [])
            rollup = province_rollup(kpis[kpi_id], rows, child_rollups)
            if rollup is not None:
                computed[(province_id, kpi_id)] = rollup
                kpi_ids_by_province[province_id].add(kpi_id)
    return computed


def _province_models(rollups: dict, phase_id: int, now) -> list[ProvinceProgress]:
    return [
        ProvinceProgress(
            province_id=province_id,
            phase_id=phase_id,
            kpi_id=kpi_id,
            computed_at=now,
            **_stored(rollup),
        )
        for (province_id, kpi_id), rollup in rollups.items()
    ]


def _stored(rollup: Rollup) -> dict:
    values = rollup.as_fields()
    for name in ("value", "numerator", "denominator", "target_value", "attainment"):
        values[name] = q2(values[name])
    return values


def _national_totals(phase_id: int) -> dict[int, Totals]:
    """The provinces that exist today, added up by the database: 30 rows, not 1,000."""
    reporting = Q(units_reporting__gt=0)
    severity = Case(
        *[When(status=status, then=Value(rank)) for status, rank in SEVERITY.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    aggregates = {
        "reporting": Count("pk", filter=reporting),
        "latest_quarter": Max("latest_quarter"),
        "includes_demo": Max(Case(When(includes_demo=True, then=Value(1)), default=Value(0))),
        "worst": Max(severity),
        "value_sum": Sum("value", filter=reporting),
        "numerator": Sum("numerator", filter=reporting),
        "denominator": Sum("denominator", filter=reporting),
        "change_sum": Sum("change_last_year", filter=reporting),
        "single_value": Max("value", filter=reporting),
        "single_target": Max("target_value", filter=reporting),
        "single_attainment": Max("attainment", filter=reporting),
        "single_projected": Max("projected_value", filter=reporting),
        "single_change": Max("change_last_year", filter=reporting),
        "value_min": Min("value_min", filter=reporting),
        "value_max": Max("value_max", filter=reporting),
    }
    for name in (
        "units_reporting",
        "units_with_target",
        "units_reached_target",
        "achieved_on_target",
        "goal_on_target",
        "projected_on_target",
        "denominator_on_target",
    ):
        aggregates[name] = Sum(name)
    # Annotations may not share a name with a field they add up, hence the prefix.
    rows = (
        ProvinceProgress.objects.filter(current_q("province__"), phase_id=phase_id)
        .order_by()
        .values("kpi_id")
        .annotate(**{f"total_{name}": aggregate for name, aggregate in aggregates.items()})
    )
    totals = {}
    for row in rows:
        values = {name: row[f"total_{name}"] for name in aggregates}
        values["includes_demo"] = bool(values["includes_demo"])
        totals[row["kpi_id"]] = Totals(**values)
    return totals


def _write_national(phase_id: int, kpis: dict, now) -> int:
    """Replace a phase's national rows; call after its province rows are written."""
    rows = []
    for kpi_id, totals in _national_totals(phase_id).items():
        figures = _stored(finish(kpis[kpi_id], totals))
        del figures["agreements"]
        rows.append(
            NationalProgress(
                phase_id=phase_id,
                kpi_id=kpi_id,
                provinces_reporting=totals.reporting,
                computed_at=now,
                **figures,
            )
        )
    NationalProgress.objects.filter(phase_id=phase_id).delete()
    NationalProgress.objects.bulk_create(rows)
    return len(rows)


ROLLUP_FIELDS = [f.name for f in fields(Rollup)]


def _stored_rollups(queryset) -> dict:
    # Plain tuples rather than model instances: the national roll-up reads every
    # province's row of the phase on each recompute, so this is its hot path.
    return {
        (row[0], row[1]): Rollup(*row[2:])
        for row in queryset.values_list("province_id", "kpi_id", *ROLLUP_FIELDS)
    }


# Loading -------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "id",
    "phase_id",
    "period_start",
    "period_end",
    "signed_on",
    "status",
    "counterparty__province_id",
)


def _agreement_dicts(queryset) -> list[dict]:
    rows = []
    for row in queryset.values(*AGREEMENT_FIELDS):
        row["province_id"] = row.pop("counterparty__province_id")
        rows.append(row)
    return rows


def _readings(queryset) -> dict:
    """Approved readings grouped by agreement and KPI."""
    grouped = defaultdict(lambda: defaultdict(list))
    values = queryset.filter(report__status=ReportStatus.APPROVED).values_list(
        "report__agreement_id",
        "kpi_id",
        "report__quarter",
        "value",
        "numerator",
        "denominator",
        "report__is_demo",
    )
    for agreement_id, kpi_id, quarter, value, numerator, denominator, is_demo in values.iterator(
        chunk_size=10_000
    ):
        grouped[agreement_id][kpi_id].append(
            ApprovedReading(quarter, value, numerator, denominator, is_demo)
        )
    return grouped


def _targets(queryset) -> dict:
    grouped = defaultdict(dict)
    for row in queryset.values(
        "agreement_id", "kpi_id", "target_value", "baseline_value", "target_on", "is_demo"
    ):
        grouped[row["agreement_id"]][row["kpi_id"]] = TargetFacts(
            row["target_value"], row["baseline_value"], row["target_on"], row["is_demo"]
        )
    return grouped


def _report_statuses(queryset) -> dict:
    return {
        (agreement_id, quarter): status
        for agreement_id, quarter, status in queryset.values_list(
            "agreement_id", "quarter", "status"
        )
    }


def _kpis() -> dict:
    return {kpi.pk: kpi for kpi in Kpi.objects.all()}


# Locking and run records -------------------------------------------------------------------


def _take_lock():
    """Serialise recomputes; call inside the transaction that writes the tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    else:
        # SQLite allows one writer at a time. Writing first takes the write lock at
        # once, so a second recompute waits for the first (up to the busy timeout)
        # instead of both holding read locks and failing when they try to write.
        PendingRecompute.objects.filter(pk=-1).update(reason="")


def _start_run(agreement_id: int | None, attempt: int) -> RecomputeRun:
    return RecomputeRun.objects.create(
        agreement_id=agreement_id, started_at=timezone.now(), attempt=attempt
    )


def _finish_run(run: RecomputeRun, rows: int) -> RecomputeRun:
    run.status = RecomputeStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.rows_written = rows
    run.save(update_fields=["status", "finished_at", "rows_written"])
    return run


def _fail_run(run: RecomputeRun, exc: BaseException):
    run.status = RecomputeStatus.FAILED
    run.finished_at = timezone.now()
    run.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
    if run.pk:
        run.save(update_fields=["status", "finished_at", "error"])
    else:
        run.save()


def keep_pending(agreement_id: int, reason: str):
    """After the last retry failed: leave the agreement for the next scheduled run."""
    if Agreement.objects.filter(pk=agreement_id).exists():
        PendingRecompute.objects.get_or_create(
            agreement_id=agreement_id,
            defaults={"requested_at": timezone.now(), "reason": reason[:200]},
        )


# One agreement ---------------------------------------------------------------------------


def recompute_agreement(agreement_id: int, attempt: int = 1) -> RecomputeRun | None:
    """Recompute one agreement and every roll-up it feeds; None if it no longer exists."""
    if not Agreement.objects.filter(pk=agreement_id).exists():
        PendingRecompute.objects.filter(agreement_id=agreement_id).delete()
        return None
    started = timezone.now()
    try:
        with transaction.atomic():
            _take_lock()
            seen = PendingRecompute.objects.filter(agreement_id=agreement_id).aggregate(
                latest=Max("requested_at")
            )["latest"]
            rows = _recompute_agreement_locked(agreement_id, timezone.now(), _kpis())
            if seen is not None:
                # A request made while this ran stays pending for the next run.
                PendingRecompute.objects.filter(
                    agreement_id=agreement_id, requested_at__lte=seen
                ).delete()
            # The record commits with the rows it describes: one commit, not three.
            return RecomputeRun.objects.create(
                agreement_id=agreement_id,
                status=RecomputeStatus.SUCCEEDED,
                started_at=started,
                finished_at=timezone.now(),
                rows_written=rows,
                attempt=attempt,
            )
    except Exception as exc:
        # Written after the rollback, so the failure stays visible.
        _fail_run(RecomputeRun(agreement_id=agreement_id, started_at=started, attempt=attempt), exc)
        raise


def _recompute_agreement_locked(agreement_id: int, now, kpis: dict) -> int:
    agreements = _agreement_dicts(Agreement.objects.filter(pk=agreement_id))
    if not agreements:
        return 0
    agreement = agreements[0]
    readings = _readings(KpiValue.objects.filter(report__agreement_id=agreement_id))
    targets = _targets(KpiTarget.objects.filter(agreement_id=agreement_id))
    rows = _agreement_rows(
        agreement, kpis, readings.get(agreement_id, {}), targets.get(agreement_id, {}), now
    )
    AgreementProgress.objects.filter(agreement_id=agreement_id).delete()
    AgreementProgress.objects.bulk_create(rows)
    written = len(rows)
    if agreement["province_id"]:
        written += _recompute_rollups_locked(
            agreement["province_id"], agreement["phase_id"], now, kpis
        )
    return written


def _recompute_rollups_locked(province_id: int, phase_id: int, now, kpis: dict) -> int:
    """The roll-ups one province's change reaches: it, what it merged into, and the nation."""
    tree = ProvinceTree()
    chain = tree.chain(province_id)
    own_rows = defaultdict(list)
    for province_id, kpi_id, *figures in AgreementProgress.objects.filter(
        agreement__phase_id=phase_id, agreement__counterparty__province_id__in=chain
    ).values_list("agreement__counterparty__province_id", "kpi_id", *AgreementFigures._fields):
        own_rows[(province_id, kpi_id)].append(AgreementFigures(*figures))
    neighbours = {child for pk in chain for child in tree.predecessors[pk]} - set(chain)
    stored = _stored_rollups(
        ProvinceProgress.objects.filter(phase_id=phase_id, province_id__in=neighbours)
    )
    rollups = _rollups_for(tree, chain, kpis, own_rows, stored)
    ProvinceProgress.objects.filter(phase_id=phase_id, province_id__in=chain).delete()
    province_rows = _province_models(rollups, phase_id, now)
    ProvinceProgress.objects.bulk_create(province_rows)
    national = _write_national(phase_id, now=now, kpis=kpis)
    completeness = _recompute_completeness_locked(tree, chain, now)
    return len(province_rows) + national + completeness


def _recompute_completeness_locked(tree: ProvinceTree, chain: list[int], now) -> int:
    lineage = tree.with_predecessors([chain[-1]])
    agreements = _agreement_dicts(Agreement.objects.filter(counterparty__province_id__in=lineage))
    reports = _report_statuses(
        QuarterlyReport.objects.filter(agreement__counterparty__province_id__in=lineage)
    )
    by_leaf = _completeness_by_leaf(agreements, reports, timezone.localdate())
    fresh = {
        (row.province_id, row.quarter): row
        for row in _completeness_rows(set(chain), tree.ancestors_map(), by_leaf, now)
    }
    # An approval changes one quarter: rewrite that row, not the province's whole history.
    changed, stale = [], []
    for row in ReportingCompleteness.objects.filter(province_id__in=chain):
        new = fresh.pop((row.province_id, row.quarter), None)
        if new is None:
            stale.append(row.pk)
        elif any(getattr(row, name) != getattr(new, name) for name in COMPLETENESS_COUNTS):
            for name in (*COMPLETENESS_COUNTS, "computed_at"):
                setattr(row, name, getattr(new, name))
            changed.append(row)
    ReportingCompleteness.objects.filter(pk__in=stale).delete()
    ReportingCompleteness.objects.bulk_update(changed, [*COMPLETENESS_COUNTS, "computed_at"])
    ReportingCompleteness.objects.bulk_create(fresh.values())
    return len(stale) + len(changed) + len(fresh)


COMPLETENESS_COUNTS = ("expected", "approved", "submitted", "in_progress", "overdue")


# Everything ------------------------------------------------------------------------------


def recompute_all(attempt: int = 1, progress=None) -> RecomputeRun:
    """Rebuild every progress table from the raw values.

    The reading and computing happen outside any transaction, so a long rebuild
    never holds the database's write lock; the writing happens in one short
    transaction under the lock. An agreement recomputed on its own while this
    one was computing, or still waiting for one, is recomputed again inside
    that transaction, so the rebuild cannot overwrite newer figures with older.
    `progress(step, total)` is called as agreements are computed.
    """
    run = _start_run(None, attempt)
    try:
        started = run.started_at
        now = timezone.now()
        kpis = _kpis()
        computed = _compute_everything(kpis, now, progress)
        with transaction.atomic():
            _take_lock()
            for model in (AgreementProgress, ProvinceProgress, NationalProgress):
                model.objects.all().delete()
            ReportingCompleteness.objects.all().delete()
            rows = 0
            for model, objects in computed.items():
                model.objects.bulk_create(objects, batch_size=BULK_BATCH)
                rows += len(objects)
            for phase_id in {row.phase_id for row in computed[ProvinceProgress]}:
                rows += _write_national(phase_id, kpis, now)
            catch_up = set(
                PendingRecompute.objects.filter(requested_at__gte=started).values_list(
                    "agreement_id", flat=True
                )
            ) | set(
                RecomputeRun.objects.filter(
                    agreement__isnull=False,
                    status=RecomputeStatus.SUCCEEDED,
                    finished_at__gte=started,
                ).values_list("agreement_id", flat=True)
            )
            for agreement_id in sorted(catch_up):
                rows += _recompute_agreement_locked(agreement_id, timezone.now(), kpis)
            PendingRecompute.objects.filter(requested_at__lt=started).delete()
            PendingRecompute.objects.filter(agreement_id__in=catch_up).delete()
    except Exception as exc:
        _fail_run(run, exc)
        raise
    refresh_statistics(AgreementProgress, ProvinceProgress, NationalProgress, ReportingCompleteness)
    prune_runs()
    return _finish_run(run, rows)


def prune_runs() -> int:
    """Forget successful runs past their keeping time; failures stay until someone reads them."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.RECOMPUTE_RUNS_KEEP_DAYS)
    deleted, _by_model = RecomputeRun.objects.filter(
        status=RecomputeStatus.SUCCEEDED, finished_at__lt=cutoff
    ).delete()
    return deleted


def refresh_statistics(*models):
    """Let PostgreSQL's planner see tables whose rows were all just replaced.

    Without fresh statistics it plans the dashboards' queries for the tables as
    they were (or as empty, after a bulk load) and picks plans many times slower.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _compute_everything(kpis: dict, now, progress=None) -> dict:
    agreements = _agreement_dicts(Agreement.objects.all())
    readings = _readings(KpiValue.objects.all())
    targets = _targets(KpiTarget.objects.all())
    agreement_rows = []
    for index, agreement in enumerate(agreements, start=1):
        agreement_rows.extend(
            _agreement_rows(
                agreement,
                kpis,
                readings.get(agreement["id"], {}),
                targets.get(agreement["id"], {}),
                now,
            )
        )
        if progress:
            progress(index, len(agreements))
    del readings

    tree = ProvinceTree()
    by_id = {agreement["id"]: agreement for agreement in agreements}
    own_rows_by_phase = defaultdict(lambda: defaultdict(list))
    for row in agreement_rows:
        agreement = by_id[row.agreement_id]
        if agreement["province_id"]:
            own_rows_by_phase[agreement["phase_id"]][(agreement["province_id"], row.kpi_id)].append(
                row
            )
    province_rows = []
    for phase_id, own_rows in own_rows_by_phase.items():
        rollups = _rollups_for(tree, list(tree.successor), kpis, own_rows, {})
        province_rows.extend(_province_models(rollups, phase_id, now))

    reports = _report_statuses(QuarterlyReport.objects.all())
    by_leaf = _completeness_by_leaf(agreements, reports, timezone.localdate())
    completeness = _completeness_rows(set(tree.successor), tree.ancestors_map(), by_leaf, now)
    return {
        AgreementProgress: agreement_rows,
        ProvinceProgress: province_rows,
        ReportingCompleteness: completeness,
    }


def recompute_pending() -> int:
    """Recompute the agreements left waiting (broker down, or retries exhausted)."""
    done = 0
    for agreement_id in PendingRecompute.objects.order_by("requested_at").values_list(
        "agreement_id", flat=True
    ):
        recompute_agreement(agreement_id)
        done += 1
    return done
