"""The figures follow an edit of a KPI's aggregation, of a phase's years or of an agreement's
terms, and a new agreement, at once, with no manual `recompute_progress`; other edits leave the
figures alone."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships.models import Agreement, TimeAggregation
from progress import services as progress
from progress.models import AgreementProgress, PendingRecompute, ProvinceProgress, RecomputeRun

from .admin_forms import add, change, form_data
from .factories import OrganisationFactory
from .progress_data import agreement_for, catalogue, national_row, report, snapshot

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def bts(provinces):
    """Lào Cai's stations, reported in 2021 and 2024 and counted into the national figures."""
    bts = catalogue()["bts_total"]
    agreement = agreement_for(provinces.former_lao_cai)
    report(agreement, "2021Q4", {bts: 500})
    report(agreement, "2024Q3", {bts: 1000})
    report(agreement, "2024Q4", {bts: 1050})
    progress.recompute_all()
    assert national_row(bts).value == D(1050)
    return bts


def _full_runs():
    return RecomputeRun.objects.filter(agreement__isnull=True).count()


def test_it_recomputes_when_a_kpis_time_aggregation_changes(
    admin_client, bts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, bts, form_data(bts, time_aggregation=TimeAggregation.SUM))

    assert response.status_code == 302
    # A flow adds up the quarters reported in the phase.
    assert national_row(bts).value == D(2550)


def test_it_recomputes_when_a_phases_years_change(
    admin_client, bts, django_capture_on_commit_callbacks
):
    phase = national_row(bts).phase
    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, phase, form_data(phase, name="2021–2023", end_year="2023"))

    assert response.status_code == 302
    # 2021Q4 is now the phase's latest quarter with approved values.
    assert national_row(bts).value == D(500)


def test_it_leaves_the_figures_alone_when_only_a_name_changes(
    admin_client, bts, django_capture_on_commit_callbacks
):
    runs = _full_runs()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(
            admin_client, bts, form_data(bts, name_vi="Tổng số trạm BTS (mọi thế hệ)")
        )

    assert response.status_code == 302
    assert _full_runs() == runs


def test_it_refuses_a_phase_whose_name_contradicts_its_years(admin_client, bts):
    phase = national_row(bts).phase

    response = change(admin_client, phase, form_data(phase, end_year="2024"))

    assert response.status_code == 200
    assert (
        "Tên giai đoạn ghi các năm 2021–2025 nhưng giai đoạn kéo dài 2021–2024: hãy sửa cho "
        "thống nhất."
    ) in response.content.decode()
    phase.refresh_from_db()
    assert phase.end_year == 2025


@pytest.mark.parametrize(
    ("years", "field_message"),
    [
        (("2025", "2021"), "Giai đoạn không được kết thúc trước khi bắt đầu."),
        (("0", "2025"), "Nhập năm trong khoảng từ 1990 đến 2100."),
    ],
)
def test_it_refuses_a_phase_with_impossible_years(admin_client, bts, years, field_message):
    phase = national_row(bts).phase
    start, end = years

    response = change(
        admin_client, phase, form_data(phase, name="Giai đoạn", start_year=start, end_year=end)
    )

    assert response.status_code == 200
    assert field_message in response.content.decode()
    phase.refresh_from_db()
    assert (phase.start_year, phase.end_year) == (2021, 2025)


# An agreement's terms: its period, phase, counterparty and dates.


def _counted(agreement, kpi):
    """The value the agreement's dashboard shows for a KPI; None for "No data"."""
    row = AgreementProgress.objects.filter(agreement=agreement, kpi=kpi).first()
    return row.value if row else None


def _province_value(province, kpi, phase_start=2021):
    row = ProvinceProgress.objects.filter(
        province=province, kpi=kpi, phase__start_year=phase_start
    ).first()
    return row.value if row else None


