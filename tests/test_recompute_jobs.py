"""Keeping the progress tables current: on approval, on schedule, under failure and concurrency."""

import logging
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from milestones import services
from milestones.models import QuarterlyReport, ReportStatus
from progress import services as progress
from progress import tasks
from progress.models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    RecomputeRun,
    RecomputeStatus,
)

from .factories import submitted_report
from .progress_data import agreement_for, catalogue, report, snapshot, target
from .services import free_port, publishing_to

D = Decimal


@pytest.fixture
def national_data(provinces):
    kpis = catalogue()
    for unit, stations in (
        (provinces.former_lao_cai, 1000),
        (provinces.former_yen_bai, 700),
        (provinces.former_quang_binh, 900),
    ):
        agreement = agreement_for(unit)
        for quarter, growth in (("2024Q3", 0), ("2024Q4", 50)):
            report(
                agreement,
                quarter,
                {
                    kpis["bts_total"]: stations + growth,
                    kpis["villages_fibre"]: (500 + growth, 1000),
                    kpis["level4_services_pct"]: 40 + growth / 5,
                },
            )
        target(agreement, kpis["bts_total"], stations + 100)
        target(agreement, kpis["villages_fibre"], 60)
    return kpis


@pytest.fixture
def broker_down():
    """Celery publishing to a port where nothing listens, as when Redis has stopped."""
    with publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        yield


def test_it_recomputes_the_agreement_when_its_report_is_approved(
    laocai, reviewer, django_capture_on_commit_callbacks
):
    progress.recompute_all()
    report = submitted_report(laocai, 20214, 1234)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_report(report, reviewer, version=report.version)

    row = AgreementProgress.objects.get(agreement=laocai.agreement, kpi=laocai.bts_total)
    assert row.value == D(1234)
    assert row.latest_quarter == 20214
    assert NationalProgress.objects.get(kpi=laocai.bts_total).value == D(1234)
    assert not PendingRecompute.objects.exists()
    run = RecomputeRun.objects.filter(agreement=laocai.agreement).latest("started_at")
    assert run.status == RecomputeStatus.SUCCEEDED


def test_it_recomputes_when_a_report_is_reopened(
    laocai, admin_user, django_capture_on_commit_callbacks
):
    progress.recompute_all()
    assert AgreementProgress.objects.get(agreement=laocai.agreement, kpi=laocai.bts_total).value
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_report(laocai.previous_report, admin_user, "Sai số liệu trạm")

    row = AgreementProgress.objects.get(agreement=laocai.agreement, kpi=laocai.bts_total)
    assert row.value is None


def test_it_recomputes_when_a_target_changes(laocai, django_capture_on_commit_callbacks):
    progress.recompute_all()
    target = laocai.agreement.targets.get(kpi=laocai.bts_total)
    target.target_value = 1000
    with django_capture_on_commit_callbacks(execute=True):
        target.save()

    row = AgreementProgress.objects.get(agreement=laocai.agreement, kpi=laocai.bts_total)
    assert row.target_value == D(1000)
    assert row.attainment == D(100)


