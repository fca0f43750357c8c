"""`/healthz` says whether the database, cache, broker and the figures are in working order."""

import datetime

import pytest
from celery import current_app
from django.utils import timezone

from progress import services as progress
from progress.models import PendingRecompute, RecomputeRun, RecomputeStatus

from .factories import AgreementFactory

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_it_is_healthy_once_the_figures_have_been_rebuilt(client):
    progress.recompute_all()
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "ok",
            "pending_recompute": "ok",
            "full_recompute": "ok",
        },
    }


def test_it_fails_when_the_figures_were_never_rebuilt_or_a_recompute_waits_too_long(client):
    status, body = health(client)
    assert status == 503
    assert body["checks"]["full_recompute"] == "never succeeded"

    progress.recompute_all()
    PendingRecompute.objects.create(
        agreement=AgreementFactory(),
        requested_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    status, body = health(client)
    assert status == 503
    assert body["checks"]["pending_recompute"].startswith("waiting for")


def test_it_fails_when_the_broker_cannot_be_reached(client, settings):
    progress.recompute_all()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    previous = current_app.conf.broker_url
    current_app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        status, body = health(client)
    finally:
        current_app.conf.broker_url = previous
    assert status == 503
    assert body["checks"]["broker"].startswith("unreachable")


def test_the_sweep_marks_a_run_interrupted_by_a_dead_worker_as_failed():
    started = timezone.now() - datetime.timedelta(hours=2)
    orphan = RecomputeRun.objects.create(status=RecomputeStatus.RUNNING, started_at=started)
    progress.recompute_pending()
    orphan.refresh_from_db()
    assert orphan.status == RecomputeStatus.FAILED
    assert "Interrupted" in orphan.error
