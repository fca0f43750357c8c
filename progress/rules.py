"""The rules by which approved values become progress figures: pure, no database.

Every function here takes values and returns values, so each rule is testable
without the database and has this one home. `services` reads the values,
applies these rules and writes the tables. The rules are those of DOMAIN.md,
*KPIs and how they add up*:

* A value belongs to its quarter, and a quarter to the phase whose years hold
  it; a value outside its agreement's period never counts (`clip`).
* A unit's stock figure at a quarter is the value reported for it or else the
  last earlier one, carried for at most `CARRY_QUARTERS`; older, the unit is
  not reporting and adds nothing. A flow adds up the quarters reported. Where
  two agreements of a unit report one quarter, the one signed later counts.
* A current province uses its own figure where it has one at the quarter, and
  otherwise adds up the former units merged into it, quarter by quarter.
* A target belongs to the phase whose years hold its date; where a current
  province's own figure stands in a phase in which it has no target, its former
  units' targets judge it.
* Counts add up; ratios as sums of numerators over sums of denominators; a
  percentage never adds up (how many reached their target, and the range).
* Status: no target, no data, not reporting; while the period runs, on track,
  at risk or off track by the share of the way from baseline to target that the
  projection reaches at the target date; once it has ended, achieved or not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import NamedTuple

from core.quarters import Quarter, year_quarters
from partnerships.models import HUNDRED, Kpi, KpiKind, SpaceAggregation, TimeAggregation, percent_of

from .models import SEVERITY, ProgressStatus

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
# A projection that covers 90% of the way from baseline to target is "at risk", not "off track".
AT_RISK_SHARE = Decimal(90)
# A stock is carried forward this many quarters after the one it was reported for, no more.
CARRY_QUARTERS = 4

STATUS_BY_SEVERITY = {rank: status for status, rank in SEVERITY.items()}


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
    return value.quantize(TEN_THOUSANDTH, rounding=ROUND_HALF_UP)


# Readings and terms ---------------------------------------------------------------------


class ApprovedReading(NamedTuple):
    """One approved value of one agreement's KPI, as the rules read it."""

    quarter: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    is_demo: bool


@dataclass
class TargetFacts:
    target_value: Decimal
    baseline_value: Decimal | None
    target_on: datetime.date | None
    is_demo: bool


class AgreementTerms(NamedTuple):
    """What the rules need of an agreement: when it was signed and the years it covers."""

    id: int
    signed_on: datetime.date | None
    period_start: int
    period_end: int

    @property
    def first_quarter(self) -> Quarter:
        return Quarter(self.period_start, 1)

    @property
    def last_quarter(self) -> Quarter:
        return Quarter(self.period_end, 4)

    @property
    def seniority(self) -> tuple:
        """Later-signed agreements rank higher: by signing date, then by period."""
        signed = self.signed_on or datetime.date(self.period_start, 1, 1)
        return (signed, self.period_start, self.period_end, self.id)


def target_in_years(target: TargetFacts, terms: AgreementTerms, years: tuple[int, int]) -> bool:
    """A target belongs to the phase whose years hold its date (the period's end without one).

    A 2030 target never judges a 2025 figure: the 2025–2030 agreement of a current
    province counts its 2025 values in 2021–2025, but its target only in 2026–2030.
    """
    year = target.target_on.year if target.target_on else terms.period_end
    return years[0] <= year <= years[1]


def clip(
    readings: list[ApprovedReading], terms: AgreementTerms, last: Quarter
) -> list[ApprovedReading]:
    """The readings that count: inside the agreement's period, and not after `last`."""
    start, end = terms.first_quarter.code, min(terms.last_quarter, last).code
    return [r for r in readings if start <= r.quarter <= end]


def usable(kpi: Kpi, reading: ApprovedReading) -> bool:
    if kpi.kind == KpiKind.RATIO:
        return reading.numerator is not None and bool(reading.denominator)
    return reading.value is not None


def _share(kpi: Kpi, reading: ApprovedReading) -> Decimal:
    """A reading as the number compared with targets: a ratio becomes a percentage."""
    return kpi.share(reading.value, reading.numerator, reading.denominator)


def _clamp(kpi: Kpi, value: Decimal) -> Decimal:
    value = max(value, Decimal(0))
    if kpi.kind in (KpiKind.RATIO, KpiKind.PERCENTAGE):
        value = min(value, HUNDRED)
    return value


def _is_flow(kpi: Kpi) -> bool:
    return kpi.time_aggregation == TimeAggregation.SUM and kpi.kind == KpiKind.COUNT