def test_it_approves_and_keeps_the_request_when_the_broker_is_unreachable(
    laocai, reviewer, broker_down, caplog, django_capture_on_commit_callbacks
):
    progress.recompute_all()
    report = submitted_report(laocai, 20214, 1234)
    with (
        caplog.at_level(logging.WARNING, logger="progress.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.approve_report(report, reviewer, version=report.version)

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert PendingRecompute.objects.filter(agreement=laocai.agreement).exists()
    assert "stays pending" in caplog.text
    row = AgreementProgress.objects.get(agreement=laocai.agreement, kpi=laocai.bts_total)
    assert row.value == D(1000)

    # The scheduled sweep catches up, and nothing is left waiting.
    assert tasks.recompute_pending.apply().get() == 1
    row = AgreementProgress.objects.get(agreement=laocai.agreement, kpi=laocai.bts_total)
    assert row.value == D(1234)
    assert not PendingRecompute.objects.exists()


def test_it_clears_pending_requests_in_the_full_run(laocai):
    tasks.request_recompute(laocai.agreement.pk, reason="test")
    assert PendingRecompute.objects.exists()
    call_command("recompute_progress", verbosity=0)
    assert not PendingRecompute.objects.exists()
    assert AgreementProgress.objects.filter(agreement=laocai.agreement).exists()


def test_it_rebuilds_the_same_rows_every_time(national_data):
    progress.recompute_all()
    first = snapshot()
    progress.recompute_all()
    assert snapshot() == first
    assert first["NationalProgress"]


def test_it_computes_the_same_roll_ups_for_one_agreement_as_for_everything(
    national_data, provinces
):
    progress.recompute_all()
    agreement = provinces.former_yen_bai.organisations.get().agreements.get()
    report(agreement, "2025Q1", {national_data["bts_total"]: 820})
    progress.recompute_agreement(agreement.pk)
    after_one = snapshot()
    progress.recompute_all()
    assert snapshot() == after_one
    assert NationalProgress.objects.get(kpi=national_data["bts_total"]).value == D(2820)


def test_it_goes_back_a_quarter_when_the_last_report_of_the_phase_is_reopened(
    national_data, provinces
):
    agreement = provinces.former_yen_bai.organisations.get().agreements.get()
    latest = report(agreement, "2025Q1", {national_data["bts_total"]: 820})
    progress.recompute_all()
    assert NationalProgress.objects.get(kpi=national_data["bts_total"]).reference_quarter == 20251

    QuarterlyReport.objects.filter(pk=latest.pk).update(status=ReportStatus.SUBMITTED)
    progress.recompute_agreement(agreement.pk)
    after_one = snapshot()
    national = NationalProgress.objects.get(kpi=national_data["bts_total"])
    assert (national.reference_quarter, national.value) == (20244, D(2750))
    progress.recompute_all()
    assert snapshot() == after_one


def test_it_never_overwrites_a_newer_recompute_with_an_older_rebuild(
    national_data, provinces, monkeypatch
):
    """An approval lands while the full rebuild is computing: its figures must survive."""
    agreement = provinces.former_yen_bai.organisations.get().agreements.get()
    compute = progress._compute_everything

    def compute_then_approve(*args, **kwargs):
        computed = compute(*args, **kwargs)
        report(agreement, "2025Q1", {national_data["bts_total"]: 820})
        progress.recompute_agreement(agreement.pk)
        return computed

    monkeypatch.setattr(progress, "_compute_everything", compute_then_approve)
    progress.recompute_all()

    row = AgreementProgress.objects.get(agreement=agreement, kpi=national_data["bts_total"])
    assert row.value == D(820)
    assert NationalProgress.objects.get(kpi=national_data["bts_total"]).value == D(2820)


def test_it_records_a_failed_attempt_and_retries(laocai, monkeypatch):
    real = progress._recompute_agreement_locked
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(progress, "_recompute_agreement_locked", flaky)
    monkeypatch.setattr(tasks, "_backoff", lambda retries: 0)
    result = tasks.recompute_agreement.apply(args=(laocai.agreement.pk,))

    assert result.successful()
    runs = RecomputeRun.objects.filter(agreement=laocai.agreement).order_by("started_at")
    assert [(run.status, run.attempt) for run in runs] == [
        (RecomputeStatus.FAILED, 1),
        (RecomputeStatus.SUCCEEDED, 2),
    ]
    assert "database went away" in runs[0].error


def test_a_full_rebuild_that_fails_once_is_retried_and_recorded(laocai, monkeypatch):
    real = progress._compute_everything
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(progress, "_compute_everything", flaky)
    result = tasks.recompute_all.apply()

    assert result.successful()
    runs = RecomputeRun.objects.filter(agreement__isnull=True).order_by("started_at")
    assert [(run.status, run.attempt) for run in runs] == [
        (RecomputeStatus.FAILED, 1),
        (RecomputeStatus.SUCCEEDED, 2),
    ]


def test_it_leaves_the_agreement_pending_when_every_retry_fails(laocai, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(progress, "_recompute_agreement_locked", broken)
    monkeypatch.setattr(tasks, "_backoff", lambda retries: 0)
    PendingRecompute.objects.all().delete()
    result = tasks.recompute_agreement.apply(args=(laocai.agreement.pk,))

    assert result.failed()
    assert RecomputeRun.objects.filter(status=RecomputeStatus.FAILED).count() == (
        tasks.RECOMPUTE_MAX_RETRIES + 1
    )
    assert PendingRecompute.objects.filter(agreement=laocai.agreement).exists()


def test_it_forgets_a_request_for_an_agreement_that_was_deleted(db):
    assert progress.recompute_agreement(987654) is None


@pytest.mark.django_db(transaction=True)
def test_it_makes_a_recompute_wait_for_the_one_holding_the_lock(provinces):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by two writers")
    kpis = catalogue()
    agreement = agreement_for(provinces.former_lai_chau)
    report(agreement, "2024Q4", {kpis["bts_total"]: 10})
    holding, release = threading.Event(), threading.Event()
    finished = []

    def hold_lock():
        with transaction.atomic():
            progress._take_lock()
            holding.set()
            release.wait(10)
        connection.close()

    def recompute():
        progress.recompute_agreement(agreement.pk)
        finished.append(True)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait(10)
    worker = threading.Thread(target=recompute)
    worker.start()
    worker.join(1)
    assert not finished, "the recompute ran while another held the lock"
    release.set()
    holder.join(10)
    worker.join(10)
    assert finished
    assert AgreementProgress.objects.get(agreement=agreement, kpi=kpis["bts_total"]).value == 10


@pytest.mark.django_db
def test_it_forgets_old_successful_runs_but_keeps_failures(settings):
    import datetime

    from django.utils import timezone

    settings.RECOMPUTE_RUNS_KEEP_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=31)
    old_success = RecomputeRun.objects.create(
        status=RecomputeStatus.SUCCEEDED, started_at=long_ago, finished_at=long_ago
    )
    old_failure = RecomputeRun.objects.create(
        status=RecomputeStatus.FAILED, started_at=long_ago, finished_at=long_ago, error="boom"
    )

    progress.recompute_all()

    remaining = set(RecomputeRun.objects.values_list("pk", flat=True))
    assert old_success.pk not in remaining
    assert old_failure.pk in remaining
    assert RecomputeRun.objects.filter(status=RecomputeStatus.SUCCEEDED).count() == 1
