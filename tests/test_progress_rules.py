"""The rules of DOMAIN.md, *KPIs and how they add up*, each in a small world of its own.

Today is frozen in December 2026 (as when these rules were written): 2021–2025 has
ended, 2026–2030 runs.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from progress import services as progress
from progress.coverage import coverage
from progress.models import AgreementProgress, ProgressStatus
from progress.rules import status_for

from .conftest import VIETNAM
from .factories import PhaseFactory
from .progress_data import agreement_for, catalogue, national_row, province_row, report, target

D = Decimal


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=VIETNAM), tick=True):
        yield


@pytest.fixture
def kpis(db):
    return catalogue()


def test_it_lets_a_merged_province_report_on_its_own_only_for_the_quarters_it_reported(
    provinces, kpis
):
    bts = kpis["bts_total"]
    quang_binh = agreement_for(provinces.former_quang_binh)
    quang_tri = agreement_for(provinces.former_quang_tri)
    for quarter, (binh, tri) in {"2025Q1": (900, 700), "2025Q2": (950, 720)}.items():
        report(quang_binh, quarter, {bts: binh})
        report(quang_tri, quarter, {bts: tri})
    # The current Quảng Trị signs in August 2025 and reports Q4/2025 for the whole province.
    current = agreement_for(
        provinces.quang_tri, start=2025, end=2030, signed_on=datetime.date(2025, 8, 1)
    )
    report(current, "2025Q4", {bts: 1800})
    progress.recompute_all()

    row = province_row(provinces.quang_tri, bts)
    assert (row.value, row.reference_quarter) == (D(1800), 20254)
    assert row.units_expected == 1
    # In 2014–2020 nothing of the current province counts: its former units' figures stand.
    national = national_row(bts)
    assert national.value == D(1800)
    assert national.reference_quarter == 20254


def test_it_adds_the_former_units_up_where_the_current_province_has_not_reported(provinces, kpis):
    bts = kpis["bts_total"]
    quang_binh = agreement_for(provinces.former_quang_binh)
    quang_tri = agreement_for(provinces.former_quang_tri)
    report(quang_binh, "2025Q2", {bts: 950})
    report(quang_tri, "2025Q2", {bts: 720})
    # Signed, with a target, but nothing reported yet: it replaces nothing.
    current = agreement_for(
        provinces.quang_tri, start=2025, end=2030, signed_on=datetime.date(2025, 8, 1)
    )
    target(current, bts, 2000)
    progress.recompute_all()

    row = province_row(provinces.quang_tri, bts)
    assert row.value == D(1670)
    assert (row.units_reporting, row.units_expected) == (2, 2)


def test_the_nation_expects_every_province_that_signed_for_the_phase(provinces, kpis):
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_lao_cai), "2025Q3", {bts: 1000})
    # Signed for the phase; one set a target, the other nothing yet: neither sent a value.
    target(agreement_for(provinces.former_quang_binh), bts, 900)
    agreement_for(provinces.former_lai_chau)
    # Signed for another phase only.
    agreement_for(provinces.quang_tri, start=2026, end=2030, signed_on=datetime.date(2025, 8, 1))
    progress.recompute_all()

    national = national_row(bts)
    assert (national.provinces_reporting, national.provinces_expected) == (1, 3)
    with translation.override("en"):
        assert coverage(national) == "as of Q3/2025 · 1 of 3 provinces reporting"


def test_it_carries_a_stale_stock_for_four_quarters_and_then_counts_it_no_more(provinces, kpis):
    bts = kpis["bts_total"]
    lao_cai = agreement_for(provinces.former_lao_cai)
    yen_bai = agreement_for(provinces.former_yen_bai)
    lai_chau = agreement_for(provinces.former_lai_chau)
    report(lao_cai, "2025Q3", {bts: 1000})
    report(yen_bai, "2025Q1", {bts: 800})  # four quarters before the reference: carried
    report(lai_chau, "2023Q1", {bts: 1431})  # eleven quarters before: not reporting
    for agreement in (lao_cai, yen_bai, lai_chau):
        target(agreement, bts, 2000)
    progress.recompute_all()

    national = national_row(bts)
    assert national.reference_quarter == 20253
    assert national.value == D(1800)
    assert (national.provinces_reporting, national.provinces_expected) == (1, 2)
    assert (national.provinces_carried, national.carried_from) == (1, 20251)
    stale = province_row(provinces.former_lai_chau, bts)
    assert stale.status == ProgressStatus.NOT_REPORTING
    assert stale.units_reporting == 0
    merged = province_row(provinces.lao_cai, bts)
    assert (merged.units_reporting, merged.units_expected, merged.units_carried) == (2, 2, 1)


def test_figures_carried_from_two_quarters_name_both(provinces, kpis):
    bts = kpis["bts_total"]
    report(agreement_for(provinces.former_lao_cai), "2025Q3", {bts: 1000})
    report(agreement_for(provinces.former_yen_bai), "2025Q1", {bts: 800})
    report(agreement_for(provinces.former_quang_tri), "2025Q3", {bts: 700})
    report(agreement_for(provinces.former_quang_binh), "2025Q2", {bts: 900})
    progress.recompute_all()

    national = national_row(bts)
    assert (national.provinces_carried, national.carried_from, national.carried_until) == (
        2,
        20251,
        20252,
    )
    # "2 carried from Q1/2025" would read as both; Quảng Trị's is Q2/2025's.
    with translation.override("en"):
        assert coverage(national).endswith("2 carried from Q1/2025 to Q2/2025")
    with translation.override("vi"):
        assert coverage(national).endswith("2 đơn vị dùng số liệu từ Quý 1/2025 đến Quý 2/2025")
    # One quarter carried is named once, as before.
    with translation.override("en"):
        assert coverage(province_row(provinces.lao_cai, bts)).endswith(
            "2 of 2 former units reporting, 1 carried from Q1/2025"
        )


def test_it_never_counts_a_value_outside_its_agreements_period_or_phase(provinces, kpis):
    bts = kpis["bts_total"]
    PhaseFactory(start_year=2014, end_year=2020)
    PhaseFactory(start_year=2021, end_year=2025)
    # Tuyên Quang's 2017–2022: its 2022 figures belong to 2021–2025, not to 2014–2020.
    tuyen_quang = agreement_for(provinces.former_lai_chau, start=2017, end=2022)
    report(tuyen_quang, "2020Q4", {bts: 500})
    report(tuyen_quang, "2022Q2", {bts: 600})
    # A value reported past its period never counts.
    report(tuyen_quang, "2023Q1", {bts: 9999})
    progress.recompute_all()

    assert national_row(bts, 2014).reference_quarter == 20204
    assert national_row(bts, 2014).value == D(500)
    assert national_row(bts, 2021).reference_quarter == 20222
    assert national_row(bts, 2021).value == D(600)
    assert AgreementProgress.objects.get(agreement=tuyen_quang, kpi=bts).value == D(600)


def test_it_counts_the_agreement_signed_later_when_two_of_one_unit_report_a_quarter(
    provinces, kpis
):
    bts = kpis["bts_total"]
    later = agreement_for(provinces.former_lai_chau, signed_on=datetime.date(2021, 9, 1))
    earlier = agreement_for(provinces.former_lai_chau, signed_on=datetime.date(2021, 4, 29))
    report(earlier, "2024Q4", {bts: 700})
    report(later, "2024Q4", {bts: 650})
    report(earlier, "2025Q1", {bts: 720})
    progress.recompute_all()

    row = province_row(provinces.former_lai_chau, bts)
    # Q1/2025 has only the earlier agreement's figure, and it is the latest.
    assert (row.value, row.latest_quarter) == (D(720), 20251)
    # Where both report, the later-signed wins, whatever the rows' order.
    report(later, "2025Q1", {bts: 690})
    progress.recompute_all()
    assert province_row(provinces.former_lai_chau, bts).value == D(690)


def test_it_judges_an_ended_period_by_its_end_and_a_running_one_from_its_baseline(provinces, kpis):
    bts = kpis["bts_total"]
    ended = agreement_for(provinces.former_lao_cai)
    report(ended, "2025Q4", {bts: 1000})
    target(ended, bts, 1100)
    running = agreement_for(
        provinces.lao_cai, start=2026, end=2030, signed_on=datetime.date(2026, 1, 10)
    )
    report(running, "2026Q1", {bts: 1200})
    report(running, "2026Q3", {bts: 1300})
    # +50 a quarter from 1300 in Q3/2026 projects 2150 by Q4/2030.
    target(running, bts, 2300, baseline_value=D(1200), target_on=datetime.date(2030, 12, 31))
    progress.recompute_all()

    assert AgreementProgress.objects.get(agreement=ended).status == ProgressStatus.NOT_ACHIEVED
    row = AgreementProgress.objects.get(agreement=running)
    assert row.projected_value == D(2150)
    # 2150 is 93 % of the target, but covers only 950 of the 1100 stations from the
    # baseline to the target: 86 % of the way, off track.
    assert row.status == ProgressStatus.OFF_TRACK
    without_baseline = status_for(bts, value=D(1300), projected=D(2150), target=D(2300))
    assert without_baseline == ProgressStatus.AT_RISK


def test_it_says_no_target_for_a_value_without_one(provinces, kpis):
    bts = kpis["bts_total"]
    agreement = agreement_for(provinces.former_lao_cai)
    report(agreement, "2025Q4", {bts: 1000})
    progress.recompute_all()
    row = AgreementProgress.objects.get(agreement=agreement)
    assert (row.value, row.status) == (D(1000), ProgressStatus.NO_TARGET)


def test_it_says_how_many_former_units_a_merged_province_stands_for(
    provinces, kpis, client, official
):
    fibre = kpis["villages_fibre"]
    lao_cai = agreement_for(provinces.former_lao_cai)
    report(lao_cai, "2025Q4", {fibre: (1375, 1569)})
    target(lao_cai, fibre, 90)
    # Yên Bái, merged into Lào Cai too, has no agreement at all.
    progress.recompute_all()

    row = province_row(provinces.lao_cai, fibre)
    assert (row.units_reporting, row.units_expected) == (1, 2)
    client.force_login(official)
    url = reverse("dashboards:province-dashboard", args=[provinces.lao_cai.slug])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "as of Q4/2025 · 1 of 2 former units reporting" in html


def test_it_adds_ratios_across_merged_units_as_sums_and_never_adds_percentages(provinces, kpis):
    fibre, level4 = kpis["villages_fibre"], kpis["level4_services_pct"]
    lao_cai = agreement_for(provinces.former_lao_cai)
    yen_bai = agreement_for(provinces.former_yen_bai)
    report(lao_cai, "2025Q4", {fibre: (1375, 1569), level4: 80})
    report(yen_bai, "2025Q4", {fibre: (500, 1000), level4: 95})
    for agreement in (lao_cai, yen_bai):
        target(agreement, level4, 90)
    progress.recompute_all()

    ratio = province_row(provinces.lao_cai, fibre)
    # 1875 of 2569 villages: not the mean of 87.6 % and 50 %.
    assert (ratio.numerator, ratio.denominator, ratio.value) == (D(1875), D(2569), D("72.99"))
    share = province_row(provinces.lao_cai, level4)
    # Two percentages have no sum: the province says how many units reached their target,
    # the range of their values, and the worst status once the period has ended.
    assert share.value is None
    assert (share.value_min, share.value_max) == (D(80), D(95))
    assert (share.units_reached_target, share.units_with_target) == (1, 2)
    assert share.status == ProgressStatus.NOT_ACHIEVED


def test_it_judges_a_figure_only_by_a_target_of_its_own_phase(provinces, kpis):
    bts = kpis["bts_total"]
    PhaseFactory(start_year=2026, end_year=2030)
    lao_cai = agreement_for(provinces.former_lao_cai)
    yen_bai = agreement_for(provinces.former_yen_bai)
    report(lao_cai, "2025Q2", {bts: 1000})
    report(yen_bai, "2025Q2", {bts: 800})
    target(lao_cai, bts, 1100, target_on=datetime.date(2025, 12, 31))
    target(yen_bai, bts, 900, target_on=datetime.date(2025, 12, 31))
    # The current Lào Cai signs a 2025–2030 agreement and reports Q4/2025 on its own.
    current = agreement_for(
        provinces.lao_cai, start=2025, end=2030, signed_on=datetime.date(2025, 8, 1)
    )
    report(current, "2025Q4", {bts: 1950})
    target(current, bts, 4000, target_on=datetime.date(2030, 12, 31))
    progress.recompute_all()

    # In 2021–2025 its own figure stands, measured against its former units' 2025 targets.
    ended = province_row(provinces.lao_cai, bts)
    assert (ended.value, ended.target_value) == (D(1950), D(2000))
    assert ended.status == ProgressStatus.NOT_ACHIEVED
    # Its 2030 target counts in 2026–2030 only, which has no value yet: Q4/2025 is not in it.
    running = province_row(provinces.lao_cai, bts, phase_start=2026)
    assert (running.value, running.target_value) == (None, D(4000))
    assert running.status == ProgressStatus.NO_DATA
