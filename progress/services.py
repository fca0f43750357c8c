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
  reading when there is no such reading. A share is kept within 0–100%, a count
  at or above zero. Once the period is over, the projection is the latest value.
* Status, against the agreement's target:
  on track when the projection reaches the target; at risk when it reaches at
  least 90% of it; off track below that; no data without an approved value or
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

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Sum, Value, When
from django.utils import timezone

from core import bulk, compiled
from core.quarters import Quarter, last_completed, year_quarters
from milestones.models import KpiValue, QuarterlyReport, ReportStatus
from milestones.schedule import deadline_for, reportable_quarters
from partnerships.models import Agreement, Kpi, KpiTarget, Phase
from provinces.lineage import ProvinceTree
from provinces.models import Province, current_q

from .models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    PhaseFigures,
    ProvinceProgress,
    RecomputeRun,
    RecomputeStatus,
    ReportingCompleteness,
)
from .rules import (
    ON_TARGET_SUMS,
    ROLLUP_FIELDS,
    SEVERITY,
    UNIT_COUNTS,
    AgreementTerms,
    ApprovedReading,
    Rollup,
    TargetFacts,
    Totals,
    agreement_kpi_figures,
    finish,
    province_at,
    q2,
    target_in_years,
    unit_at,
)
from .signals import figures_recomputed

logger = logging.getLogger(__name__)

# Both recomputes take this lock; any constant that no other code uses will do.
LOCK_KEY = 2025_07_01


def _terms(agreement: dict) -> AgreementTerms:
    return AgreementTerms(
        agreement["id"], agreement["signed_on"], agreement["period_start"], agreement["period_end"]
    )


def _agreement_rows(
    agreement: dict, kpis: dict, readings_by_kpi: dict, targets_by_kpi: dict, now, today
):
    rows = []
    terms = _terms(agreement)
    for kpi_id in sorted(set(readings_by_kpi) | set(targets_by_kpi), key=lambda k: kpis[k].order):
        kpi = kpis[kpi_id]
        readings = sorted(readings_by_kpi.get(kpi_id, ()), key=lambda reading: reading.quarter)
        figures = agreement_kpi_figures(kpi, readings, targets_by_kpi.get(kpi_id), terms, today)
        if figures["latest_quarter"] is None and figures["target_value"] is None:
            continue
        del figures["reporting"], figures["ended"]
        rows.append(
            {"agreement_id": agreement["id"], "kpi_id": kpi_id, "computed_at": now, **figures}
        )
    return rows


# Reporting completeness ---------------------------------------------------------------


def _completeness_by_leaf(agreements: list[dict], reports: dict, today) -> dict:
    """Per province of signing and quarter: expected, approved, submitted, in progress, overdue."""
    return _count_reports(_owed(agreements, today), reports, today)


def _owed(agreements: list[dict], today) -> list[tuple[dict, Quarter]]:
    """Each quarter each provincial agreement owes a report for."""
    return [
        (agreement, quarter)
        for agreement in agreements
        if agreement["province_id"]
        for quarter in reportable_quarters(_AgreementDates(agreement), today)
    ]


def _count_reports(owed: list[tuple[dict, Quarter]], reports: dict, today) -> dict:
    """`_completeness_by_leaf`'s counts, of the owed quarters given only."""
    counts = defaultdict(lambda: [0, 0, 0, 0, 0])
    for agreement, quarter in owed:
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
        self.terminated_on = row["terminated_on"]
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


def phase_completeness(
    phase: Phase, today: datetime.date, provinces: set[int] | None = None
) -> tuple[Quarter | None, list]:
    """How complete the reports of a phase's agreements are, by current province (of
    `provinces`, or every one), at the last quarter of the phase's years in which they owed
    any (unsaved `ReportingCompleteness` rows), and that quarter; None and no rows when they
    owed none.

    The stored table counts a province's quarter over all its agreements, and one quarter
    can hold reports of two phases' agreements (a period running past its phase, an
    agreement signed in the year before its phase opens), so a phase's figures are counted
    here from its own agreements, by the same rule. The quarter is that of the provinces
    asked about: a region whose agreements stopped reporting before the others' shows its
    own last quarter, not a later one in which none of its provinces owed a report. Three
    queries, whatever the data.
    """
    tree = ProvinceTree()
    agreements = Agreement.objects.filter(phase=phase)
    if provinces is None:
        provinces = set(tree.roots())
    else:
        agreements = agreements.filter(counterparty__province__in=tree.with_predecessors(provinces))
    years = Quarter(phase.start_year, 1), min(Quarter(phase.end_year, 4), last_completed(today))
    owed = [
        (agreement, quarter)
        for agreement, quarter in _owed(_agreement_dicts(agreements), today)
        if years[0] <= quarter <= years[1]
    ]
    if not owed:
        return None, []
    shown = max(quarter for _agreement, quarter in owed)
    reports = _report_statuses(
        QuarterlyReport.objects.filter(agreement__phase=phase, quarter=shown.code)
    )
    by_leaf = _count_reports(
        [(agreement, quarter) for agreement, quarter in owed if quarter == shown], reports, today
    )
    return shown, _completeness_rows(provinces, tree.ancestors_map(), by_leaf, timezone.now())


