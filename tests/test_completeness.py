"""Reporting completeness follows every step of a report, not only approvals."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from core.quarters import Quarter
from milestones import services
from milestones.checks import Reading
from milestones.models import ReportStatus
from progress import services as progress
from progress.models import ReportingCompleteness

from .conftest import VIETNAM
from .factories import PhaseFactory
from .progress_data import agreement_for, report
from .test_dashboards import EN, VI, page, table_rows
from .test_exports import read_csv


def counts(province, quarter):
    row = ReportingCompleteness.objects.get(province=province, quarter=quarter)
    return {
        name: getattr(row, name)
        for name in ("expected", "approved", "submitted", "in_progress", "overdue")
    }


def test_it_recounts_completeness_after_each_step_of_a_report(
    provinces, laocai, staff_laocai, reviewer, django_capture_on_commit_callbacks
):
    quarter = 20214
    # In January 2022 the Q4/2021 report is due on 20 January.
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, tzinfo=VIETNAM), tick=True):
        progress.recompute_all()
        waiting = {"expected": 1, "approved": 0, "submitted": 0, "in_progress": 0, "overdue": 0}
        assert counts(provinces.lao_cai, quarter) == waiting

        with django_capture_on_commit_callbacks(execute=True):
            report = services.get_or_create_report(laocai.agreement, quarter, staff_laocai)
        assert counts(provinces.lao_cai, quarter) == {**waiting, "in_progress": 1}

        readings = {
            laocai.bts_total.pk: Reading(value=Decimal(1100)),
            laocai.bts_4g.pk: Reading(value=Decimal(400)),
            laocai.villages_fibre.pk: Reading(numerator=Decimal(1100), denominator=Decimal(1569)),
            laocai.level4.pk: Reading(value=Decimal(40)),
        }
        with django_capture_on_commit_callbacks(execute=True):
            report = services.save_draft(
                report, staff_laocai, version=report.version, readings=readings
            )
            report = services.submit_report(report, staff_laocai, report.version)
        assert counts(provinces.lao_cai, quarter) == {**waiting, "submitted": 1}

        with django_capture_on_commit_callbacks(execute=True):
            report = services.return_report(report, reviewer, report.version, "Thiếu minh chứng")
        assert counts(provinces.lao_cai, quarter) == {**waiting, "in_progress": 1}

    # Resubmitted and approved after the deadline: approved, no longer overdue.
    with time_machine.travel(datetime.datetime(2022, 2, 3, 9, tzinfo=VIETNAM), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.submit_report(report, staff_laocai, report.version)
        assert counts(provinces.lao_cai, quarter)["submitted"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_report(report, reviewer, version=report.version)
        assert counts(provinces.lao_cai, quarter) == {**waiting, "approved": 1}


def test_a_report_opened_by_its_first_save_counts_and_later_saves_queue_nothing(
    provinces, laocai, staff_laocai, reviewer, django_capture_on_commit_callbacks
):
    quarter = 20214
    readings = {
        laocai.bts_total.pk: Reading(value=Decimal(1100)),
        laocai.bts_4g.pk: Reading(value=Decimal(400)),
        laocai.villages_fibre.pk: Reading(numerator=Decimal(1100), denominator=Decimal(1569)),
        laocai.level4.pk: Reading(value=Decimal(40)),
    }
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, tzinfo=VIETNAM), tick=True):
        progress.recompute_all()
        waiting = {"expected": 1, "approved": 0, "submitted": 0, "in_progress": 0, "overdue": 0}
        unsaved = services.find_report(staff_laocai, laocai.agreement, Quarter.from_code(quarter))
        with django_capture_on_commit_callbacks(execute=True):
            report = services.save_draft(unsaved, staff_laocai, version=0, readings=readings)
        assert counts(provinces.lao_cai, quarter) == {**waiting, "in_progress": 1}

        with django_capture_on_commit_callbacks(execute=True) as queued:
            report = services.save_draft(
                report, staff_laocai, version=report.version, readings=readings
            )
        assert queued == []
        assert counts(provinces.lao_cai, quarter) == {**waiting, "in_progress": 1}

        with django_capture_on_commit_callbacks(execute=True):
            report = services.submit_report(report, staff_laocai, report.version)
            report = services.return_report(report, reviewer, report.version, "Thiếu minh chứng")
        with django_capture_on_commit_callbacks(execute=True) as queued:
            report = services.save_draft(
                report, staff_laocai, version=report.version, readings=readings
            )
        # A returned report saved again is still a report being corrected.
        assert queued == []
        assert counts(provinces.lao_cai, quarter) == {**waiting, "in_progress": 1}


@pytest.mark.usefixtures("fresh_cache")
def test_the_national_box_counts_the_reports_of_the_chosen_phase(provinces, client_official):
    # December 2026: the 2021–2025 phase has ended, 2026–2030 runs, Q3/2026 was due in October.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=VIETNAM), tick=True):
        quang_binh = agreement_for(provinces.former_quang_binh, title="Quảng Bình 2021–2025")
        report(quang_binh, "2025Q2", {})
        report(quang_binh, "2025Q3", {}, status=ReportStatus.SUBMITTED)
        # Signed in the year before its phase opens: it reports Q4/2025 too, in its own phase.
        lao_cai = agreement_for(
            provinces.lao_cai, start=2026, end=2030, signed_on=datetime.date(2025, 11, 10)
        )
        report(lao_cai, "2025Q4", {})
        PhaseFactory(start_year=2014, end_year=2020)
        progress.recompute_all()

        ended = page(client_official, "/?phase=2021-2025")
        assert (
            "Reporting completeness, Q4/2025: the last quarter of reports of the phase "
            "2021–2025, which has ended" in ended
        )
        # Quảng Bình's Q4/2025 report was never opened; Lào Cai's Q4/2025 is of 2026–2030.
        assert table_rows(ended, "completeness") == [["Quảng Trị", "1", "0", "0", "0", "1"]]
        assert "0 of 1 reports approved" in ended
        assert (
            "Tình hình nộp báo cáo, Quý 4/2025: quý báo cáo cuối cùng của giai đoạn 2021–2025 "
            "(giai đoạn đã kết thúc)" in page(client_official, "/?phase=2021-2025", VI)
        )

        running = page(client_official, "/?phase=2026-2030")
        assert "Reporting completeness, Q3/2026, phase 2026–2030" in running
        assert table_rows(running, "completeness") == [["Lào Cai", "1", "0", "0", "0", "1"]]
        # With no figure approved yet, the page opens on the earliest phase: its box, not the
        # one kept for the phase read before.
        assert "Reporting completeness, phase 2014–2020" in page(client_official, "/")

        response = client_official.get("/?phase=2021-2025&export=csv&table=completeness", **EN)
        assert read_csv(response)[1:] == [
            ["Quảng Trị", "1", "0", "0", "0", "1"],
            ["Tổng cộng", "1", "0", "0", "0", "1"],
        ]

        nothing_owed = page(client_official, "/?phase=2014-2020")
        assert "Reporting completeness, phase 2014–2020" in nothing_owed
        assert "The agreements of the phase 2014–2020 no longer owe any report." in nothing_owed


@pytest.mark.usefixtures("fresh_cache")
def test_a_region_shows_the_last_quarter_its_own_agreements_owed(provinces, client_official):
    # December 2026, 2021–2025 has ended. Lào Cai's agreement owed reports to Q4/2025;
    # Quảng Bình's, ended early in May 2025, owed its last for Q2/2025 and sent it.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=VIETNAM), tick=True):
        agreement_for(provinces.former_lao_cai)
        quang_binh = agreement_for(
            provinces.former_quang_binh, terminated_on=datetime.date(2025, 5, 15)
        )
        report(quang_binh, "2025Q2", {})
        progress.recompute_all()

        nation = page(client_official, "/?phase=2021-2025")
        assert "Reporting completeness, Q4/2025: the last quarter of reports" in nation
        assert table_rows(nation, "completeness") == [["Lào Cai", "1", "0", "0", "0", "1"]]

        # Not Q4/2025, in which none of the region's provinces owed a report.
        region = page(client_official, "/?phase=2021-2025&region=north_central")
        assert (
            "Reporting completeness, Q2/2025: the last quarter of reports of the phase "
            "2021–2025, which has ended" in region
        )
        assert table_rows(region, "completeness") == [["Quảng Trị", "1", "1", "0", "0", "0"]]
        assert "1 of 1 reports approved" in region


@pytest.mark.usefixtures("fresh_cache")
def test_a_province_says_its_completeness_is_of_its_last_eight_quarters(provinces, client_official):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=VIETNAM), tick=True):
        agreement_for(provinces.former_lao_cai)
        progress.recompute_all()
        lao_cai = f"/dashboards/provinces/{provinces.lao_cai.slug}/"

        assert "Reporting completeness of the last 8 quarters" in page(client_official, lao_cai)
        assert "Tình hình nộp báo cáo 8 quý gần nhất" in page(client_official, lao_cai, VI)


def test_the_overdue_column_says_it_counts_the_drafts_too(provinces, client_official):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=VIETNAM), tick=True):
        quang_binh = agreement_for(provinces.former_quang_binh)
        report(quang_binh, "2025Q4", {}, status=ReportStatus.DRAFT)
        progress.recompute_all()

        ended = page(client_official, "/?phase=2021-2025")
        assert table_rows(ended, "completeness") == [["Quảng Trị", "1", "0", "0", "1", "1"]]
        assert "Overdue, drafts included" in ended
        assert "Quá hạn (kể cả bản nháp)" in page(client_official, "/?phase=2021-2025", VI)