# Status -------------------------------------------------------------------------------------


def reached(kpi: Kpi, value: Decimal | None, target: Decimal | None) -> bool:
    if value is None or target is None:
        return False
    return value >= target if kpi.higher_is_better else value <= target


def way_share(kpi: Kpi, value: Decimal, baseline: Decimal | None, target: Decimal) -> Decimal:
    """How much of the way from the baseline to the target `value` covers, in per cent.

    Without a baseline the way starts at zero (for a KPI where lower is better,
    the share of the target that the value meets stands in for it).
    """
    if kpi.higher_is_better:
        start = baseline if baseline is not None else Decimal(0)
        span = target - start
        if span <= 0:
            return HUNDRED if value >= target else Decimal(0)
        return (value - start) * HUNDRED / span
    if baseline is None:
        return HUNDRED if value <= target else target * HUNDRED / value
    span = baseline - target
    if span <= 0:
        return HUNDRED if value <= target else Decimal(0)
    return (baseline - value) * HUNDRED / span


def status_for(
    kpi: Kpi,
    *,
    value: Decimal | None,
    projected: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None = None,
    reporting: bool = True,
    ended: bool = False,
) -> str:
    """The one status rule, for an agreement, a unit, a province or the nation."""
    if target is None:
        return ProgressStatus.NO_TARGET
    if value is None:
        return ProgressStatus.NO_DATA
    if not reporting:
        return ProgressStatus.NOT_REPORTING
    if ended:
        return (
            ProgressStatus.ACHIEVED if reached(kpi, value, target) else ProgressStatus.NOT_ACHIEVED
        )
    share = way_share(kpi, projected if projected is not None else value, baseline, target)
    if share >= HUNDRED:
        return ProgressStatus.ON_TRACK
    if share >= AT_RISK_SHARE:
        return ProgressStatus.AT_RISK
    return ProgressStatus.OFF_TRACK


