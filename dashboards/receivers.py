"""The dashboards follow every edit of the facts they show, and every recompute."""

from django.conf import settings
from django.db import transaction
from django.db.models import F

from core.queue import publish
from milestones.models import CommitmentProgress, Evidence, KpiValue, QuarterlyReport

from . import services
from .models import ContentVersion
from .tasks import warm_dashboards

THE_VERSION = 1

# The report workflow's rows reach each page through the page's own version: the
# national figures and completeness through the recompute and the recount (`phase_versions`),
# a province's or an agreement's reports through `scoped_version`. Counting the content
# version up for them would throw away every page at each save, submission or approval.
WORKFLOW_MODELS = (QuarterlyReport, KpiValue, CommitmentProgress, Evidence)


def history_recorded(sender, instance, **kwargs):
    if isinstance(instance, WORKFLOW_MODELS):
        return
    # A save writes a history row per value; one bump after the commit covers them all.
    # `run_on_commit` is where Django keeps what waits for the commit, with the savepoints
    # it was asked under (its own captureOnCommitCallbacks reads it too); rolling a
    # savepoint back drops what was asked under it, so only the same level is shared.
    connection = transaction.get_connection()
    level = set(connection.savepoint_ids)
    waiting = (
        callback is bump_content_version and sids == level
        for sids, callback, _robust in connection.run_on_commit
    )
    if not any(waiting):
        transaction.on_commit(bump_content_version)


def bump_content_version():
    updated = ContentVersion.objects.filter(pk=THE_VERSION).update(number=F("number") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(pk=THE_VERSION, defaults={"number": 1})
    # Every page shows some fact (a name, a title, a date): each is rendered again, by the
    # worker as after a full rebuild, rather than by its first reader, 20 to 50 times the
    # time of a page kept. This runs in the request that saved the fact: it keeps the
    # readers of the country's pages waiting for the worker, no more.
    _warm(None, country_only=True)


def figures_recomputed(sender, agreement_id=None, **kwargs):
    # Sent after the recompute committed, in the worker.
    _warm(agreement_id)


def _warm(agreement_id: int | None, country_only=False):
    # A job that cannot be queued gives its pages back to their readers at once; one queued
    # and lost, once its reservations lapse.
    if settings.DASHBOARD_WARMING:
        reservations = services.reserve_for_warming(agreement_id, country_only=country_only)
        if not publish(warm_dashboards, agreement_id):
            services.release(reservations)
