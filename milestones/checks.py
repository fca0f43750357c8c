"""Checking what a user typed into a report: refusals, and warnings to confirm with a reason.

Nothing here writes. The form, the API and the import all check through
`check_report`, so a rule refuses with the same key and message on every path;
the rules of one reading (a negative count, a numerator above its denominator)
are the KPI's own, `Kpi.reading_errors`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from core.formatting import date_label, number, share
from core.quarters import Quarter
from partnerships.models import Agreement, Commitment, Kpi, KpiKind, KpiTarget

from .models import CommitmentProgress, CommitmentStatus, KpiValue, QuarterlyReport, ReportStatus

JUMP_FACTOR = Decimal(3)
# The longest texts a report takes, the same on the form, in the API and in an import:
# enough for what each is for, and a bound on what one request may store.
NOTE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000
NARRATIVE_MAX_LENGTH = 10_000
COMMENT_MAX_LENGTH = 2000


@dataclass
class Reading:
    """One KPI as typed by a user: a value, or a numerator and denominator for a ratio."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    measured_on: datetime.date | None = None
    note: str = ""

    def is_empty(self, kpi: Kpi) -> bool:
        if kpi.kind == KpiKind.RATIO:
            return self.numerator is None and self.denominator is None
        return self.value is None


@dataclass
class CommitmentReading:
    status: str = CommitmentStatus.NOT_STARTED
    percent_complete: int = 0
    note: str = ""


@dataclass
class ReportCheck:
    """The outcome of checking a set of readings: refusals and warnings to confirm."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    def add_error(self, key: str, message: str):
        self.errors.setdefault(key, []).append(str(message))


# The lines of a report -----------------------------------------------------------


@dataclass
class KpiLine:
    """One KPI row of the entry form with what the user needs beside it."""

    kpi: Kpi
    target: KpiTarget | None
    previous: KpiValue | None
    current: KpiValue | None


def kpi_lines(report: QuarterlyReport) -> list[KpiLine]:
    kpis = report_kpis(report)
    targets = {
        target.kpi_id: target
        for target in KpiTarget.objects.filter(agreement_id=report.agreement_id, kpi_id__in=kpis)
    }
    current = {}
    if report.pk:
        current = {value.kpi_id: value for value in report.values.select_related("kpi")}
    previous = previous_approved_values(report.agreement_id, report.quarter, list(kpis))
    return [
        KpiLine(kpi, targets.get(kpi_id), previous.get(kpi_id), current.get(kpi_id))
        for kpi_id, kpi in kpis.items()
    ]


def report_kpis(report: QuarterlyReport) -> dict[int, Kpi]:
    """The KPIs a report takes values for, by id in the catalogue's order.

    Those its agreement has a target for, and those it has approved values for:
    a series reported before its target was dropped (or before targets were kept)
    goes on. The form, the API and the import all offer exactly these.
    """
    return agreement_kpis(report.agreement_id)


def agreement_kpis(agreement_id: int) -> dict[int, Kpi]:
    """`report_kpis` by agreement."""
    return agreements_kpis([agreement_id])[agreement_id]


def agreements_kpis(agreement_ids) -> dict[int, dict[int, Kpi]]:
    """`report_kpis` of several agreements in three queries, for the import's template."""
    pairs = set(
        KpiTarget.objects.filter(agreement_id__in=agreement_ids)
        .order_by()
        .values_list("agreement_id", "kpi_id")
    ) | set(
        KpiValue.objects.filter(
            report__agreement_id__in=agreement_ids, report__status=ReportStatus.APPROVED
        )
        .order_by()
        .values_list("report__agreement_id", "kpi_id")
        .distinct()
    )
    kpis = Kpi.objects.filter(pk__in={kpi_id for _agreement, kpi_id in pairs})
    by_agreement = {agreement_id: {} for agreement_id in agreement_ids}
    for kpi in kpis.select_related("parent").order_by("order", "code"):
        for agreement_id in agreement_ids:
            if (agreement_id, kpi.pk) in pairs:
                by_agreement[agreement_id][kpi.pk] = kpi
    return by_agreement


