"""The stored figures agree with the rules applied afresh, by hand, to the scale data.

The test reads the raw approved values and applies DOMAIN.md's rules written out
here again, without `progress.rules`: a value counts inside its agreement's period
and its phase's years; a unit's stock at the reference quarter is its latest value
at most four quarters old, the later-signed agreement winning a quarter; a current
province uses its own figure where it reported the reference quarter and else adds up
its former units (its own figure carried from before when none of them reports);
the nation adds up the current provinces at the phase's reference quarter.
"""

import datetime
from collections import defaultdict

import pytest
import time_machine
from django.core.management import call_command

from milestones.models import KpiValue, ReportStatus
from partnerships.models import Agreement, Kpi, KpiKind, Phase, TimeAggregation
from progress import services as progress
from progress.models import NationalProgress, ProvinceProgress
from provinces.lineage import ProvinceTree
from provinces.models import Province

from .conftest import VIETNAM
from .progress_data import snapshot

TODAY = datetime.datetime(2026, 12, 1, 9, tzinfo=VIETNAM)
LAST_COMPLETED = 20263
CARRY = 4


@pytest.fixture(scope="module")
def scale(module_db):
    with time_machine.travel(TODAY, tick=False):
        # One agreement per former unit and phase and per current province; the first
        # KPIs of the catalogue.
        call_command("generate_scale_data", agreements=160, kpis=5, yes=True, verbosity=0)
    return Kpi.objects.order_by("order", "code")[:5]


def index(code: int) -> int:
    return (code // 10) * 4 + code % 10 - 1


def approved_series(kpi: Kpi, phase: Phase) -> dict[int, dict[int, int]]:
    """Each province record's stock by quarter in the phase, the later-signed agreement winning."""
    agreements = {
        agreement.pk: agreement
        for agreement in Agreement.objects.filter(counterparty__province__isnull=False)
        .only("signed_on", "period_start", "period_end", "counterparty__province")
        .select_related("counterparty")
    }
    chosen = defaultdict(dict)
    values = KpiValue.objects.filter(kpi=kpi, report__status=ReportStatus.APPROVED).values_list(
        "report__agreement_id", "report__quarter", "value"
    )
    for agreement_id, quarter, value in values:
        agreement = agreements.get(agreement_id)
        if agreement is None or quarter > LAST_COMPLETED:
            continue
        if not agreement.period_start * 10 + 1 <= quarter <= agreement.period_end * 10 + 4:
            continue
        if not phase.start_year * 10 + 1 <= quarter <= phase.end_year * 10 + 4:
            continue
        rank = (agreement.signed_on, agreement.period_start, agreement.period_end, agreement.pk)
        unit = agreement.counterparty.province_id
        held = chosen[unit].get(quarter)
        if held is None or rank > held[0]:
            chosen[unit][quarter] = (rank, value)
    return {unit: {q: value for q, (_rank, value) in by_q.items()} for unit, by_q in chosen.items()}


def at(series: dict[int, int], reference: int):
    """A unit's stock at the reference quarter, or None when it is not reporting."""
    quarters = [quarter for quarter in series if quarter <= reference]
    if not quarters:
        return None
    latest = max(quarters)
    return series[latest] if index(reference) - index(latest) <= CARRY else None


@pytest.mark.parametrize("phase_start", [2014, 2021, 2026])
def test_the_stored_national_and_province_figures_follow_the_rules_on_the_scale_data(
    db, scale, phase_start
):
    phase = Phase.objects.get(start_year=phase_start)
    stocks = [
        kpi
        for kpi in scale
        if kpi.kind == KpiKind.COUNT and kpi.time_aggregation == TimeAggregation.LATEST
    ]
    assert stocks, "the scale data has stocks to check"
    for kpi in stocks[:2]:
        series = approved_series(kpi, phase)
        reference = max(quarter for by_q in series.values() for quarter in by_q)
        current = Province.objects.current().prefetch_related("predecessors")
        expected = {}
        for province in current:
            own_series = series.get(province.pk, {})
            own = at(own_series, reference)
            formers = [
                at(series.get(unit.pk, {}), reference) for unit in province.predecessors.all()
            ]
            reporting = [value for value in formers if value is not None]
            if own is not None and (reference in own_series or not reporting):
                expected[province.pk] = (own, 1)
            elif reporting:
                expected[province.pk] = (sum(reporting), len(reporting))

        national = NationalProgress.objects.get(phase=phase, kpi=kpi)
        assert national.reference_quarter == reference
        assert national.value == sum(value for value, _units in expected.values())
        assert national.provinces_reporting == len(expected)
        stored = {
            row.province_id: (row.value, row.units_reporting)
            for row in ProvinceProgress.objects.filter(
                phase=phase, kpi=kpi, province__in=current, units_reporting__gt=0
            )
        }
        assert stored == expected


def test_one_agreements_recompute_leaves_every_row_a_full_rebuild_would(db, scale):
    """After one report changes, recomputing its agreement (the unit and what it merged into,
    the other former units added up from their stored rows) gives the rows of a full rebuild."""

    def province_figure(province_id, value):
        year = value.report.quarter // 10
        return ProvinceProgress.objects.get(
            province_id=province_id,
            kpi=value.kpi,
            phase__start_year__lte=year,
            phase__end_year__gte=year,
        ).value

    with time_machine.travel(TODAY, tick=False):
        progress.recompute_all()
        for agreement in (
            Agreement.objects.filter(
                period_start=2021, counterparty__province__successor__isnull=False
            ).first(),
            Agreement.objects.filter(
                period_start__gte=2025, counterparty__province__predecessors__isnull=False
            ).first(),
        ):
            value = (
                KpiValue.objects.filter(
                    report__agreement=agreement, report__status=ReportStatus.APPROVED
                )
                .exclude(value=None)
                .order_by("-report__quarter")
                .first()
            )
            root = ProvinceTree().chain(agreement.counterparty.province_id)[-1]
            before = province_figure(root, value)
            KpiValue.objects.filter(pk=value.pk).update(value=value.value + 7)
            progress.recompute_agreement(agreement.pk)
            after_one = snapshot()
            progress.recompute_all()
            assert snapshot() == after_one
            assert province_figure(root, value) == before + 7