def attainment_for(kpi: Kpi, value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Share of the target reached, in per cent: of a unit, or of added-up units from their
    sums on target (`on_target`), so that one unit added up alone reaches what it reached."""
    if value is None or target is None:
        return None
    if kpi.higher_is_better:
        return percent_of(value, target) if target > 0 else None
    if value <= 0:
        return HUNDRED
    return percent_of(target, value)


# One series of readings at a quarter ----------------------------------------------------------


def figures_at(
    kpi: Kpi,
    readings: list[ApprovedReading],
    target: TargetFacts | None,
    *,
    reference: Quarter,
    period_end: Quarter,
    today: Quarter,
) -> dict:
    """The figures of one series at `reference`, from readings that count, sorted by quarter.

    `period_end` is the last quarter of the agreement the series belongs to;
    `today` the last quarter completed. The projection runs to the target date.
    """
    readings = [r for r in readings if usable(kpi, r) and r.quarter <= reference.code]
    figures = {
        "latest_quarter": None,
        "value": None,
        "numerator": None,
        "denominator": None,
        "change_last_year": None,
        "projected_value": None,
        "target_value": q2(target.target_value) if target else None,
        "baseline_value": q2(target.baseline_value) if target else None,
        "target_on": target.target_on if target else None,
        "includes_demo": bool(target and target.is_demo),
        "reporting": False,
    }
    ended = today >= period_end
    if readings:
        latest = readings[-1]
        latest_index = Quarter.from_code(latest.quarter).index()
        goal_quarter = Quarter.containing(target.target_on) if target and target.target_on else None
        quarters_left = (goal_quarter or period_end).index() - latest_index
        if _is_flow(kpi):
            value = sum((reading.value for reading in readings), Decimal(0))
            change = sum(
                (
                    r.value
                    for r in readings
                    if latest_index - Quarter.from_code(r.quarter).index() < 4
                ),
                Decimal(0),
            )
            per_quarter = change / 4
        else:
            value = _share(kpi, latest)
            year_ago = latest_index - 4
            earlier = None
            for reading in readings:
                if Quarter.from_code(reading.quarter).index() <= year_ago:
                    earlier = reading
            change = value - _share(kpi, earlier) if earlier else None
            if earlier is None and len(readings) > 1:
                earlier = readings[0]
            per_quarter = Decimal(0)
            if earlier is not None:
                span = latest_index - Quarter.from_code(earlier.quarter).index()
                per_quarter = (value - _share(kpi, earlier)) / span
            if kpi.kind == KpiKind.RATIO:
                figures["numerator"] = q2(latest.numerator)
                figures["denominator"] = q2(latest.denominator)
        # A projection runs to a target's date and is judged against it: without a target
        # there is nothing to project to, so no page, download or API response shows one,
        # nor from a value too old to count (not reporting), which nothing judges. Once the
        # period has ended, what it reached is what it is judged by.
        reporting = reference.index() - latest_index <= CARRY_QUARTERS
        if target is not None and reporting:
            figures["projected_value"] = q2(
                value
                if ended or quarters_left <= 0
                else _clamp(kpi, value + per_quarter * quarters_left)
            )
        figures.update(
            latest_quarter=latest.quarter,
            value=q2(value),
            change_last_year=q2(change),
            includes_demo=figures["includes_demo"] or any(r.is_demo for r in readings),
            reporting=reporting,
        )
    figures["attainment"] = (
        attainment_for(kpi, *on_target(kpi, figures, figures["target_value"]))
        if figures["value"] is not None and figures["target_value"] is not None
        else None
    )
    figures["status"] = status_for(
        kpi,
        value=figures["value"],
        projected=figures["projected_value"],
        target=figures["target_value"],
        baseline=figures["baseline_value"],
        reporting=figures["reporting"],
        ended=ended,
    )
    figures["ended"] = ended
    return figures


def agreement_kpi_figures(
    kpi: Kpi,
    readings: list[ApprovedReading],
    target: TargetFacts | None,
    terms: AgreementTerms,
    today: Quarter,
) -> dict:
    """An agreement's figures on one KPI: its own readings, within its period, as of today."""
    reference = min(terms.last_quarter, today)
    return figures_at(
        kpi,
        clip(readings, terms, reference),
        target,
        reference=reference,
        period_end=terms.last_quarter,
        today=today,
    )


# Roll-ups ---------------------------------------------------------------------------


@dataclass
class Rollup:
    """Figures of one or more provincial units on one KPI, in a form that adds up again.

    Its fields are those of `RollupFigures`, so a stored province row turns back
    into a Rollup and adds up with others exactly as the in-memory one did.
    """

    latest_quarter: int | None = None
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    target_value: Decimal | None = None
    attainment: Decimal | None = None
    status: str = ProgressStatus.NO_DATA
    includes_demo: bool = False
    projected_value: Decimal | None = None
    change_last_year: Decimal | None = None
    reference_quarter: int | None = None
    units_expected: int = 0
    units_reporting: int = 0
    units_carried: int = 0
    carried_from: int | None = None
    carried_until: int | None = None
    units_ended: int = 0
    units_with_target: int = 0
    units_reached_target: int = 0
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    achieved_on_target: Decimal = Decimal(0)
    goal_on_target: Decimal = Decimal(0)
    projected_on_target: Decimal = Decimal(0)
    denominator_on_target: Decimal = Decimal(0)
    baseline_on_target: Decimal = Decimal(0)
    agreements: int = 0

    @classmethod
    def from_row(cls, row) -> Rollup:
        """A stored row, as a model or as a mapping of its `values(*ROLLUP_FIELDS)`."""
        get = row.get if isinstance(row, Mapping) else partial(getattr, row)
        # National rows do not count agreements; province rows do.
        return cls(**{name: get(name, 0) for name in ROLLUP_FIELDS})

    def as_fields(self) -> dict:
        return {name: getattr(self, name) for name in ROLLUP_FIELDS}


ROLLUP_FIELDS = tuple(field.name for field in fields(Rollup))


def unit_rollup(kpi: Kpi, figures: dict, reference: Quarter) -> Rollup:
    """One provincial unit at the reference quarter, from `figures_at`, ready to add up."""
    unit = Rollup(
        latest_quarter=figures["latest_quarter"],
        value=figures["value"],
        numerator=figures["numerator"],
        denominator=figures["denominator"],
        target_value=figures["target_value"],
        attainment=figures["attainment"],
        status=figures["status"],
        includes_demo=figures["includes_demo"],
        projected_value=figures["projected_value"],
        change_last_year=figures["change_last_year"],
        reference_quarter=reference.code,
        units_expected=1,
    )
    if figures["value"] is None or not figures["reporting"]:
        return unit
    unit.units_reporting = 1
    if figures["latest_quarter"] < reference.code:
        unit.units_carried = 1
        unit.carried_from = unit.carried_until = figures["latest_quarter"]
    unit.value_min = unit.value_max = figures["value"]
    target = figures["target_value"]
    if target is None:
        return unit
    unit.units_with_target = 1
    unit.units_ended = int(figures["ended"])
    unit.units_reached_target = int(reached(kpi, figures["value"], target))
    baseline = figures["baseline_value"] or Decimal(0)
    if kpi.kind == KpiKind.RATIO:
        denominator = figures["denominator"]
        unit.achieved_on_target, unit.goal_on_target = on_target(kpi, figures, target)
        unit.projected_on_target = q4(figures["projected_value"] * denominator / HUNDRED)
        unit.baseline_on_target = q4(baseline * denominator / HUNDRED)
        unit.denominator_on_target = q4(denominator)
    elif kpi.space_aggregation != SpaceAggregation.NONE:
        unit.achieved_on_target, unit.goal_on_target = on_target(kpi, figures, target)
        unit.projected_on_target = q4(figures["projected_value"])
        unit.baseline_on_target = q4(baseline)
    return unit


def on_target(kpi: Kpi, figures: dict, target: Decimal) -> tuple[Decimal, Decimal]:
    """What a unit reached and what it aims at, in the terms its roll-ups add up.

    A ratio's are numerators of its own denominator (villages with fibre, and the villages
    its target share of them makes): its share of the target is then the exact share
    reached, not the share rounded for display and divided again.
    """
    if kpi.kind == KpiKind.RATIO and figures["denominator"]:
        return q4(figures["numerator"]), q4(target * figures["denominator"] / HUNDRED)
    return q4(figures["value"]), q4(target)


def latest_signed(
    readings_by_agreement: Iterable[tuple[AgreementTerms, list[ApprovedReading]]],
) -> dict[int, tuple[AgreementTerms, ApprovedReading]]:
    """A unit's readings quarter by quarter: where two of its agreements report the same
    quarter, the one signed later counts (`AgreementTerms.seniority`)."""
    chosen: dict[int, tuple[AgreementTerms, ApprovedReading]] = {}
    for terms, readings in readings_by_agreement:
        for reading in readings:
            held = chosen.get(reading.quarter)
            if held is None or terms.seniority > held[0].seniority:
                chosen[reading.quarter] = (terms, reading)
    return chosen


def unit_at(
    kpi: Kpi,
    agreements: list[AgreementTerms],
    readings: dict[int, list[ApprovedReading]],
    targets: dict[int, TargetFacts],
    *,
    years: tuple[int, int],
    reference: Quarter,
    today: Quarter,
) -> Rollup | None:
    """One provincial unit's figure at `reference`, from the agreements it signed.

    Quarter by quarter, the agreement signed later counts where two report; only
    quarters inside each agreement's period and inside the phase's `years` count.
    None when no agreement of the unit has a value or a target for the KPI.
    """
    first, last = year_quarters(*years)
    chosen = latest_signed(
        (
            terms,
            [
                reading
                for reading in clip(readings.get(terms.id, []), terms, reference)
                if first <= reading.quarter <= last and usable(kpi, reading)
            ],
        )
        for terms in agreements
    )
    # The unit is judged by the target of the agreement that reported last, or else by
    # the latest-signed one with a target in the phase (Quảng Bình's 2020–2025 reports
    # Q4/2020, which 2014–2020 judges by the 2015–2020 agreement's target).
    with_target = [terms for terms in agreements if terms.id in targets]
    if chosen and (not with_target or chosen[max(chosen)][0].id in targets):
        current = chosen[max(chosen)][0]
    elif with_target:
        current = max(with_target, key=lambda terms: terms.seniority)
    else:
        return None
    series = [reading for _quarter, (_terms, reading) in sorted(chosen.items())]
    figures = figures_at(
        kpi,
        series,
        targets.get(current.id),
        reference=reference,
        period_end=current.last_quarter,
        today=today,
    )
    unit = unit_rollup(kpi, figures, reference)
    unit.agreements = len(agreements)
    return unit


# What adding units up sums: how many units stand behind a figure, and the figures of
# those with a target, in the KPI's own terms (numerators for a ratio).
UNIT_COUNTS = (
    "units_expected",
    "units_reporting",
    "units_carried",
    "units_ended",
    "units_with_target",
    "units_reached_target",
)
ON_TARGET_SUMS = (
    "achieved_on_target",
    "goal_on_target",
    "projected_on_target",
    "denominator_on_target",
    "baseline_on_target",
)


@dataclass
class Totals:
    """What adding up roll-ups needs: sums, extremes, counts, and the one reporting part.

    Python (`combine`) and SQL (`services._national_totals`) both produce it, and
    `finish` turns it into a Rollup, so the nation computed by the database
    adds up exactly as a merged province computed in Python.
    """

    reporting: int = 0
    latest_quarter: int | None = None
    reference_quarter: int | None = None
    includes_demo: bool = False
    worst: int = 0
    value_sum: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    change_sum: Decimal | None = None
    # The reporting part's own figures, meaningful when exactly one part reports.
    single_value: Decimal | None = None
    single_target: Decimal | None = None
    single_attainment: Decimal | None = None
    single_projected: Decimal | None = None
    single_change: Decimal | None = None
    units_expected: int = 0
    units_reporting: int = 0
    units_carried: int = 0
    carried_from: int | None = None
    carried_until: int | None = None
    units_ended: int = 0
    units_with_target: int = 0
    units_reached_target: int = 0
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    achieved_on_target: Decimal = Decimal(0)
    goal_on_target: Decimal = Decimal(0)
    projected_on_target: Decimal = Decimal(0)
    denominator_on_target: Decimal = Decimal(0)
    baseline_on_target: Decimal = Decimal(0)
    agreements: int = 0


def combine(kpi: Kpi, parts: list[Rollup]) -> Rollup:
    """Add up units (or roll-ups of units) at one quarter by the KPI's rule across provinces."""
    reporting = [part for part in parts if part.units_reporting]
    quarters = [part.latest_quarter for part in reporting if part.latest_quarter]
    references = [part.reference_quarter for part in parts if part.reference_quarter]
    carried = [part.carried_from for part in parts if part.carried_from]
    carried_until = [part.carried_until for part in parts if part.carried_until]
    changes = [part.change_last_year for part in reporting if part.change_last_year is not None]
    totals = Totals(
        reporting=len(reporting),
        latest_quarter=max(quarters) if quarters else None,
        reference_quarter=max(references) if references else None,
        includes_demo=any(part.includes_demo for part in parts),
        worst=max((SEVERITY[part.status] for part in parts), default=0),
        value_sum=(
            sum(part.value for part in reporting)
            if reporting and kpi.space_aggregation == SpaceAggregation.SUM
            else None
        ),
        change_sum=sum(changes) if changes else None,
        carried_from=min(carried) if carried else None,
        carried_until=max(carried_until) if carried_until else None,
        value_min=min((part.value_min for part in reporting), default=None),
        value_max=max((part.value_max for part in reporting), default=None),
    )
    if kpi.space_aggregation == SpaceAggregation.RATIO_OF_SUMS and reporting:
        totals.numerator = sum(part.numerator for part in reporting)
        totals.denominator = sum(part.denominator for part in reporting)
    if len(reporting) == 1:
        only = reporting[0]
        totals.single_value = only.value
        totals.single_target = only.target_value
        totals.single_attainment = only.attainment
        totals.single_projected = only.projected_value
        totals.single_change = only.change_last_year
    for name in (*UNIT_COUNTS, "agreements"):
        setattr(totals, name, sum(getattr(part, name) for part in parts))
    for name in ON_TARGET_SUMS:
        setattr(totals, name, sum((getattr(part, name) for part in parts), Decimal(0)))
    return finish(kpi, totals)


def finish(kpi: Kpi, totals: Totals) -> Rollup:
    """The figures of a roll-up from its totals, by the KPI's rule across provinces."""
    total = Rollup(
        latest_quarter=totals.latest_quarter,
        reference_quarter=totals.reference_quarter,
        includes_demo=totals.includes_demo,
        units_expected=totals.units_expected,
        units_reporting=totals.units_reporting,
        units_carried=totals.units_carried,
        carried_from=totals.carried_from,
        carried_until=totals.carried_until,
        units_ended=totals.units_ended,
        units_with_target=totals.units_with_target,
        units_reached_target=totals.units_reached_target,
        value_min=totals.value_min,
        value_max=totals.value_max,
        achieved_on_target=totals.achieved_on_target,
        goal_on_target=totals.goal_on_target,
        projected_on_target=totals.projected_on_target,
        denominator_on_target=totals.denominator_on_target,
        baseline_on_target=totals.baseline_on_target,
        agreements=totals.agreements,
        status=STATUS_BY_SEVERITY[totals.worst],
    )
    single = totals.reporting == 1
    if kpi.space_aggregation == SpaceAggregation.NONE:
        if single:
            total.value = totals.single_value
            total.target_value = totals.single_target
            total.attainment = totals.single_attainment
            total.projected_value = totals.single_projected
            total.change_last_year = totals.single_change
        return total
    if kpi.space_aggregation == SpaceAggregation.RATIO_OF_SUMS:
        if totals.reporting and totals.denominator:
            total.numerator = totals.numerator
            total.denominator = totals.denominator
            total.value = percent_of(totals.numerator, totals.denominator)
        if single:
            total.change_last_year = totals.single_change
        if totals.denominator_on_target:
            scale = HUNDRED / totals.denominator_on_target
            total.target_value = q2(totals.goal_on_target * scale)
            total.projected_value = q2(totals.projected_on_target * scale)
    else:
        total.value = totals.value_sum if totals.reporting else None
        total.change_last_year = totals.change_sum
        if totals.units_with_target:
            total.target_value = q2(totals.goal_on_target)
            total.projected_value = q2(totals.projected_on_target)
    if totals.units_with_target:
        total.attainment = attainment_for(kpi, totals.achieved_on_target, totals.goal_on_target)
        total.status = status_on_target(
            kpi, totals, ended=totals.units_ended == totals.units_with_target
        )
    return total


def status_on_target(kpi: Kpi, sums, ended: bool) -> str:
    """The status of added-up units, from their sums over the units that have a target."""
    return status_for(
        kpi,
        value=sums.achieved_on_target,
        projected=sums.projected_on_target,
        target=sums.goal_on_target,
        baseline=sums.baseline_on_target,
        ended=ended,
    )


def province_at(
    own: Rollup | None, former: list[Rollup], kpi: Kpi, former_units: int
) -> Rollup | None:
    """A province at the reference quarter: its own figure where it reported that quarter,
    else its former units' (DOMAIN.md: the choice is made quarter by quarter).

    Its own figure carried from an earlier quarter stands only when none of its former
    units has a figure at the reference quarter either: a province that reported Q3/2025
    on its own, and not Q4/2025, is at Q4/2025 what its former units reported then.
    `former_units` is how many units merged into it, so that its coverage says "1 of 2"
    even when one of them signed nothing.
    """
    parts = [part for part in former if part is not None]
    formers_report = any(part.units_reporting for part in parts)
    if own is not None and own.units_reporting and not (own.units_carried and formers_report):
        if own.units_with_target or not parts:
            return own
        return judged_by(kpi, own, combine(kpi, parts))
    if not parts:
        return own
    merged = combine(kpi, parts)
    merged.units_expected = max(former_units, merged.units_expected)
    if own is not None:
        merged.agreements += own.agreements
    return merged


def judged_by(kpi: Kpi, own: Rollup, former: Rollup) -> Rollup:
    """A current province's own figure, judged by its former units' targets of the phase.

    Where the province reported a quarter of a phase under an agreement whose
    target lies in a later phase (a 2025–2030 agreement reporting Q4/2025), the
    phase's targets are those its former units agreed; its own figure is measured
    against their sum. A percentage has no sum of targets: it stays without one.
    """
    if not former.units_with_target or kpi.space_aggregation == SpaceAggregation.NONE:
        return own
    judged = Rollup(**own.as_fields())
    ended = former.units_ended == former.units_with_target
    # Without a target of its own in the phase its figure has no projection (`figures_at`):
    # the former units' targets judge the value it reached.
    projected = own.value
    if kpi.kind == KpiKind.RATIO:
        # The formers' goal as a share of their villages, applied to the province's own.
        scale = own.denominator / former.denominator_on_target
        judged.achieved_on_target = q4(own.numerator)
        judged.denominator_on_target = q4(own.denominator)
        judged.goal_on_target = q4(former.goal_on_target * scale)
        judged.baseline_on_target = q4(former.baseline_on_target * scale)
        judged.projected_on_target = q4(projected * own.denominator / HUNDRED)
    else:
        judged.achieved_on_target = q4(own.value)
        judged.goal_on_target = former.goal_on_target
        judged.baseline_on_target = former.baseline_on_target
        judged.projected_on_target = q4(projected)
    judged.target_value = former.target_value
    judged.projected_value = q2(projected)
    judged.units_with_target = 1
    judged.units_ended = int(ended)
    judged.units_reached_target = int(reached(kpi, own.value, former.target_value))
    judged.attainment = attainment_for(kpi, judged.achieved_on_target, judged.goal_on_target)
    judged.status = status_on_target(kpi, judged, ended=ended)
    judged.includes_demo = own.includes_demo or former.includes_demo
    return judged
