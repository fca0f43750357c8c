"""Rendering the most read dashboards ahead of their readers, after the figures change."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def warm_dashboards(agreement_id: int | None = None) -> int:
    """Idempotent: it only fills the cache with what a reader's request would."""
    return services.warm(agreement_id)