@pytest.fixture
def next_agreement(provinces):
    """The new Lào Cai's 2026–2030 agreement, with approved stations for Q1–Q3/2026."""
    bts = catalogue()["bts_total"]
    agreement = agreement_for(provinces.lao_cai, start=2026, end=2030, signed_on=date(2025, 12, 1))
    for quarter, value in (("2026Q1", 100), ("2026Q2", 110), ("2026Q3", 120)):
        report(agreement, quarter, {bts: value})
    progress.recompute_all()
    assert _counted(agreement, bts) == D(120)
    return agreement


def test_it_recomputes_an_agreement_whose_period_changes(
    admin_client, next_agreement, django_capture_on_commit_callbacks
):
    bts = catalogue()["bts_total"]
    # Stored as an old import might have left it, around the rule that refuses a period
    # leaving reports outside: the 2026 reports lie outside the period and do not count.
    Agreement.objects.filter(pk=next_agreement.pk).update(period_start=2027)
    progress.recompute_all()
    assert _counted(next_agreement, bts) is None

    next_agreement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(
            admin_client, next_agreement, form_data(next_agreement, period_start="2026")
        )

    assert response.status_code == 302
    assert _counted(next_agreement, bts) == D(120)
    assert not PendingRecompute.objects.exists()


def test_it_recomputes_both_provinces_when_the_counterparty_moves(
    admin_client, provinces, bts, django_capture_on_commit_callbacks
):
    agreement = Agreement.objects.get(counterparty__province=provinces.former_lao_cai)
    yen_bai = OrganisationFactory(
        name="Ủy ban nhân dân tỉnh Yên Bái", province=provinces.former_yen_bai
    )
    assert _province_value(provinces.former_lao_cai, bts) == D(1050)
    full_rebuilds = _full_runs()

    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, agreement, form_data(agreement, counterparty=yen_bai.pk))

    assert response.status_code == 302
    assert _province_value(provinces.former_lao_cai, bts) is None
    assert _province_value(provinces.former_yen_bai, bts) == D(1050)
    assert _province_value(provinces.lao_cai, bts) == D(1050)
    # Both provinces were recomputed, not the country, to what the full rebuild gives.
    assert _full_runs() == full_rebuilds
    moved = snapshot()
    progress.recompute_all()
    assert snapshot() == moved


def test_it_recomputes_the_phase_an_agreements_period_leaves(
    admin_client, provinces, bts, django_capture_on_commit_callbacks
):
    agreement = Agreement.objects.get(counterparty__province=provinces.former_lao_cai)
    # Yên Bái's agreement of 2014–2020 makes that phase.
    agreement_for(provinces.former_yen_bai, 2014, 2020)
    Agreement.objects.filter(pk=agreement.pk).update(period_start=2020)
    report(agreement, "2020Q4", {bts: 700})
    progress.recompute_all()
    assert _province_value(provinces.former_lao_cai, bts, phase_start=2014) == D(700)
    agreement.refresh_from_db()
    agreement.reports.filter(quarter=20204).delete()
    full_rebuilds = _full_runs()

    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, agreement, form_data(agreement, period_start="2021"))

    assert response.status_code == 302
    assert _province_value(provinces.former_lao_cai, bts, phase_start=2014) is None
    assert _full_runs() == full_rebuilds
    shrunk = snapshot()
    progress.recompute_all()
    assert snapshot() == shrunk


def _rows(html, table):
    """The text of each body row of the dashboard's table `table`, by its first cell."""
    found = re.search(rf'data-table="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert found, f"the page shows no table {table}"
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in found.group(1).split("</tr>")]
    return {re.sub(r"<[^>]+>", "", row[0]).strip(): row for row in rows if row}