# Provinces at the phase's reference quarter ----------------------------------------------


def reference_quarter(phase: Phase, today: Quarter, stored: int | None = None) -> Quarter | None:
    """The latest quarter of the phase with an approved provincial value that counts.

    A value counts only inside its agreement's period; the phase's headline adds
    up every unit at this one quarter. `stored`, the reference of the last
    recompute, narrows the search to the quarters from it on, a few hundred
    reports instead of the phase's thousands; only when nothing counts there any
    more (its last report reopened) is the whole phase searched.
    """
    first, last = Quarter(phase.start_year, 1), min(Quarter(phase.end_year, 4), today)
    code = None
    if stored is not None:
        code = _latest_counted(first.code, last.code, stored)
    if code is None:
        code = _latest_counted(first.code, last.code, first.code)
    return Quarter.from_code(code) if code else None


def _latest_counted(first: int, last: int, since: int) -> int | None:
    """The latest quarter from `since` to `last` with an approved provincial value that counts."""
    rows = compiled.rows(
        "latest_counted_quarter", _latest_counted_query, first=first, last=last, since=since
    )
    return rows[0]["latest"] if rows else None


def _latest_counted_query(first, last, since):
    return (
        QuarterlyReport.objects.approved()
        .filter(
            quarter__gte=first,
            quarter__lte=last,
            agreement__counterparty__province__isnull=False,
            values__isnull=False,
        )
        .filter(
            quarter__gte=F("agreement__period_start") * 10 + 1,
            quarter__lte=F("agreement__period_end") * 10 + 4,
        )
        .filter(quarter__gte=since)
        .order_by()
        # Grouped by the one status counted: a single row, or none when nothing counts.
        .values("status")
        .annotate(latest=Max("quarter"))
    )


def overlaps(agreement: dict, phase: Phase) -> bool:
    """Whether the agreement's period (a row of `AGREEMENT_FIELDS`) shares a year with the phase."""
    return (
        agreement["period_start"] <= phase.end_year and agreement["period_end"] >= phase.start_year
    )


def _phase_rollups(
    phase: Phase,
    reference: Quarter | None,
    roots: list[int],
    tree: ProvinceTree,
    data: dict,
    kpis: dict,
    today: Quarter,
    known: dict | None = None,
) -> dict:
    """Every province record under `roots` at the reference quarter, per (province, KPI).

    Without a reference (no value yet in the phase) units are judged at the
    phase's last quarter so far, so their targets still show as "no data".
    `known` holds roll-ups already computed (stored rows of units the change
    does not reach): they are added up, not computed again, and not returned.
    """
    at = reference or min(Quarter(phase.end_year, 4), today)
    years = (phase.start_year, phase.end_year)
    by_province = defaultdict(list)
    for agreement in data["agreements"]:
        if agreement["province_id"] and overlaps(agreement, phase):
            by_province[agreement["province_id"]].append(agreement)
    known = known or {}
    computed = dict(known)
    settled = {province_id for province_id, _kpi_id in known}

    def visit(province_id):
        children = tree.predecessors[province_id]
        for child in children:
            if child not in settled:
                visit(child)
        own = by_province[province_id]
        terms = [_terms(agreement) for agreement in own]
        kpi_ids = {
            kpi_id
            for agreement in own
            for kpi_id in (
                *data["readings"].get(agreement["id"], ()),
                *data["targets"].get(agreement["id"], ()),
            )
        } | {kpi_id for child in children for (pk, kpi_id) in computed if pk == child}
        for kpi_id in kpi_ids:
            kpi = kpis[kpi_id]
            unit = (
                unit_at(
                    kpi,
                    terms,
                    {a["id"]: data["readings"].get(a["id"], {}).get(kpi_id, []) for a in own},
                    {
                        a["id"]: facts
                        for a in own
                        if (facts := data["targets"].get(a["id"], {}).get(kpi_id))
                        and target_in_years(facts, _terms(a), years)
                    },
                    years=years,
                    reference=at,
                    today=today,
                )
                if own
                else None
            )
            if children:
                unit = province_at(
                    unit, [computed.get((child, kpi_id)) for child in children], kpi, len(children)
                )
            if unit is not None:
                unit.reference_quarter = reference.code if reference else None
                computed[(province_id, kpi_id)] = unit

    for root in roots:
        visit(root)
    return {key: rollup for key, rollup in computed.items() if key not in known}


