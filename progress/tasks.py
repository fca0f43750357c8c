"""The progress recomputes as Celery jobs.

Both are idempotent (they rebuild rows from the raw values) and take one lock,
so a retry, a duplicate delivery or a full run at the same time is harmless.
Every attempt leaves a RecomputeRun; a failure retries with exponential backoff.
"""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from core.queue import on_commit_once, publish

from . import services
from .models import PendingRecompute

logger = logging.getLogger(__name__)

RECOMPUTE_MAX_RETRIES = 5
# A failed attempt waits 10 s, then twice as long each time up to 10 minutes, with jitter.
BACKOFF_SECONDS, BACKOFF_MAX_SECONDS = 10, 600
# What Celery's own retry takes to do just that, for the jobs that need nothing more.
RETRIED = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "max_retries": RECOMPUTE_MAX_RETRIES,
    "retry_backoff": BACKOFF_SECONDS,
    "retry_backoff_max": BACKOFF_MAX_SECONDS,
    "retry_jitter": True,
}


def _backoff(retries: int) -> int:
    return get_exponential_backoff_interval(
        factor=BACKOFF_SECONDS, retries=retries, maximum=BACKOFF_MAX_SECONDS, full_jitter=True
    )


@shared_task(bind=True, max_retries=RECOMPUTE_MAX_RETRIES, acks_late=True)
def recompute_agreement(self, agreement_id: int):
    """Recompute one agreement's progress and the roll-ups it feeds.

    Retried by hand, not by `RETRIED`: after its last attempt it is kept pending for the
    scheduled run."""
    try:
        run = services.recompute_agreement(agreement_id, attempt=self.request.retries + 1)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.keep_pending(agreement_id, "recompute failed after retries")
            raise
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    return run.rows_written if run else 0


@shared_task(**RETRIED)
def recompute_all(self):
    """Rebuild every progress table; also clears the agreements left pending."""
    return services.recompute_all(attempt=self.request.retries + 1).rows_written


@shared_task(**RETRIED)
def recompute_completeness(self, agreement_id: int):
    """Recount reporting completeness after a report was opened, submitted or returned."""
    return services.recompute_completeness(agreement_id)


@shared_task(**RETRIED)
def recompute_province(self, province_id: int | None, phase_ids: list[int]):
    """Recompute a province's roll-ups without an agreement it no longer has."""
    return services.recompute_province(province_id, phase_ids)


@shared_task(acks_late=True)
def recompute_pending():
    """Catch up on agreements whose recompute could not be queued or kept failing."""
    return services.recompute_pending()


# Asking for a recompute ----------------------------------------------------------------


def request_recompute(agreement_id: int, reason: str = "") -> None:
    """Mark an agreement as waiting for a recompute and queue one when the transaction commits.

    Call it inside the transaction that changed the agreement's figures.
    """
    PendingRecompute.objects.update_or_create(
        agreement_id=agreement_id,
        defaults={"requested_at": timezone.now(), "reason": reason[:200]},
    )
    # Approving a batch of one agreement's reports (an import) asks once per report; one
    # job after the commit recomputes them all.
    on_commit_once(("recompute", agreement_id), lambda: _publish_if_pending(agreement_id))


def _publish_if_pending(agreement_id: int):
    # A bulk change asks once per target or report; once the first request has
    # been served (eagerly, without a broker) the others have nothing left to do.
    if PendingRecompute.objects.filter(agreement_id=agreement_id).exists():
        publish_recompute(agreement_id)


def publish_recompute(agreement_id: int) -> bool:
    """Queue a recompute; False when the broker could not be reached.

    The pending row already records the request, so the scheduled run catches
    up on whatever could not be queued.
    """
    queued = publish(recompute_agreement, agreement_id)
    if not queued:
        logger.warning(
            "The progress recompute of agreement %s stays pending until the next scheduled run",
            agreement_id,
        )
    return queued
