"""How the progress figures hear of changes: approved values, targets, the rules
of the KPI catalogue and the phases, a new agreement, the terms of one and its deletion,
and the province of a counterparty.

The report workflow and the agreement terms do not know about progress; they
send signals, and these receivers ask for a recompute inside the same
transaction, so the request is recorded (or rolled back) with the change.
"""

from django.db import transaction

from core.queue import publish_on_commit
from partnerships.models import Agreement, Kpi, Organisation, Phase

from .services import overlaps
from .tasks import (
    recompute_all,
    recompute_completeness,
    recompute_province,
    request_recompute,
)

# Only these change which values count: approving adds a report's values, reopening takes
# them away.
FIGURE_EVENTS = ("approved", "reopened")


# These change only how complete the reporting is. Saving a report already open changes
# nothing counted (a draft stays a draft, a returned report stays returned): under load,
# recounting after every save was a sixth of the worker's time.
COMPLETENESS_EVENTS = ("opened", "submitted", "returned")


def report_changed(sender, report, event, **kwargs):
    if event in FIGURE_EVENTS:
        request_recompute(report.agreement_id, reason=f"report {report.pk} {event}")
    elif event in COMPLETENESS_EVENTS:
        # A lost job here is caught up by the scheduled full rebuild, so it needs no
        # pending row of its own.
        publish_on_commit(recompute_completeness, report.agreement_id)


def target_saved(sender, instance, raw=False, **kwargs):
    # Fixtures load raw rows; the recompute after loading them covers those.
    if not raw:
        request_recompute(instance.agreement_id, reason="target changed")


def target_deleted(sender, instance, **kwargs):
    agreement_id = instance.agreement_id

    # The target may go with its agreement; ask only if the agreement is still there.
    def request_if_agreement_remains():
        if Agreement.objects.filter(pk=agreement_id).exists():
            request_recompute(agreement_id, reason="target removed")

    transaction.on_commit(request_if_agreement_remains)


# What a KPI's or a phase's figures follow: changing one changes figures of every agreement.
KPI_RULES = ("kind", "time_aggregation", "space_aggregation", "higher_is_better")
PHASE_YEARS = ("start_year", "end_year")
# An organisation's agreements count for its province: moved, their figures leave one
# province for another, as when an agreement's counterparty changes (`agreement_saving`).
ORGANISATION_PLACE = ("province_id",)
# Each model's rules, and the rows whose figures follow them: a change with none of those
# rows (a new KPI, a phase or an organisation without agreements yet) rewrites no figure.
FIGURE_RULES = {
    Kpi: (KPI_RULES, ("values", "targets")),
    Phase: (PHASE_YEARS, ("agreements",)),
    Organisation: (ORGANISATION_PLACE, ("agreements",)),
}


def rules_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """Note, before the save, whether it changes the rules the figures follow."""
    fields, followers = FIGURE_RULES[sender]
    instance._changes_figures = False
    if raw or not instance.pk:
        return
    names = {*fields, *(name.removesuffix("_id") for name in fields)}
    if update_fields is not None and not names & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values(*fields).first()
    instance._changes_figures = (
        stored is not None
        and any(stored[name] != getattr(instance, name) for name in fields)
        and any(getattr(instance, follower).exists() for follower in followers)
    )


def rules_saved(sender, instance, raw=False, **kwargs):
    # Asked for after the save, so that the rebuild reads the new rules; a job lost with
    # the broker is made up by the scheduled full rebuild.
    if not raw and getattr(instance, "_changes_figures", False):
        publish_on_commit(recompute_all)


# The terms of an agreement its figures and its reporting follow.
AGREEMENT_TERMS = (
    "period_start",
    "period_end",
    "phase_id",
    "counterparty_id",
    "signed_on",
    "terminated_on",
)


def agreement_saving(sender, instance, raw=False, **kwargs):
    """Note, before the save, how far a change of the agreement's terms reaches.

    Its own recompute rewrites its province's roll-ups in the phases its period now
    touches, and tells its phase's pages. What that would leave stale, the province it
    moves away from, a phase its period no longer touches and the pages of the phase it
    leaves, is recomputed as if it had been deleted from where it was (`_left`).
    """
    instance._terms_changed = False
    instance._left = None
    if raw or not instance.pk:
        return
    stored = (
        Agreement.objects.filter(pk=instance.pk)
        .values(*AGREEMENT_TERMS, "counterparty__province_id")
        .first()
    )
    if stored is None or all(stored[name] == getattr(instance, name) for name in AGREEMENT_TERMS):
        return
    instance._terms_changed = True
    province_id = instance.counterparty.province_id if instance.counterparty_id else None
    left_province = stored["counterparty__province_id"] not in (None, province_id)
    phases = list(Phase.objects.only("start_year", "end_year"))
    before = _touched_phases(stored, phases)
    if left_province or set(before) - set(_touched_phases(_terms(instance), phases)):
        instance._left = (stored["counterparty__province_id"], before)


def agreement_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    if created:
        # A new agreement owes reports from its signing, which its province's reporting
        # counts at once; its figures wait for targets and values, whose own signals ask for
        # them. Like a report's opening, a lost job is made up by the scheduled full rebuild.
        publish_on_commit(recompute_completeness, instance.pk)
        return
    if getattr(instance, "_left", None):
        # A job lost with the broker is made up by the scheduled full rebuild.
        publish_on_commit(recompute_province, *instance._left)
    if getattr(instance, "_terms_changed", False):
        request_recompute(instance.pk, reason="agreement terms changed")


def agreement_deleted(sender, instance, **kwargs):
    # Its own figures go with it, but the roll-ups of its province and of the nation count it
    # until recomputed without it. A job lost with the broker is made up by the scheduled
    # full rebuild.
    place = Organisation.objects.filter(pk=instance.counterparty_id).values("province_id").first()
    if place is None:
        # Its organisation went with it: what else went is for the rebuild to find.
        publish_on_commit(recompute_all)
        return
    phases = Phase.objects.only("start_year", "end_year")
    publish_on_commit(
        recompute_province, place["province_id"], _touched_phases(_terms(instance), phases)
    )


def _terms(agreement) -> dict:
    """The terms `_touched_phases` reads, as the stored row of `agreement_saving` has them."""
    return {name: getattr(agreement, name) for name in ("period_start", "period_end", "phase_id")}


def _touched_phases(terms: dict, phases) -> list[int]:
    """The phases an agreement's figures count in: its own, and those its period touches."""
    return sorted({phase.pk for phase in phases if overlaps(terms, phase)} | {terms["phase_id"]})