def _province_rows(rollups: dict, phase_id: int, now) -> list[dict]:
    """`ProvinceProgress` rows as `bulk.insert` takes them."""
    return [
        {
            "province_id": province_id,
            "phase_id": phase_id,
            "kpi_id": kpi_id,
            "computed_at": now,
            **_stored(rollup),
        }
        for (province_id, kpi_id), rollup in rollups.items()
    ]


def _stored(rollup: Rollup) -> dict:
    values = rollup.as_fields()
    for name in ("value", "numerator", "denominator", "target_value", "attainment"):
        values[name] = q2(values[name])
    return values


def _national_totals(phase_id: int) -> dict[int, Totals]:
    """The provinces that exist today, added up by the database: 30 rows, not 1,000."""
    totals = {}
    for row in compiled.rows("national_totals", _national_totals_query, phase_id=phase_id):
        values = {name: row[f"total_{name}"] for name in NATIONAL_AGGREGATES}
        values["includes_demo"] = bool(values["includes_demo"])
        totals[row["kpi_id"]] = (
            Totals(**values),
            {name: row[name] for name in NATIONAL_PROVINCE_COUNTS},
        )
    return totals


_REPORTING = Q(units_reporting__gt=0)
_SEVERITY = Case(
    *[When(status=status, then=Value(rank)) for status, rank in SEVERITY.items()],
    default=Value(0),
    output_field=IntegerField(),
)
NATIONAL_AGGREGATES = {
    "reporting": Count("pk", filter=_REPORTING),
    "latest_quarter": Max("latest_quarter", filter=_REPORTING),
    "reference_quarter": Max("reference_quarter"),
    "carried_from": Min("carried_from", filter=_REPORTING),
    "carried_until": Max("carried_until", filter=_REPORTING),
    "includes_demo": Max(Case(When(includes_demo=True, then=Value(1)), default=Value(0))),
    "worst": Max(_SEVERITY),
    "value_sum": Sum("value", filter=_REPORTING),
    "numerator": Sum("numerator", filter=_REPORTING),
    "denominator": Sum("denominator", filter=_REPORTING),
    "change_sum": Sum("change_last_year", filter=_REPORTING),
    "single_value": Max("value", filter=_REPORTING),
    "single_target": Max("target_value", filter=_REPORTING),
    "single_attainment": Max("attainment", filter=_REPORTING),
    "single_projected": Max("projected_value", filter=_REPORTING),
    "single_change": Max("change_last_year", filter=_REPORTING),
    "value_min": Min("value_min", filter=_REPORTING),
    "value_max": Max("value_max", filter=_REPORTING),
    **{name: Sum(name) for name in (*UNIT_COUNTS, *ON_TARGET_SUMS)},
}
NATIONAL_PROVINCE_COUNTS = {
    "provinces_carried": Count("pk", filter=_REPORTING & Q(units_carried__gt=0)),
}


def _national_totals_query(phase_id):
    # Annotations may not share a name with a field they add up, hence the prefix.
    return (
        ProvinceProgress.objects.filter(current_q("province__"), phase_id=phase_id)
        .order_by()
        .values("kpi_id")
        .annotate(
            **{f"total_{name}": aggregate for name, aggregate in NATIONAL_AGGREGATES.items()},
            **NATIONAL_PROVINCE_COUNTS,
        )
    )