def untracked_kpi_message(code: str) -> str:
    """Why a value for a KPI outside `report_kpis` is refused, by the API and the import."""
    return _("This agreement has neither a target nor approved values for the KPI %(kpi)s.") % {
        "kpi": code
    }


def previous_approved_values(agreement_id, quarter_code, kpi_ids) -> dict[int, KpiValue]:
    """The latest approved value of each KPI before the given quarter."""
    values = KpiValue.objects.filter(report__agreement_id=agreement_id, kpi_id__in=kpi_ids)
    return _latest_approved_before(values.select_related("kpi"), quarter_code, "kpi_id")


def previous_commitment_updates(agreement_id, quarter_code) -> dict[int, CommitmentProgress]:
    """Where each of the agreement's commitments stood in the latest approved report before
    the given quarter that says so: where a new quarter's report starts from."""
    updates = CommitmentProgress.objects.filter(report__agreement_id=agreement_id)
    return _latest_approved_before(updates, quarter_code, "commitment_id")


def _latest_approved_before(rows, quarter_code, key: str) -> dict:
    """Each `key`'s row of `rows` in the latest approved report before the quarter holding one.

    The one rule of "the previous approved", for a KPI's value and a commitment's progress.
    """
    approved = rows.filter(report__status=ReportStatus.APPROVED, report__quarter__lt=quarter_code)
    # Each one's latest quarter first, then only those rows: an agreement reporting
    # for years has hundreds of earlier ones, and every save of its report checks them.
    latest_quarter = dict(
        approved.order_by()
        .values(key)
        .annotate(quarter=Max("report__quarter"))
        .values_list(key, "quarter")
    )
    found = approved.filter(report__quarter__in=set(latest_quarter.values())).select_related(
        "report"
    )
    return {
        getattr(row, key): row
        for row in found
        if row.report.quarter == latest_quarter[getattr(row, key)]
    }


def commitment_lines(report: QuarterlyReport):
    """Each commitment of the report's agreement with the report's own update of it (or None).

    Each commitment also carries `previous_update`, its progress in the latest approved
    report before this quarter (or None), which a report without its own update starts from.
    """
    commitments = list(
        Commitment.objects.filter(agreement_id=report.agreement_id).select_related("area")
    )
    current = {}
    if report.pk:
        current = {update.commitment_id: update for update in report.commitment_updates.all()}
    previous = previous_commitment_updates(report.agreement_id, report.quarter)
    for commitment in commitments:
        commitment.previous_update = previous.get(commitment.pk)
    return [(commitment, current.get(commitment.pk)) for commitment in commitments]


def commitment_start(commitment: Commitment, update: CommitmentProgress | None):
    """What a commitment's entry starts from, a line of `commitment_lines`: the report's own
    update, or else the status and per cent of the previous approved one (its note was that
    quarter's), or else not started. The form's fields and an API change start alike."""
    if update is not None:
        return CommitmentReading(update.status, update.percent_complete, update.note)
    previous = commitment.previous_update
    if previous is not None:
        return CommitmentReading(previous.status, previous.percent_complete)
    return CommitmentReading()


def commitment_readings_of(report: QuarterlyReport) -> dict[int, CommitmentReading]:
    return {
        update.commitment_id: CommitmentReading(update.status, update.percent_complete, update.note)
        for update in report.commitment_updates.all()
    }


def readings_of(report: QuarterlyReport) -> dict[int, Reading]:
    return {
        value.kpi_id: Reading(
            value=value.value if value.kpi.kind != KpiKind.RATIO else None,
            numerator=value.numerator,
            denominator=value.denominator,
            measured_on=value.measured_on,
            note=value.note,
        )
        for value in report.values.select_related("kpi")
    }


# The agreement's period ---------------------------------------------------------


def period_refusal(agreement: Agreement, quarter: Quarter) -> str:
    """Why a quarter outside the agreement's period is refused, or "" when it lies inside.

    The form, the API and the import all refuse with this message; quarters inside the
    period that are not reportable yet (before the signing, not ended) are the schedule's.
    """
    if agreement.covers(quarter):
        return ""
    return _("%(quarter)s lies outside the agreement's period (%(period)s).") % {
        "quarter": quarter,
        "period": agreement.period_label,
    }


