"""How agreements' figures add up into provinces, merged provinces, regions and the nation."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from dashboards.services import _region_rollups
from milestones.models import ReportStatus
from partnerships.models import OrganisationKind
from progress import services as progress
from progress.coverage import coverage
from progress.models import AgreementProgress, NationalProgress, ProgressStatus
from provinces.models import Region

from .factories import AgreementFactory, KpiFactory, OrganisationFactory, PhaseFactory
from .progress_data import agreement_for, catalogue, national_row, province_row, report, target

D = Decimal


@pytest.fixture
def kpis(db):
    return catalogue()


def test_it_adds_up_counts_of_the_units_merged_into_a_province(provinces, kpis):
    bts = kpis["bts_total"]
    lao_cai = agreement_for(provinces.former_lao_cai)
    yen_bai = agreement_for(provinces.former_yen_bai)
    report(lao_cai, "2024Q4", {bts: 1000})
    report(yen_bai, "2024Q4", {bts: 800})
    target(lao_cai, bts, 1100)
    target(yen_bai, bts, 900)
    progress.recompute_all()

    assert province_row(provinces.former_lao_cai, bts).value == D(1000)
    merged = province_row(provinces.lao_cai, bts)
    assert merged.value == D(1800)
    assert merged.target_value == D(2000)
    assert merged.attainment == D(90)
    assert merged.agreements == 2
    assert merged.units_reporting == 2
    assert national_row(bts).value == D(1800)


def test_it_takes_the_latest_value_of_a_stock_not_the_sum_of_quarters(provinces, kpis):
    bts = kpis["bts_total"]
    agreement = agreement_for(provinces.former_lai_chau)
    report(agreement, "2024Q3", {bts: 500})
    report(agreement, "2024Q4", {bts: 520})
    progress.recompute_all()

    row = AgreementProgress.objects.get(agreement=agreement, kpi=bts)
    assert row.value == D(520)
    assert row.latest_quarter == 20244
    assert national_row(bts).value == D(520)


def test_it_adds_up_a_flow_over_the_quarters(provinces, kpis):
    new = kpis["new_subscribers"]
    agreement = agreement_for(provinces.former_lai_chau)
    report(agreement, "2024Q3", {new: 30})
    report(agreement, "2024Q4", {new: 20})
    progress.recompute_all()

    assert national_row(new).value == D(50)


def test_it_adds_ratios_as_sums_of_numerators_over_sums_of_denominators(provinces, kpis):
    fibre = kpis["villages_fibre"]
    lao_cai = agreement_for(provinces.former_lao_cai)
    yen_bai = agreement_for(provinces.former_yen_bai)
    report(lao_cai, "2024Q4", {fibre: (1024, 1569)})
    report(yen_bai, "2024Q4", {fibre: (100, 100)})
    target(lao_cai, fibre, 80)
    target(yen_bai, fibre, 100)
    progress.recompute_all()

    merged = province_row(provinces.lao_cai, fibre)
    assert merged.numerator == D(1124)
    assert merged.denominator == D(1669)
    # 1124 / 1669, not the mean of 65.26 % and 100 % (82.63 %).
    assert merged.value == D("67.35")
    # The target weighs each unit by its villages: (0.8 × 1569 + 1 × 100) / 1669.
    assert merged.target_value == D("81.20")
    assert merged.attainment == D("82.94")


def test_it_never_averages_percentages_across_provinces(provinces, kpis):
    level4 = kpis["level4_services_pct"]
    lao_cai = agreement_for(provinces.former_lao_cai)
    yen_bai = agreement_for(provinces.former_yen_bai)
    report(lao_cai, "2024Q4", {level4: 30})
    report(yen_bai, "2024Q4", {level4: 90})
    target(lao_cai, level4, 80)
    target(yen_bai, level4, 80)
    progress.recompute_all()

    former = province_row(provinces.former_lao_cai, level4)
    assert former.value == D(30)
    assert former.target_value == D(80)
    merged = province_row(provinces.lao_cai, level4)
    assert merged.value is None
    assert merged.attainment is None
    assert (merged.units_reached_target, merged.units_with_target) == (1, 2)
    assert (merged.value_min, merged.value_max) == (D(30), D(90))
    # The worst unit's status: the period has ended and Lào Cai stayed far below its target.
    assert merged.status == ProgressStatus.NOT_ACHIEVED


def test_it_counts_a_province_once_when_two_of_its_agreements_report(provinces, kpis):
    bts = kpis["bts_total"]
    older = agreement_for(provinces.former_lai_chau)
    newer = agreement_for(provinces.former_lai_chau, signed_on=None)
    report(older, "2023Q4", {bts: 400})
    report(newer, "2024Q4", {bts: 450})
    progress.recompute_all()

    row = province_row(provinces.former_lai_chau, bts)
    assert row.value == D(450)
    assert row.agreements == 2


def test_it_counts_only_approved_reports(provinces, kpis):
    bts = kpis["bts_total"]
    agreement = agreement_for(provinces.former_lai_chau)
    report(agreement, "2024Q3", {bts: 300})
    report(agreement, "2024Q4", {bts: 999}, status=ReportStatus.SUBMITTED)
    progress.recompute_all()

    assert national_row(bts).value == D(300)


def test_it_lets_a_merged_province_report_on_its_own_after_the_merger(provinces, kpis):
    bts = kpis["bts_total"]
    former = agreement_for(provinces.former_quang_binh)
    report(former, "2025Q1", {bts: 700})
    own = agreement_for(provinces.quang_tri, signed_on=None)
    report(own, "2025Q4", {bts: 1500})
    progress.recompute_all()

    assert province_row(provinces.quang_tri, bts).value == D(1500)
    assert national_row(bts).value == D(1500)


def test_a_merged_province_adds_up_its_former_units_at_a_quarter_it_did_not_report(provinces, kpis):
    # Quảng Trị reported Q3/2025 on its own, then not Q4/2025, when both former units did:
    # at Q4/2025 its figure is theirs, not its own carried from Q3/2025 (DOMAIN.md).
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_quang_binh), "2025Q4", {bts: 700})
    report(agreement_for(provinces.former_quang_tri), "2025Q4", {bts: 800})
    own = agreement_for(provinces.quang_tri, signed_on=datetime.date(2025, 7, 15))
    report(own, "2025Q3", {bts: 1400})
    progress.recompute_all()

    row = province_row(provinces.quang_tri, bts)
    assert row.value == D(1500)
    assert (row.units_reporting, row.units_carried) == (2, 0)
    with translation.override("en"):
        assert coverage(row) == "as of Q4/2025 · 2 of 2 former units reporting"
    assert national_row(bts).value == D(1500)


def test_a_merged_province_keeps_its_own_carried_figure_when_no_former_unit_reports(
    provinces, kpis
):
    # The former units last reported over a year before Q4/2025 and add nothing; the
    # province's own Q3/2025 figure carries to Q4/2025, set by another province's report.
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_quang_binh), "2024Q2", {bts: 700})
    own = agreement_for(provinces.quang_tri, signed_on=datetime.date(2025, 7, 15))
    report(own, "2025Q3", {bts: 1400})
    report(agreement_for(provinces.former_lai_chau), "2025Q4", {bts: 500})
    progress.recompute_all()

    row = province_row(provinces.quang_tri, bts)
    assert row.value == D(1400)
    with translation.override("en"):
        assert coverage(row) == "as of Q4/2025 · carried from Q3/2025"
    assert national_row(bts).value == D(1900)


def test_it_keeps_phases_apart(provinces, kpis):
    ftth = kpis["ftth_subscribers"]
    old = agreement_for(provinces.former_lao_cai, start=2014, end=2020)
    new = agreement_for(provinces.former_lao_cai)
    report(old, "2020Q4", {ftth: 46495})
    report(new, "2024Q4", {ftth: 80000})
    progress.recompute_all()

    assert province_row(provinces.lao_cai, ftth, 2014).value == D(46495)
    assert province_row(provinces.lao_cai, ftth, 2021).value == D(80000)


def test_it_leaves_agreements_with_central_agencies_out_of_the_roll_ups(provinces, kpis):
    bts = kpis["bts_total"]
    agency = OrganisationFactory(
        province=None,
        kind=OrganisationKind.CENTRAL_AGENCY,
        name="Ủy ban Dân tộc",
        short_name="Ủy ban Dân tộc",
    )
    agreement = AgreementFactory(counterparty=agency, phase=PhaseFactory())
    report(agreement, "2024Q4", {bts: 50})
    progress.recompute_all()

    assert AgreementProgress.objects.get(agreement=agreement, kpi=bts).value == D(50)
    assert not NationalProgress.objects.exists()


def test_it_marks_every_roll_up_that_includes_demo_figures(provinces, kpis):
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_lao_cai), "2024Q4", {bts: 10}, is_demo=True)
    report(agreement_for(provinces.former_yen_bai), "2024Q4", {bts: 10})
    progress.recompute_all()

    assert province_row(provinces.former_lao_cai, bts).includes_demo
    assert not province_row(provinces.former_yen_bai, bts).includes_demo
    assert province_row(provinces.lao_cai, bts).includes_demo
    assert national_row(bts).includes_demo


def test_it_adds_up_a_region_from_stored_rows_as_the_full_computation_does(provinces, kpis):
    bts, fibre = kpis["bts_total"], kpis["villages_fibre"]
    for unit, (stations, villages) in {
        provinces.former_lao_cai: (1000, (1024, 1569)),
        provinces.former_yen_bai: (800, (300, 400)),
        provinces.former_quang_binh: (900, (500, 1000)),
        provinces.former_lai_chau: (600, (200, 800)),
    }.items():
        agreement = agreement_for(unit)
        report(agreement, "2024Q4", {bts: stations, fibre: villages})
        target(agreement, bts, stations + 100)
        target(agreement, fibre, 90)
    progress.recompute_all()

    north = _region_rollups(national_row(bts).phase, [bts, fibre], Region.NORTHERN_MIDLANDS)
    # Lào Cai (merged) and Lai Châu are in the northern midlands; Quảng Trị is not.
    assert north[bts.pk].value == D(2400)
    assert north[bts.pk].target_value == D(2700)
    assert north[fibre.pk].numerator == D(1524)
    assert north[fibre.pk].denominator == D(2769)
    everything = _region_rollups(national_row(bts).phase, [bts, fibre], Region.NORTH_CENTRAL)
    assert everything[bts.pk].value == D(900)
    assert national_row(bts).value == D(3300)
    assert national_row(fibre).value == D("53.70")


def test_a_region_expects_its_provinces_that_signed_for_the_phase(provinces, kpis):
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_yen_bai), "2024Q4", {bts: 800})
    # Lai Châu signed for the phase and sent nothing; Quảng Trị is in another region.
    agreement_for(provinces.former_lai_chau)
    report(agreement_for(provinces.former_quang_binh), "2024Q4", {bts: 900})
    progress.recompute_all()

    north = _region_rollups(national_row(bts).phase, [bts], Region.NORTHERN_MIDLANDS)

    assert (north[bts.pk].provinces_reporting, north[bts.pk].provinces_expected) == (1, 2)


def test_a_province_of_one_agreement_reaches_the_share_of_its_target_its_agreement_does(
    provinces, kpis
):
    # 1375 of 1569 villages is 87.6354…%, shown 87.64%; against 95.5% that is 91.76% of
    # the target. Dividing the rounded share instead gave the agreement 91.77%.
    fibre = kpis["villages_fibre"]
    agreement = agreement_for(provinces.former_lai_chau)
    report(agreement, "2024Q4", {fibre: (1375, 1569)})
    target(agreement, fibre, D("95.5"))
    progress.recompute_all()

    row = AgreementProgress.objects.get(agreement=agreement, kpi=fibre)
    assert row.value == D("87.64")
    assert row.attainment == D("91.76")
    assert province_row(provinces.former_lai_chau, fibre).attainment == D("91.76")
    assert national_row(fibre).attainment == D("91.76")


def test_where_lower_is_better_a_province_reaches_its_target_as_its_agreement_does(provinces, kpis):
    # Communes without mobile coverage: 40 left against a target of 30 is 75% of the way
    # there, on the agreement's page, its province's and the nation's alike (not 133%).
    uncovered = KpiFactory(code="communes_uncovered", higher_is_better=False, order=7)
    agreement = agreement_for(provinces.former_lai_chau)
    report(agreement, "2024Q4", {uncovered: 40})
    target(agreement, uncovered, 30)
    progress.recompute_all()

    assert AgreementProgress.objects.get(agreement=agreement, kpi=uncovered).attainment == D(75)
    assert province_row(provinces.former_lai_chau, uncovered).attainment == D(75)
    assert national_row(uncovered).attainment == D(75)


def test_a_unit_not_reporting_shows_its_last_value_as_of_then_with_nothing_projected(
    provinces, kpis
):
    # Lai Châu last reported Q3/2024, five quarters before Q4/2025: it adds nothing, and its
    # own row says the value is of Q3/2024, not of Q4/2025, with no projection from it.
    bts = kpis["bts_total"]
    stale = agreement_for(provinces.former_lai_chau)
    report(stale, "2024Q3", {bts: 1010})
    target(stale, bts, 1040)
    report(agreement_for(provinces.former_lao_cai), "2025Q4", {bts: 1490})
    progress.recompute_all()

    unit = province_row(provinces.former_lai_chau, bts)
    assert (unit.value, unit.status, unit.projected_value) == (
        D(1010),
        ProgressStatus.NOT_REPORTING,
        None,
    )
    agreement = AgreementProgress.objects.get(agreement=stale, kpi=bts)
    assert agreement.projected_value is None
    with translation.override("en"):
        assert coverage(unit) == "last reported Q3/2024"
        assert coverage(agreement) == "as of Q3/2024"
    assert province_row(provinces.lai_chau, bts).value is None
    assert national_row(bts).value == D(1490)
