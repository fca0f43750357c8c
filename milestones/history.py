"""A report's history: who changed what in it, its values, commitments and files.

django-simple-history keeps every saved version; the differences between
consecutive versions come from its `diff_against`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import date_label, number

from .models import CommitmentProgress, Evidence, KpiValue, QuarterlyReport

HISTORY_FIELDS = {
    QuarterlyReport: ("status", "narrative", "review_comment"),
    KpiValue: ("value", "numerator", "denominator", "measured_on", "note", "warning_reason"),
    CommitmentProgress: ("status", "percent_complete", "note"),
    Evidence: ("original_name", "description", "is_removed"),
}


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    subject: str
    field: str
    old: str
    new: str


def _shown(model, name, value) -> str:
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
    """(field, old, new) of one saved version: django-simple-history's diff, or the new values."""
    names = HISTORY_FIELDS[model]
    if previous is not None:
        delta = record.diff_against(previous, included_fields=names)
        return [(change.field, change.old, change.new) for change in delta.changes]
    return [
        (name, None, getattr(record, name)) for name in names if getattr(record, name) is not None
    ]


def report_history(report: QuarterlyReport) -> list[HistoryEntry]:
    """Who changed what in a report, its values, commitments and files, newest first."""
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
            lambda record: _("Commitment: %(text)s") % {"text": str(record.commitment)[:60]},
        ),
        (
            Evidence,
            Evidence.history.filter(report_id=report.pk),
            lambda record: _("File: %(name)s") % {"name": record.original_name},
        ),
    ]
    entries = []
    for model, records, subject in sources:
        previous_by_object = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            previous = previous_by_object.get(record.id)
            who = record.history_user.get_username() if record.history_user else _("system")
            for name, old, new in _changes(model, record, previous):
                entries.append(
                    HistoryEntry(
                        when=record.history_date,
                        who=who,
                        subject=str(subject(record)),
                        field=str(model._meta.get_field(name).verbose_name),
                        old=_shown(model, name, old),
                        new=_shown(model, name, new),
                    )
                )
            previous_by_object[record.id] = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