def _add_yen_bai_agreement(admin_client, provinces, phase, **inlines):
    """Yên Bái's 2021–2025 agreement, entered in the admin; its recomputes run on commit."""
    yen_bai = OrganisationFactory(
        name="Ủy ban nhân dân tỉnh Yên Bái", province=provinces.former_yen_bai
    )
    unsaved = Agreement(
        title="Thỏa thuận hợp tác VT-CNTT tỉnh Yên Bái giai đoạn 2021–2025",
        counterparty=yen_bai,
        kind="strategic",
        phase=phase,
        period_start=2021,
        period_end=2025,
        signed_on=date(2021, 6, 1),
        signed_precision="day",
        signing_mode="unknown",
    )
    response = add(admin_client, Agreement, form_data(unsaved, **inlines))
    assert response.status_code == 302


def _dashboard(client, slug):
    url = reverse("dashboards:province-dashboard", args=[slug])
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_it_shows_a_new_agreements_targets_at_once(
    admin_client, provinces, bts, fresh_cache, django_capture_on_commit_callbacks
):
    targets = {
        "targets-TOTAL_FORMS": "1",
        "targets-0-kpi": bts.pk,
        "targets-0-target_value": "1200",
        "targets-0-target_on": "2025-12-31",
    }
    with django_capture_on_commit_callbacks(execute=True):
        _add_yen_bai_agreement(admin_client, provinces, national_row(bts).phase, **targets)

    html = _dashboard(admin_client, "yen-bai-truoc-2025")
    assert "1,200" in _rows(html, "progress")["BTS stations (stations)"][4]
    assert not PendingRecompute.objects.exists()


def test_it_counts_the_reports_a_new_agreement_owes_at_once(
    admin_client, provinces, bts, fresh_cache, django_capture_on_commit_callbacks
):
    # No target yet: the reports it owes from its signing still count in its province's.
    with django_capture_on_commit_callbacks(execute=True):
        _add_yen_bai_agreement(admin_client, provinces, national_row(bts).phase)

    due, *_, overdue = _rows(_dashboard(admin_client, "yen-bai-truoc-2025"), "completeness")[
        "Q4/2024"
    ][1:]
    assert (due, overdue) == ("1", "1")
    # The province it became part of counts them beside Lào Cai's own.
    assert _rows(_dashboard(admin_client, "lao-cai"), "completeness")["Q4/2024"][1] == "2"
    assert not PendingRecompute.objects.exists()


def test_it_leaves_the_figures_alone_when_only_an_agreements_title_changes(
    admin_client, next_agreement, django_capture_on_commit_callbacks
):
    runs = RecomputeRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(
            admin_client, next_agreement, form_data(next_agreement, title="Thỏa thuận mới")
        )

    assert response.status_code == 302
    assert RecomputeRun.objects.count() == runs


def test_it_moves_an_organisations_figures_with_its_province(
    admin_client, provinces, bts, fresh_cache, django_capture_on_commit_callbacks
):
    committee = Agreement.objects.get(counterparty__province=provinces.former_lao_cai).counterparty
    data = form_data(committee, province=provinces.former_yen_bai.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, committee, data)

    assert response.status_code == 302
    assert _province_value(provinces.former_lao_cai, bts) is None
    assert _province_value(provinces.former_yen_bai, bts) == D(1050)
    # The dashboards follow at once: the stations now count for Yên Bái, no longer for Lào Cai.
    stations = _rows(_dashboard(admin_client, "yen-bai-truoc-2025"), "progress")
    assert stations["BTS stations (stations)"][3] == "1,050"
    assert 'data-table="progress"' not in _dashboard(admin_client, "lao-cai-truoc-2025")
    assert not PendingRecompute.objects.exists()


def test_it_leaves_the_figures_alone_when_an_organisation_without_agreements_moves(
    admin_client, provinces, bts, django_capture_on_commit_callbacks
):
    # A department entered under the wrong province has no figures to move: no full rebuild.
    department = OrganisationFactory(province=provinces.former_lao_cai)
    runs = _full_runs()
    data = form_data(department, province=provinces.former_yen_bai.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, department, data)

    assert response.status_code == 302
    assert _full_runs() == runs