def provinces_in_phase(phase: Phase, region: str | None = None) -> set[int]:
    """The provinces that exist today and signed for the phase: an agreement of theirs, or
    of a unit merged into them, shares a year with it (`overlaps`), in `region` if given.

    They are the provinces each of the phase's figures expects to hear from: "2 of 10
    provinces reporting", not "2 of 2", when eight signed and sent no value for the KPI.
    """
    signed = (
        Agreement.objects.filter(
            period_start__lte=phase.end_year,
            period_end__gte=phase.start_year,
            counterparty__province__isnull=False,
        )
        .order_by()
        .values_list("counterparty__province_id", flat=True)
        .distinct()
    )
    tree = ProvinceTree()
    current = {tree.chain(province_id)[-1] for province_id in signed}
    if region is not None:
        current = set(
            Province.objects.filter(pk__in=current, region=region).values_list("pk", flat=True)
        )
    return current


def _write_national(phase_id: int, kpis: dict, now) -> int:
    """Replace a phase's national rows; call after its province rows are written."""
    expected = len(provinces_in_phase(Phase.objects.get(pk=phase_id)))
    rows = []
    for kpi_id, (totals, provinces) in _national_totals(phase_id).items():
        provinces["provinces_expected"] = expected
        figures = _stored(finish(kpis[kpi_id], totals))
        del figures["agreements"]
        rows.append(
            {
                "phase_id": phase_id,
                "kpi_id": kpi_id,
                "provinces_reporting": totals.reporting,
                **provinces,
                "computed_at": now,
                **figures,
            }
        )
    NationalProgress.objects.filter(phase_id=phase_id).delete()
    bulk.insert(NationalProgress, rows)
    return len(rows)


# Loading -------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "id",
    "phase_id",
    "period_start",
    "period_end",
    "signed_on",
    "terminated_on",
    "counterparty__province_id",
)


def _data(agreements, values, targets) -> dict:
    """Agreements, their approved readings and their targets, as the rules read them."""
    return {
        "agreements": _agreement_dicts(agreements),
        "readings": approved_readings(values),
        "targets": _targets(targets),
    }


def _agreement_dicts(queryset) -> list[dict]:
    rows = []
    for row in queryset.values(*AGREEMENT_FIELDS):
        row["province_id"] = row.pop("counterparty__province_id")
        rows.append(row)
    return rows


