"""Status, attainment, change and projection of one agreement's KPI."""

import datetime
from decimal import Decimal

import pytest

from core.quarters import Quarter
from partnerships.models import Kpi, KpiKind, SpaceAggregation, TimeAggregation
from progress.models import SHORT_OF_TARGET, SLIPPING, ProgressStatus
from progress.rules import AgreementTerms, TargetFacts, agreement_kpi_figures, status_for
from progress.rules import ApprovedReading as Reading

D = Decimal


def count_kpi(**kwargs) -> Kpi:
    return Kpi(
        code="bts_total",
        kind=KpiKind.COUNT,
        space_aggregation=SpaceAggregation.SUM,
        time_aggregation=kwargs.pop("time_aggregation", TimeAggregation.LATEST),
        **kwargs,
    )


def readings(*pairs, demo=False) -> list[Reading]:
    return [
        Reading(Quarter.parse(quarter).code, D(value), None, None, demo) for quarter, value in pairs
    ]


def target(value) -> TargetFacts:
    return TargetFacts(D(value), None, datetime.date(2025, 12, 31), False)


def figures(kpi, values, target_value=None, end=2025, today=None):
    """An agreement of 2014–`end`, judged as of its latest reading unless `today` says otherwise."""
    latest = max((reading.quarter for reading in values), default=Quarter(end, 1).code)
    return agreement_kpi_figures(
        kpi,
        values,
        target(target_value) if target_value is not None else None,
        AgreementTerms(1, None, 2014, end),
        today or Quarter.from_code(latest),
    )


def test_it_projects_the_trend_of_the_last_four_quarters_to_the_end_of_the_period():
    # +100 over the four quarters to 2023Q4: 25 a quarter, 8 quarters left to 2025Q4.
    result = figures(count_kpi(), readings(("2022Q4", 1000), ("2023Q4", 1100)), 1300)
    assert result["value"] == D(1100)
    assert result["change_last_year"] == D(100)
    assert result["projected_value"] == D(1300)
    assert result["status"] == ProgressStatus.ON_TRACK
    assert result["attainment"] == D("84.62")


@pytest.mark.parametrize(
    ("target_value", "status"),
    [
        (1300, ProgressStatus.ON_TRACK),  # projection 1300 reaches it
        (1400, ProgressStatus.AT_RISK),  # 1300 is 92.9 % of it: within 10 %
        (1500, ProgressStatus.OFF_TRACK),  # 1300 is 86.7 % of it
    ],
)
def test_it_rates_the_projection_against_the_target(target_value, status):
    result = figures(count_kpi(), readings(("2022Q4", 1000), ("2023Q4", 1100)), target_value)
    assert result["status"] == status


def test_it_says_no_data_without_a_value_and_no_target_without_a_target():
    assert figures(count_kpi(), [], 100)["status"] == ProgressStatus.NO_DATA
    assert figures(count_kpi(), [], 100)["target_value"] == D(100)
    no_target = figures(count_kpi(), readings(("2023Q4", 10)))
    assert no_target["status"] == ProgressStatus.NO_TARGET
    assert no_target["value"] == D(10)
    assert no_target["attainment"] is None
    # A projection runs to a target's date: without one there is nothing to project to.
    assert no_target["projected_value"] is None


def test_it_uses_the_earliest_reading_when_there_is_none_a_year_back():
    result = figures(count_kpi(), readings(("2025Q1", 100), ("2025Q2", 110)), 200)
    assert result["change_last_year"] is None
    # +10 a quarter, two quarters left.
    assert result["projected_value"] == D(130)


def test_it_projects_a_single_reading_flat():
    result = figures(count_kpi(), readings(("2024Q2", 500)), 500)
    assert result["projected_value"] == D(500)
    assert result["status"] == ProgressStatus.ON_TRACK


def test_it_judges_a_finished_period_on_its_last_value():
    ended = Quarter(2021, 1)
    result = figures(count_kpi(), readings(("2019Q4", 100), ("2020Q4", 900)), 1000, 2020, ended)
    assert result["projected_value"] == D(900)
    assert result["status"] == ProgressStatus.NOT_ACHIEVED
    reached = figures(count_kpi(), readings(("2020Q4", 1000)), 1000, 2020, ended)
    assert reached["status"] == ProgressStatus.ACHIEVED


def test_it_keeps_a_projected_share_within_a_hundred_per_cent():
    kpi = Kpi(code="villages_fibre", kind=KpiKind.RATIO, space_aggregation="ratio_of_sums")
    values = [
        Reading(Quarter.parse("2022Q4").code, None, D(60), D(100), False),
        Reading(Quarter.parse("2023Q4").code, None, D(90), D(100), False),
    ]
    result = figures(kpi, values, 100)
    assert result["value"] == D(90)
    assert result["numerator"] == D(90)
    assert result["denominator"] == D(100)
    assert result["projected_value"] == D(100)


def test_it_never_projects_a_count_below_zero():
    result = figures(count_kpi(), readings(("2022Q4", 400), ("2023Q4", 100)), 50)
    assert result["projected_value"] == D(0)


def test_it_adds_up_a_flow_over_the_period():
    kpi = count_kpi(time_aggregation=TimeAggregation.SUM)
    values = readings(("2023Q1", 10), ("2023Q2", 20), ("2023Q3", 30), ("2023Q4", 40))
    result = figures(kpi, values, 300)
    assert result["value"] == D(100)
    assert result["change_last_year"] == D(100)
    # 25 a quarter for eight more quarters.
    assert result["projected_value"] == D(300)
    assert result["status"] == ProgressStatus.ON_TRACK


def test_it_reverses_the_comparison_when_lower_is_better():
    kpi = count_kpi(higher_is_better=False)
    for projected, status in (
        (90, ProgressStatus.ON_TRACK),
        (110, ProgressStatus.AT_RISK),
        (130, ProgressStatus.OFF_TRACK),
    ):
        assert status_for(kpi, value=D(projected), projected=D(projected), target=D(100)) == status


def test_it_marks_figures_from_demo_reports():
    assert figures(count_kpi(), readings(("2023Q4", 1), demo=True), 5)["includes_demo"]
    assert not figures(count_kpi(), readings(("2023Q4", 1)), 5)["includes_demo"]


def test_it_skips_readings_left_empty():
    values = [
        *readings(("2023Q3", 7)),
        Reading(Quarter.parse("2023Q4").code, None, None, None, False),
    ]
    result = figures(count_kpi(), values, 10)
    assert result["value"] == D(7)
    assert result["latest_quarter"] == 20233


def test_the_slipping_statuses_run_worst_first():
    # The slipping list's columns and the summaries name them in this order.
    assert SLIPPING == [
        ProgressStatus.NOT_ACHIEVED,
        ProgressStatus.OFF_TRACK,
        ProgressStatus.AT_RISK,
    ]
    assert SLIPPING[:2] == SHORT_OF_TARGET
