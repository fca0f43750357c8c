"""The national figures follow an edit of a KPI's aggregation or of a phase's years at once,
with no manual `recompute_progress`; other edits leave the figures alone."""

from decimal import Decimal

import pytest

from partnerships.models import TimeAggregation
from progress import services as progress
from progress.models import RecomputeRun

from .admin_forms import change, kpi_data, phase_data
from .progress_data import agreement_for, catalogue, national_row, report

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


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
        response = change(admin_client, bts, kpi_data(bts, time_aggregation=TimeAggregation.SUM))

    assert response.status_code == 302
    # A flow adds up the quarters reported in the phase.
    assert national_row(bts).value == D(2550)


def test_it_recomputes_when_a_phases_years_change(
    admin_client, bts, django_capture_on_commit_callbacks
):
    phase = national_row(bts).phase
    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, phase, phase_data(phase, name="2021–2023", end_year="2023"))

    assert response.status_code == 302
    # 2021Q4 is now the phase's latest quarter with approved values.
    assert national_row(bts).value == D(500)


def test_it_leaves_the_figures_alone_when_only_a_name_changes(
    admin_client, bts, django_capture_on_commit_callbacks
):
    runs = _full_runs()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(admin_client, bts, kpi_data(bts, name_vi="Tổng số trạm BTS (mọi thế hệ)"))

    assert response.status_code == 302
    assert _full_runs() == runs


def test_it_refuses_a_phase_whose_name_contradicts_its_years(admin_client, bts):
    phase = national_row(bts).phase

    response = change(admin_client, phase, phase_data(phase, end_year="2024"))

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
        admin_client, phase, phase_data(phase, name="Giai đoạn", start_year=start, end_year=end)
    )

    assert response.status_code == 200
    assert field_message in response.content.decode()
    phase.refresh_from_db()
    assert (phase.start_year, phase.end_year) == (2021, 2025)