def values_outside_period():
    """Stored values whose report's quarter lies outside its agreement's period.

    The same rule as `period_refusal`, in SQL: a quarter's code is YYYYQ.
    """
    return KpiValue.objects.filter(
        Q(report__quarter__lt=F("report__agreement__period_start") * 10 + 1)
        | Q(report__quarter__gt=F("report__agreement__period_end") * 10 + 4)
    )


# Checks -------------------------------------------------------------------------


def field_key(kpi: Kpi, part: str) -> str:
    return f"kpi-{kpi.code}-{part}"


def commitment_key(commitment_id: int, part: str = "") -> str:
    """A commitment's field key (commitment-12-status); with no part, the commitment itself
    (commitment-12), the name a reason for its going back is given under."""
    return f"commitment-{commitment_id}-{part}" if part else f"commitment-{commitment_id}"


def warned_item(key: str) -> str:
    """What a warning's field key is about, by the name its reason is given under: a KPI's
    code (`kpi_code_of`), or a commitment's own key (`commitment_key`)."""
    if key.startswith("commitment-"):
        return key.rpartition("-")[0]
    return kpi_code_of(key)


def kpi_code_of(key: str) -> str:
    """The KPI's code in a field key of `field_key`: a code may hold a "-" (a slug), a part
    never does."""
    return key_parts(key)[0]


def key_parts(key: str) -> tuple[str, str]:
    """The KPI's code and the part of a field key of `field_key`."""
    code, _dash, part = key.removeprefix("kpi-").rpartition("-")
    return code, part


def figure_parts(kpi: Kpi) -> tuple[str, ...]:
    """What makes up a figure of `kpi`: a ratio's numerator and denominator, any other's value."""
    return ("numerator", "denominator") if kpi.kind == KpiKind.RATIO else ("value",)


def same_figure(kpi: Kpi, old, new) -> bool:
    """Whether two readings of `kpi`, typed (`Reading`) or stored (`KpiValue`), give the same
    figure.

    The one rule for a reason that still holds: the figure it explained is unchanged.
    """
    return all(getattr(old, name) == getattr(new, name) for name in figure_parts(kpi))


def same_progress(old, new) -> bool:
    """Whether two progresses of a commitment, typed (`CommitmentReading`) or stored
    (`CommitmentProgress`), are the same: the rule of a reason for going back that still holds."""
    return (old.status, old.percent_complete) == (new.status, new.percent_complete)


def check_report(
    report: QuarterlyReport,
    readings: dict[int, Reading],
    *,
    require_all: bool = False,
    lines: list[KpiLine] | None = None,
) -> ReportCheck:
    """Refusals and warnings for a set of readings; nothing is saved.

    `lines` are the report's `kpi_lines` when the caller has them already (the form
    it was typed into): read again, they would cost a save several queries more.
    """
    check = ReportCheck()
    lines = {line.kpi.pk: line for line in (kpi_lines(report) if lines is None else lines)}
    quarter = report.period
    for kpi_id, line in lines.items():
        kpi = line.kpi
        reading = readings.get(kpi_id) or Reading()
        if reading.is_empty(kpi):
            if require_all:
                part = "numerator" if kpi.kind == KpiKind.RATIO else "value"
                check.add_error(
                    field_key(kpi, part), _("Enter this value before submitting the report.")
                )
            continue
        for key, message in kpi.reading_errors(
            reading.value, reading.numerator, reading.denominator, prefix=f"kpi-{kpi.code}-"
        ).items():
            check.add_error(key, message)
        if reading.measured_on and not quarter.start <= reading.measured_on <= quarter.end:
            check.add_error(
                field_key(kpi, "measured_on"),
                _("The date %(date)s lies outside %(quarter)s (%(start)s to %(end)s).")
                % {
                    "date": date_label(reading.measured_on),
                    "quarter": quarter,
                    "start": date_label(quarter.start),
                    "end": date_label(quarter.end),
                },
            )
    _check_parts_within_totals(lines, readings, check)
    if not check.errors:
        _add_warnings(lines, readings, check)
    return check


