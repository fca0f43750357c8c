"""Reporting completeness follows every step of a report, not only approvals."""

import datetime
from decimal import Decimal

import time_machine

from core.quarters import Quarter
from milestones import services
from milestones.checks import Reading
from progress import services as progress
from progress.models import ReportingCompleteness

from .conftest import VIETNAM


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