def approved_readings(queryset) -> dict:
    """Approved readings of `queryset`'s values, by agreement and KPI, in no particular order."""
    grouped = defaultdict(lambda: defaultdict(list))
    values = (
        queryset.filter(report__status=ReportStatus.APPROVED)
        .order_by()
        .values_list(
            "report__agreement_id",
            "kpi_id",
            "report__quarter",
            "value",
            "numerator",
            "denominator",
            "report__is_demo",
        )
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
    # Unordered: the model's ordering would join the KPIs to sort what becomes a dict.
    for row in queryset.order_by().values(
        "agreement_id", "kpi_id", "target_value", "baseline_value", "target_on", "is_demo"
    ):
        grouped[row["agreement_id"]][row["kpi_id"]] = TargetFacts(
            row["target_value"], row["baseline_value"], row["target_on"], row["is_demo"]
        )
    return grouped


def _report_statuses(queryset) -> dict:
    return {
        (agreement_id, quarter): status
        for agreement_id, quarter, status in queryset.order_by().values_list(
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
            run = RecomputeRun.objects.create(
                agreement_id=agreement_id,
                status=RecomputeStatus.SUCCEEDED,
                started_at=started,
                finished_at=timezone.now(),
                rows_written=rows,
                attempt=attempt,
            )
            _announce(agreement_id)
            return run
    except Exception as exc:
        # Written after the rollback, so the failure stays visible.
        _fail_run(RecomputeRun(agreement_id=agreement_id, started_at=started, attempt=attempt), exc)
        raise


def _recompute_agreement_locked(agreement_id: int, now, kpis: dict) -> int:
    agreements = _agreement_dicts(Agreement.objects.filter(pk=agreement_id))
    if not agreements:
        return 0
    agreement = agreements[0]
    today = last_completed()
    overlapping = [phase for phase in Phase.objects.all() if overlaps(agreement, phase)]
    tree = ProvinceTree() if agreement["province_id"] else None
    chain = tree.chain(agreement["province_id"]) if tree else []
    data = _chain_data(
        chain,
        min([agreement["period_start"], *(phase.start_year for phase in overlapping)]),
        max([agreement["period_end"], *(phase.end_year for phase in overlapping)]),
        alone=agreement,
    )
    rows = _agreement_rows(
        agreement,
        kpis,
        data["readings"].get(agreement_id, {}),
        data["targets"].get(agreement_id, {}),
        now,
        today,
    )
    AgreementProgress.objects.filter(agreement_id=agreement_id).delete()
    bulk.insert(AgreementProgress, rows)
    written = len(rows)
    if chain:
        for phase in overlapping:
            written += _recompute_phase_locked(phase, chain, tree, now, kpis, today, data)
        written += _recompute_completeness_locked(tree, chain, now)
    # Its own phase's pages list it among the agreements slipping, even when its period
    # lies outside the phase or it belongs to no province.
    _count_recomputes({agreement["phase_id"], *(phase.pk for phase in overlapping)})
    return written


def _chain_data(chain: list[int], first: int, last: int, alone: dict | None = None) -> dict:
    """What a recompute of one unit reads, read once: the agreements of the unit and of the
    provinces it merged into (`chain`), or the agreement `alone` when it has no province,
    with their values in the years `first` to `last` (its period's and its phases').

    Each rule counts only the quarters it should (the agreement's period, the phase's
    years), as it does on the full rebuild, which reads every value.
    """
    agreements = (
        _agreement_dicts(Agreement.objects.filter(counterparty__province_id__in=chain))
        if chain
        else [alone]
    )
    # By the keys of the agreements just read, not by their provinces again: that took
    # two more joins for every approved report of the quarters, nationwide.
    ids = [row["id"] for row in agreements]
    return {
        "agreements": agreements,
        "readings": approved_readings(
            KpiValue.objects.filter(
                report__agreement_id__in=ids,
                report__quarter__range=year_quarters(first, last),
            )
        ),
        "targets": _targets(KpiTarget.objects.filter(agreement_id__in=ids)),
    }


def recompute_province(province_id: int | None, phase_ids: list[int]) -> int:
    """The roll-ups an agreement no longer feeds, once it was deleted or moved to another
    province: those of `province_id`, where it counted, and of the provinces that unit
    merged into, in the phases `phase_ids` its period touched; the province's reporting
    completeness; and the pages of those phases.

    Its own rows went with it (or follow it, recomputed as its own). The full rebuild
    would reach the same rows, reading every value of the country for a few.
    """
    with transaction.atomic():
        _take_lock()
        now = timezone.now()
        phases = list(Phase.objects.filter(pk__in=phase_ids))
        written = 0
        if province_id is not None and Province.objects.filter(pk=province_id).exists():
            kpis, today, tree = _kpis(), last_completed(), ProvinceTree()
            chain = tree.chain(province_id)
            if phases:
                data = _chain_data(
                    chain,
                    min(phase.start_year for phase in phases),
                    max(phase.end_year for phase in phases),
                )
                for phase in phases:
                    written += _recompute_phase_locked(phase, chain, tree, now, kpis, today, data)
            written += _recompute_completeness_locked(tree, chain, now)
        _count_recomputes({phase.pk for phase in phases})
        _announce(None)
        return written


def _count_recomputes(phase_ids: set[int]):
    """Tell the pages of these phases that their figures were rewritten (`PhaseFigures`)."""
    counted = PhaseFigures.objects.filter(phase_id__in=phase_ids)
    existing = set(counted.values_list("phase_id", flat=True))
    counted.update(recomputes=F("recomputes") + 1)
    PhaseFigures.objects.bulk_create(
        PhaseFigures(phase_id=phase_id, recomputes=1) for phase_id in phase_ids - existing
    )


def _recompute_phase_locked(
    phase: Phase,
    chain: list[int],
    tree: ProvinceTree,
    now,
    kpis: dict,
    today: Quarter,
    chain_data: dict,
) -> int:
    """A phase's roll-ups that one unit's change reaches, and the nation's.

    Only the unit and the provinces it merged into (`chain`) are recomputed,
    from their own agreements (`chain_data`); the other units merged into them
    are added up from their stored rows, as the nation adds up the provinces:
    those rows keep every sum and count exactly (`Rollup.from_row`). If the
    change moved the phase's reference quarter, every unit stands at the new
    quarter and all of them are recomputed.
    """
    national = NationalProgress.objects.filter(phase=phase).aggregate(
        rows=Count("pk"), reference=Max("reference_quarter")
    )
    stored = national["reference"]
    reference = reference_quarter(phase, today, stored)
    rows = ProvinceProgress.objects.filter(phase=phase)
    if national["rows"] and stored == (reference.code if reference else None):
        known = {
            (row["province_id"], row["kpi_id"]): Rollup.from_row(row)
            for row in rows.filter(province_id__in=tree.beside(chain)).values(
                "province_id", "kpi_id", *ROLLUP_FIELDS
            )
        }
        rollups = _phase_rollups(
            phase, reference, [chain[-1]], tree, chain_data, kpis, today, known
        )
        rows.filter(province_id__in=chain).delete()
    else:
        # Only the phase's quarters count in it: read no others.
        in_phase = KpiValue.objects.filter(
            report__quarter__range=year_quarters(phase.start_year, phase.end_year)
        )
        data = _data(Agreement.objects.all(), in_phase, KpiTarget.objects.all())
        rollups = _phase_rollups(phase, reference, tree.roots(), tree, data, kpis, today)
        rows.delete()
    province_rows = _province_rows(rollups, phase.pk, now)
    bulk.insert(ProvinceProgress, province_rows)
    return len(province_rows) + _write_national(phase.pk, now=now, kpis=kpis)


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
    bulk.insert(ReportingCompleteness, fresh.values())
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
                rows += bulk.insert(model, objects)
            for phase_id in {row["phase_id"] for row in computed[ProvinceProgress]}:
                rows += _write_national(phase_id, kpis, now)
            _count_recomputes(set(Phase.objects.values_list("pk", flat=True)))
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
    run = _finish_run(run, rows)
    _announce(None)
    return run


def _announce(agreement_id: int | None):
    """Tell the listeners once the new figures are committed (at once outside a transaction)."""
    transaction.on_commit(
        lambda: figures_recomputed.send(sender=RecomputeRun, agreement_id=agreement_id)
    )


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
    today = last_completed()
    data = _data(Agreement.objects.all(), KpiValue.objects.all(), KpiTarget.objects.all())
    agreements = data["agreements"]
    agreement_rows = []
    for index, agreement in enumerate(agreements, start=1):
        agreement_rows.extend(
            _agreement_rows(
                agreement,
                kpis,
                data["readings"].get(agreement["id"], {}),
                data["targets"].get(agreement["id"], {}),
                now,
                today,
            )
        )
        if progress:
            progress(index, len(agreements))

    tree = ProvinceTree()
    province_rows = []
    for phase in Phase.objects.all():
        rollups = _phase_rollups(
            phase, reference_quarter(phase, today), tree.roots(), tree, data, kpis, today
        )
        province_rows.extend(_province_rows(rollups, phase.pk, now))

    reports = _report_statuses(QuarterlyReport.objects.all())
    by_leaf = _completeness_by_leaf(agreements, reports, timezone.localdate())
    completeness = _completeness_rows(set(tree.successor), tree.ancestors_map(), by_leaf, now)
    return {
        AgreementProgress: agreement_rows,
        ProvinceProgress: province_rows,
        ReportingCompleteness: completeness,
    }


def recompute_completeness(agreement_id: int) -> int:
    """Recount the reports of the agreement's province (and what it merged into), nothing else.

    Opening, submitting or returning a report changes no figure, only how
    complete the reporting is; this is the cheap part of a recompute.
    """
    province_id = (
        Agreement.objects.filter(pk=agreement_id)
        .values_list("counterparty__province_id", flat=True)
        .first()
    )
    if province_id is None:
        return 0
    with transaction.atomic():
        _take_lock()
        tree = ProvinceTree()
        return _recompute_completeness_locked(tree, tree.chain(province_id), timezone.now())


def fail_interrupted_runs() -> int:
    """Mark failed the runs still "running" long after any run ends: their worker died.

    A worker killed during a recompute leaves its run "running" forever; its job is
    delivered again (acks_late) and records a run of its own.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.RECOMPUTE_INTERRUPTED_SECONDS)
    return RecomputeRun.objects.filter(
        status=RecomputeStatus.RUNNING, started_at__lt=cutoff
    ).update(
        status=RecomputeStatus.FAILED,
        finished_at=timezone.now(),
        error="Interrupted: the worker running it stopped before it finished.",
    )


def recompute_pending() -> int:
    """Recompute the agreements left waiting (broker down, or retries exhausted)."""
    fail_interrupted_runs()
    done = 0
    for agreement_id in PendingRecompute.objects.order_by("requested_at").values_list(
        "agreement_id", flat=True
    ):
        recompute_agreement(agreement_id)
        done += 1
    return done
