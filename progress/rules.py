"""The rules by which approved values become progress figures: pure, no database.

Every function here takes values and returns values, so each rule is testable
without the database and has this one home. `services` reads the values,
applies these rules and writes the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from core.quarters import Quarter
from partnerships.models import HUNDRED, Kpi, KpiKind, SpaceAggregation, TimeAggregation, percent_of

from .models import ProgressStatus

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
# A projection within 10 % of the target is "at risk", not yet "off track".
AT_RISK_SHARE = Decimal("0.9")

# Worst first: a roll-up of percentages takes the worst status of its units.
SEVERITY = {
    ProgressStatus.OFF_TRACK: 3,
    ProgressStatus.AT_RISK: 2,
    ProgressStatus.ON_TRACK: 1,
    ProgressStatus.NO_DATA: 0,
}


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
    return value.quantize(TEN_THOUSANDTH, rounding=ROUND_HALF_UP)


# Agreement figures ------------------------------------------------------------------


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
    target_on: object
    is_demo: bool


def _usable(kpi: Kpi, reading: ApprovedReading) -> bool:
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


def reached(kpi: Kpi, value: Decimal | None, target: Decimal | None) -> bool:
    if value is None or target is None:
        return False
    return value >= target if kpi.higher_is_better else value <= target


def status_for(kpi: Kpi, projected: Decimal | None, target: Decimal | None) -> str:
    """The status rule: compare where the trend leads with what was committed."""
    if projected is None or target is None:
        return ProgressStatus.NO_DATA
    if kpi.higher_is_better:
        if projected >= target:
            return ProgressStatus.ON_TRACK
        if projected >= target * AT_RISK_SHARE:
            return ProgressStatus.AT_RISK
        return ProgressStatus.OFF_TRACK
    if projected <= target:
        return ProgressStatus.ON_TRACK
    if projected * AT_RISK_SHARE <= target:
        return ProgressStatus.AT_RISK
    return ProgressStatus.OFF_TRACK


def attainment_for(kpi: Kpi, value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Share of the target reached, in per cent."""
    if value is None or target is None:
        return None
    if kpi.higher_is_better:
        return q2(value * HUNDRED / target) if target > 0 else None
    if value <= 0:
        return HUNDRED
    return q2(target * HUNDRED / value)


