"""Background jobs of the dashboards: rendering the most read pages ahead of their readers, and
building the packs of every province of a phase."""

from celery import shared_task
from django.db import transaction

from core.queue import publish_on_commit

from . import packs, services
from .models import PackBatch, PackBatchStatus

PACK_BATCH_MAX_RETRIES = 3


@shared_task(acks_late=True)
def warm_dashboards(agreement_id: int | None = None) -> int:
    """Idempotent: it only fills the cache with what a reader's request would."""
    return services.warm(agreement_id)


@shared_task(bind=True, max_retries=PACK_BATCH_MAX_RETRIES, acks_late=True)
def build_pack_batch(self, batch_id: int) -> int:
    """Idempotent: each attempt builds the whole archive again. Returns the packs built."""
    try:
        batch = packs.build_batch(batch_id, attempt=self.request.retries + 1)
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        packs.batch_failed(batch_id, exc, final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return batch.built - len(batch.failures)


def request_batch(phase, language: str, user) -> PackBatch:
    """Record an administrator's request and queue its job once the request is saved."""
    with transaction.atomic():
        batch = PackBatch.objects.create(phase=phase, language=language, requested_by=user)
        publish_on_commit(build_pack_batch, batch.pk)
    return batch


def retry_batch(batch: PackBatch) -> None:
    with transaction.atomic():
        PackBatch.objects.filter(pk=batch.pk).update(status=PackBatchStatus.QUEUED, error="")
        publish_on_commit(build_pack_batch, batch.pk)
