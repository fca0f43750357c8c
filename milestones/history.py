"""A report's history: who changed what in it, its values, commitments and files.

django-simple-history keeps every saved version; the differences between
consecutive versions come from its `diff_against`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from core.formatting import date_label, number

from .models import CommitmentProgress, Evidence, KpiValue, QuarterlyReport, ReportStatus

HISTORY_FIELDS = {
    QuarterlyReport: ("status", "narrative", "review_comment"),
    KpiValue: ("value", "numerator", "denominator", "measured_on", "note", "warning_reason"),
    CommitmentProgress: ("status", "percent_complete", "note", "warning_reason"),
    Evidence: ("original_name", "description", "is_removed"),
}


# A text longer than this is shortened in the list, with the whole of it a click away.
SHORT_TEXT = 80


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str

    @property
    def is_long(self) -> bool:
        return len(self.old) > SHORT_TEXT or len(self.new) > SHORT_TEXT


@dataclass
class HistorySave:
    """One save: who, when, and each field it changed, from what to what."""

    when: datetime.datetime
    who: str
    changes: list[HistoryEntry] = field(default_factory=list)


def shown_value(model, name, value) -> str:
    """A field's value as the report's history writes it ("" for none): the import's preview
    writes its changes so too."""
    if value is None or value == "":
        return ""
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, datetime.date):
        return date_label(value)
    return str(value)


def _changes(model, record, previous):
    """(field, old, new) of one saved version that a reader would see change.

    django-simple-history's diff against the previous version, or the values a new
    row starts with; an empty value that becomes another empty one is no change.
    """
    names = HISTORY_FIELDS[model]
    if previous is not None:
        delta = record.diff_against(previous, included_fields=names)
        changes = [(change.field, change.old, change.new) for change in delta.changes]
    else:
        changes = [(name, None, getattr(record, name)) for name in names]
    return [
        (name, old, new)
        for name, old, new in changes
        if shown_value(model, name, old) != shown_value(model, name, new)
    ]


def _reopens(record, previous) -> bool:
    """Whether the saved version `record` of a report, after `previous`, is a reopening:
    only an administrator's reopening takes an approved report back to its authors."""
    return (
        previous is not None
        and previous.status == ReportStatus.APPROVED
        and record.status == ReportStatus.RETURNED
    )


def saved_values_since_returned(reports: list[QuarterlyReport], user) -> set[int]:
    """The reports of `reports` in which `user` saved a value or a commitment since each
    was last returned: two queries, however many reports (a national review list).

    A submitted report was last decided on when it was returned or reopened (an
    approval locks it, a draft was never decided on), so `reviewed_at` marks where
    the values under review began; a report never returned counts every save.
    """
    by_pk = {report.pk: report for report in reports}
    saved = set()
    for model in (KpiValue, CommitmentProgress):
        latest = (
            model.history.filter(report_id__in=by_pk, history_user_id=user.pk)
            .order_by()
            .values("report_id")
            .annotate(latest=Max("history_date"))
        )
        for row in latest:
            reviewed_at = by_pk[row["report_id"]].reviewed_at
            if reviewed_at is None or row["latest"] > reviewed_at:
                saved.add(row["report_id"])
    return saved


def reopened(report: QuarterlyReport) -> bool:
    """Whether the report's last decision was an administrator's reopening.

    The comment of a decision holds only what its author wrote; that it reopened an
    approved quarter is told by the state the report was in just before it, so the
    page says so in the reader's language.
    """
    # Only a comment is framed: without one there is nothing to say, and no history to read.
    if report.pk is None or report.reviewed_at is None or not report.review_comment:
        return False
    # The decision's own version is the first to carry its time; the later saves keep it.
    decision = (
        report.history.filter(reviewed_at=report.reviewed_at)
        .order_by("history_date", "history_id")
        .first()
    )
    return decision is not None and _reopens(decision, decision.prev_record)


def report_history(report: QuarterlyReport) -> list[HistorySave]:
    """Who changed what in a report, its values, commitments and files: saves, newest first."""
    sources = [
        (QuarterlyReport, report.history.all(), lambda record: _("Report")),
        (
            KpiValue,
            KpiValue.history.filter(report_id=report.pk).select_related("kpi"),
            lambda record: record.kpi.name,
        ),
        (
            CommitmentProgress,
            CommitmentProgress.history.filter(report_id=report.pk).select_related("commitment"),
            lambda record: _("Commitment: %(text)s") % {"text": record.commitment.short_text},
        ),
        (
            Evidence,
            Evidence.history.filter(report_id=report.pk),
            lambda record: _("File: %(name)s") % {"name": record.original_name},
        ),
    ]
    versions = []
    for model, records, subject in sources:
        previous_by_object = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            versions.append(
                (record.history_date, model, record, subject, previous_by_object.get(record.id))
            )
            previous_by_object[record.id] = record
    versions.sort(key=lambda version: version[0])
    saves: list[HistorySave] = []
    current = None
    for when, model, record, subject, previous in versions:
        who = record.history_user.get_username() if record.history_user else _("system")
        if current is None or current.who != who:
            current = HistorySave(when, who)
            saves.append(current)
        for name, old, new in _changes(model, record, previous):
            label = model._meta.get_field(name).verbose_name
            if name == "review_comment" and _reopens(record, previous):
                label = _("reason for reopening")
            current.changes.append(
                HistoryEntry(
                    when=when,
                    who=who,
                    subject=str(subject(record)),
                    field=str(label),
                    old=shown_value(model, name, old),
                    new=shown_value(model, name, new),
                )
            )
        # Every save ends with the report's own row, whose version it moves on (the row
        # that creates the report opens the first save instead).
        if model is QuarterlyReport and record.history_type != "+":
            current = None
    saves = [save for save in saves if save.changes]
    saves.reverse()
    return saves
