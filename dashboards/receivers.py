"""The dashboards follow every edit of the facts they show, and every recompute."""

from django.conf import settings
from django.db import transaction
from django.db.models import F

from core.queue import publish
from milestones.models import CommitmentProgress, KpiValue, QuarterlyReport

from .models import ContentVersion
from .tasks import warm_dashboards

THE_VERSION = 1

# Drafts never count: a report's figures and notes reach the dashboards once it is approved,
# and approving or reopening it asks for a recompute, which `data_version` follows. Of a
# report itself the pages show these fields, so only a change of one of them is news.
UNSEEN_UNTIL_APPROVED = (KpiValue, CommitmentProgress)
REPORT_FIELDS_SHOWN = ("agreement_id", "quarter", "status", "source_id", "is_demo")


def changes_a_page(instance, history_instance) -> bool:
    if isinstance(instance, UNSEEN_UNTIL_APPROVED):
        return False
    if isinstance(instance, QuarterlyReport) and history_instance.history_type == "~":
        previous = history_instance.prev_record
        return previous is None or any(
            getattr(previous, name) != getattr(instance, name) for name in REPORT_FIELDS_SHOWN
        )
    return True


def history_recorded(sender, instance, history_instance, **kwargs):
    if not changes_a_page(instance, history_instance):
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


def figures_recomputed(sender, agreement_id=None, **kwargs):
    # Sent after the recompute committed; a lost message only leaves a page to its first reader.
    if settings.DASHBOARD_WARMING:
        publish(warm_dashboards, agreement_id)