def _check_parts_within_totals(lines, readings, check: ReportCheck):
    by_kpi = {line.kpi.pk: line.kpi for line in lines.values()}
    for kpi_id, kpi in by_kpi.items():
        if kpi.parent_id not in by_kpi or kpi.parent_id not in readings:
            continue
        part, total = readings.get(kpi_id), readings[kpi.parent_id]
        if part is None or part.value is None or total.value is None:
            continue
        if field_key(by_kpi[kpi.parent_id], "value") in check.errors:
            continue
        if part.value > total.value:
            check.add_error(
                field_key(kpi, "value"),
                _("%(part)s (%(part_value)s) cannot be greater than %(total)s (%(total_value)s).")
                % {
                    "part": kpi.name,
                    "part_value": number(part.value),
                    "total": by_kpi[kpi.parent_id].name,
                    "total_value": number(total.value),
                },
            )


def _add_warnings(lines, readings, check: ReportCheck):
    for kpi_id, line in lines.items():
        reading = readings.get(kpi_id)
        if reading is None or reading.is_empty(line.kpi) or line.previous is None:
            continue
        kpi = line.kpi
        new = kpi.share(reading.value, reading.numerator, reading.denominator)
        if kpi.kind == KpiKind.RATIO:
            new, old = reading.numerator, line.previous.numerator
        else:
            old = line.previous.value
        if new is None or old is None:
            continue
        part = "numerator" if kpi.kind == KpiKind.RATIO else "value"
        if kpi.is_stock and new < old:
            check.warnings[field_key(kpi, part)] = _(
                "%(kpi)s falls from %(old)s in %(quarter)s to %(new)s, although it is a "
                "stock that usually only grows."
            ) % {
                "kpi": kpi.name,
                "old": number(old),
                "new": number(new),
                "quarter": line.previous.report.period,
            }
        elif old > 0 and new > old * JUMP_FACTOR:
            check.warnings[field_key(kpi, part)] = _(
                "%(kpi)s jumps from %(old)s in %(quarter)s to %(new)s, more than three times "
                "as much."
            ) % {
                "kpi": kpi.name,
                "old": number(old),
                "new": number(new),
                "quarter": line.previous.report.period,
            }


# How far along each status is, to tell a commitment going back (done → in progress). A
# dropped commitment is on no such way: dropping one, or taking it up again, is no step back.
STATUS_STEPS = {
    CommitmentStatus.NOT_STARTED: 0,
    CommitmentStatus.IN_PROGRESS: 1,
    CommitmentStatus.AT_RISK: 1,
    CommitmentStatus.DONE: 2,
}


def commitment_warnings(
    report: QuarterlyReport, commitments: dict[int, CommitmentReading], lines=None
) -> dict[str, str]:
    """Warnings for the commitments whose progress goes back from the previous approved
    quarter's: a lower per cent, or a status further back. Confirmed with a reason, as a
    falling stock is (`services.unconfirmed_warnings`), since the dashboards follow it back.

    `lines` are the report's `commitment_lines` when the caller has them already.
    """
    if not commitments:
        return {}
    warnings = {}
    for commitment, _update in commitment_lines(report) if lines is None else lines:
        reading, before = commitments.get(commitment.pk), commitment.previous_update
        if reading is None or before is None:
            continue
        if reading.percent_complete < before.percent_complete:
            part = "percent_complete"
        elif _steps_back(before.status, reading.status):
            part = "status"
        else:
            continue
        warnings[commitment_key(commitment.pk, part)] = _(
            "%(commitment)s goes back from %(old)s in %(quarter)s to %(new)s, although a "
            "commitment's progress usually only moves forward."
        ) % {
            "commitment": commitment.short_text,
            "old": progress_label(before.status, before.percent_complete),
            "new": progress_label(reading.status, reading.percent_complete),
            "quarter": before.report.period,
        }
    return warnings


def _steps_back(old: str, new: str) -> bool:
    if old not in STATUS_STEPS or new not in STATUS_STEPS:
        return False
    return STATUS_STEPS[new] < STATUS_STEPS[old]


def progress_label(status: str, percent_complete: int) -> str:
    # The per cent written as every share of the portal is (40,0% beside the form's 40,0%).
    return _("%(status)s, %(percent)s complete") % {
        "status": CommitmentStatus(status).label,
        "percent": share(percent_complete),
    }