def agreement_kpi_figures(
    kpi: Kpi, readings: list[ApprovedReading], target: TargetFacts | None, period_end_year: int
) -> dict:
    """The figures of one agreement on one KPI, from its approved readings sorted by quarter."""
    readings = [reading for reading in readings if _usable(kpi, reading)]
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
    }
    if readings:
        latest = readings[-1]
        latest_index = Quarter.from_code(latest.quarter).index()
        quarters_left = Quarter(period_end_year, 4).index() - latest_index
        if _is_flow(kpi):
            value = sum((reading.value for reading in readings), Decimal(0))
            last_year = [
                reading.value
                for reading in readings
                if latest_index - Quarter.from_code(reading.quarter).index() < 4
            ]
            change = sum(last_year, Decimal(0))
            per_quarter = change / 4
        else:
            value = _share(kpi, latest)
            year_ago = latest_index - 4
            reference = None
            for reading in readings:
                if Quarter.from_code(reading.quarter).index() <= year_ago:
                    reference = reading
            change = value - _share(kpi, reference) if reference else None
            if reference is None and len(readings) > 1:
                reference = readings[0]
            per_quarter = Decimal(0)
            if reference is not None:
                span = latest_index - Quarter.from_code(reference.quarter).index()
                per_quarter = (value - _share(kpi, reference)) / span
            if kpi.kind == KpiKind.RATIO:
                figures["numerator"] = q2(latest.numerator)
                figures["denominator"] = q2(latest.denominator)
        projected = (
            value if quarters_left <= 0 else _clamp(kpi, value + per_quarter * quarters_left)
        )
        figures.update(
            latest_quarter=latest.quarter,
            value=q2(value),
            change_last_year=q2(change),
            projected_value=q2(projected),
            includes_demo=figures["includes_demo"] or any(r.is_demo for r in readings),
        )
    figures["attainment"] = attainment_for(kpi, figures["value"], figures["target_value"])
    figures["status"] = status_for(kpi, figures["projected_value"], figures["target_value"])
    return figures


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
    units_reporting: int = 0
    units_with_target: int = 0
    units_reached_target: int = 0
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    achieved_on_target: Decimal = Decimal(0)
    goal_on_target: Decimal = Decimal(0)
    projected_on_target: Decimal = Decimal(0)
    denominator_on_target: Decimal = Decimal(0)
    agreements: int = 0

    @classmethod
    def from_row(cls, row) -> Rollup:
        # National rows do not count agreements; province rows do.
        return cls(**{f.name: getattr(row, f.name, 0) for f in fields(cls)})

    def as_fields(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class AgreementFigures(NamedTuple):
    """What a roll-up reads of an agreement's progress row, without a model instance."""

    agreement_id: int
    latest_quarter: int | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target_value: Decimal | None
    attainment: Decimal | None
    status: str
    includes_demo: bool
    projected_value: Decimal | None
    change_last_year: Decimal | None


def unit_from_agreement(kpi: Kpi, row) -> Rollup:
    """One provincial unit's figures, from its agreement's progress on the KPI."""
    unit = Rollup(
        latest_quarter=row.latest_quarter,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        target_value=row.target_value,
        attainment=row.attainment,
        status=row.status,
        includes_demo=row.includes_demo,
        projected_value=row.projected_value,
        change_last_year=row.change_last_year,
    )
    if row.value is None:
        return unit
    unit.units_reporting = 1
    unit.value_min = unit.value_max = row.value
    if row.target_value is None:
        return unit
    unit.units_with_target = 1
    unit.units_reached_target = int(reached(kpi, row.value, row.target_value))
    if kpi.kind == KpiKind.RATIO:
        # Sums of numerators: the target and the projection as numerators of the same denominator.
        unit.achieved_on_target = q4(row.numerator)
        unit.goal_on_target = q4(row.target_value * row.denominator / HUNDRED)
        unit.projected_on_target = q4(row.projected_value * row.denominator / HUNDRED)
        unit.denominator_on_target = q4(row.denominator)
    elif kpi.space_aggregation != SpaceAggregation.NONE:
        unit.achieved_on_target = q4(row.value)
        unit.goal_on_target = q4(row.target_value)
        unit.projected_on_target = q4(row.projected_value)
    return unit


@dataclass
class Totals:
    """What adding up roll-ups needs: sums, extremes, counts, and the one reporting part.

    Python (`combine`) and SQL (`_national_totals`) both produce it, and
    `finish` turns it into a Rollup, so the nation computed by the database
    adds up exactly as a region or a merged province computed in Python.
    """

    reporting: int = 0
    latest_quarter: int | None = None
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
    units_reporting: int = 0
    units_with_target: int = 0
    units_reached_target: int = 0
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    achieved_on_target: Decimal = Decimal(0)
    goal_on_target: Decimal = Decimal(0)
    projected_on_target: Decimal = Decimal(0)
    denominator_on_target: Decimal = Decimal(0)
    agreements: int = 0


STATUS_BY_SEVERITY = {rank: status for status, rank in SEVERITY.items()}


def combine(kpi: Kpi, parts: list[Rollup]) -> Rollup:
    """Add up units (or roll-ups of units) by the KPI's rule across provinces."""
    reporting = [part for part in parts if part.units_reporting]
    quarters = [part.latest_quarter for part in parts if part.latest_quarter]
    changes = [part.change_last_year for part in reporting if part.change_last_year is not None]
    totals = Totals(
        reporting=len(reporting),
        latest_quarter=max(quarters) if quarters else None,
        includes_demo=any(part.includes_demo for part in parts),
        worst=max((SEVERITY[part.status] for part in parts), default=0),
        value_sum=(
            sum(part.value for part in reporting)
            if reporting and kpi.space_aggregation == SpaceAggregation.SUM
            else None
        ),
        change_sum=sum(changes) if changes else None,
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
    for name in ("units_reporting", "units_with_target", "units_reached_target", "agreements"):
        setattr(totals, name, sum(getattr(part, name) for part in parts))
    for name in (
        "achieved_on_target",
        "goal_on_target",
        "projected_on_target",
        "denominator_on_target",
    ):
        setattr(totals, name, sum((getattr(part, name) for part in parts), Decimal(0)))
    return finish(kpi, totals)


def finish(kpi: Kpi, totals: Totals) -> Rollup:
    """The figures of a roll-up from its totals, by the KPI's rule across provinces."""
    total = Rollup(
        latest_quarter=totals.latest_quarter,
        includes_demo=totals.includes_demo,
        units_reporting=totals.units_reporting,
        units_with_target=totals.units_with_target,
        units_reached_target=totals.units_reached_target,
        value_min=totals.value_min,
        value_max=totals.value_max,
        achieved_on_target=totals.achieved_on_target,
        goal_on_target=totals.goal_on_target,
        projected_on_target=totals.projected_on_target,
        denominator_on_target=totals.denominator_on_target,
        agreements=totals.agreements,
    )
    single = totals.reporting == 1
    if kpi.space_aggregation == SpaceAggregation.NONE:
        if single:
            total.value = totals.single_value
            total.target_value = totals.single_target
            total.attainment = totals.single_attainment
            total.projected_value = totals.single_projected
            total.change_last_year = totals.single_change
        total.status = STATUS_BY_SEVERITY[totals.worst]
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
        if totals.goal_on_target > 0:
            total.attainment = q2(totals.achieved_on_target * HUNDRED / totals.goal_on_target)
        total.status = status_for(kpi, totals.projected_on_target, totals.goal_on_target)
    return total


def _unit_of_province(kpi: Kpi, rows: list) -> Rollup:
    """A province's own figure: its most recent agreement's, never a sum of its agreements."""
    chosen = max(
        rows,
        key=lambda row: (row.value is not None, row.latest_quarter or 0, row.agreement_id),
    )
    return unit_from_agreement(kpi, chosen)


def province_rollup(kpi: Kpi, own_rows: list, children: list[Rollup]) -> Rollup | None:
    """A province's roll-up: its own reports if it has any, else its merged units added up."""
    own = _unit_of_province(kpi, own_rows) if own_rows else None
    if own is not None:
        own.agreements = len(own_rows)
        if own.units_reporting:
            return own
    parts = [child for child in children if child is not None]
    if own is not None:
        parts.append(own)
    if not parts:
        return None
    return combine(kpi, parts)


def band(attainment: Decimal | None, status: str) -> str:
    """The colour of a share already reached: reached, within the at-risk margin, below.

    Without a share (no target, no value) the status itself is the band.
    """
    if attainment is None:
        return status
    if attainment >= HUNDRED:
        return ProgressStatus.ON_TRACK
    if attainment >= HUNDRED * AT_RISK_SHARE:
        return ProgressStatus.AT_RISK
    return ProgressStatus.OFF_TRACK
