"""The quarterly report workflow: entry, checks, submission, review, locking, reopening.

Every path that changes a report (the form, the REST API, the bulk import, the
admin's reopen) calls these functions, so each rule lives in one place and
gives the same message everywhere. Writes run in a transaction that locks the
report row; the version number on the report refuses silent overwrites.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnerships.models import Agreement, AgreementStatus, Commitment
from provinces.services import Action, Role, has_role, is_admin, province_scope

from . import progress
from .models import (
    CommitmentProgress,
    CommitmentStatus,
    Evidence,
    Kpi,
    KpiKind,
    KpiTarget,
    KpiValue,
    QuarterlyReport,
    ReportStatus,
)
from .quarters import Quarter, quarter_range
from .tasks import publish, send_report_notification

EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
JUMP_FACTOR = Decimal(3)


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


class ReportError(Exception):
    """Base of every refusal the workflow gives; `message` is shown to the user."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ReportNotFound(ReportError):
    """The report is outside the user's provinces: answered as a 404, never a 403."""


class ReportForbidden(ReportError):
    """The user may see the report but not do this to it: answered as a 403."""


class ReportInvalid(ReportError):
    def __init__(self, errors: dict[str, list[str]], message: str = ""):
        super().__init__(message or _("Some values need correcting; see the marked fields."))
        self.errors = errors


class ReportNeedsConfirmation(ReportError):
    def __init__(self, warnings: dict[str, str]):
        super().__init__(
            _("Some values look unusual. Confirm them with a reason, or correct them.")
        )
        self.warnings = warnings


class ReportConflict(ReportError):
    def __init__(self, report: QuarterlyReport):
        saved_by = report.updated_by.get_username() if report.updated_by else _("someone")
        super().__init__(
            _(
                "%(user)s saved this report at %(time)s, after you opened it. Your values "
                "were not saved: compare them with theirs below, then save again."
            )
            % {"user": saved_by, "time": _datetime(report.updated_at)}
        )
        self.report = report
        self.saved_by = saved_by
        self.saved_at = report.updated_at


class ReportLocked(ReportError):
    pass


class ReportTransitionRefused(ReportError):
    pass


def _datetime(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# Scoping -------------------------------------------------------------------


def _province_filter(scope: set[int] | None, field_name: str) -> Q:
    return Q() if scope is None else Q(**{f"{field_name}__in": scope})


def reports_visible_to(user):
    """Reports a user may open.

    Staff see their own provinces' reports at every stage and no other province's;
    reviewers see what reaches review in their provinces; officials read every
    approved report; administrators see everything.
    """
    reports = QuarterlyReport.objects.select_related(
        "agreement__counterparty__province", "agreement__phase", "updated_by", "submitted_by"
    )
    if not user.is_authenticated:
        return reports.none()
    if is_admin(user):
        return reports
    province_field = "agreement__counterparty__province"
    visible = Q(pk__in=[])
    if has_role(user, Role.OFFICIAL):
        visible |= Q(status=ReportStatus.APPROVED)
    edit_scope = province_scope(user, Action.EDIT)
    if edit_scope:
        visible |= _province_filter(edit_scope, province_field)
    review_scope = province_scope(user, Action.REVIEW)
    if review_scope is None or review_scope:
        visible |= _province_filter(review_scope, province_field) & ~Q(status=ReportStatus.DRAFT)
    return reports.filter(visible)


def agreements_editable_by(user):
    scope = province_scope(user, Action.EDIT)
    agreements = Agreement.objects.filter(status=AgreementStatus.ACTIVE)
    if scope is None:
        return agreements
    return agreements.filter(counterparty__province__in=scope)


def can_edit(user, agreement: Agreement) -> bool:
    scope = province_scope(user, Action.EDIT)
    return scope is None or agreement.counterparty.province_id in scope


def can_review(user, report: QuarterlyReport) -> bool:
    scope = province_scope(user, Action.REVIEW)
    if scope is not None and not scope:
        return False
    return scope is None or report.agreement.counterparty.province_id in scope


# Quarters and deadlines ------------------------------------------------------


def deadline_for(quarter: Quarter) -> datetime.date:
    return quarter.end + datetime.timedelta(days=settings.REPORT_DUE_DAYS)


def reportable_quarters(agreement: Agreement, today: datetime.date | None = None) -> list[Quarter]:
    """Quarters an agreement reports on: from its signing to its period's end, once ended."""
    today = today or timezone.localdate()
    first = (
        Quarter.containing(agreement.signed_on)
        if agreement.signed_on
        else Quarter(agreement.period_start, 1)
    )
    last = min(Quarter(agreement.period_end, 4), Quarter.containing(today).previous())
    return quarter_range(first, last)


@dataclass
class WorkItem:
    agreement: Agreement
    quarter: Quarter
    report: QuarterlyReport | None
    deadline: datetime.date
    overdue: bool

    @property
    def state(self) -> str:
        return self.report.status if self.report else "due"


def worklist(user, today: datetime.date | None = None) -> list[WorkItem]:
    """What a staff member has to do: every unapproved quarter of their agreements."""
    today = today or timezone.localdate()
    agreements = list(
        agreements_editable_by(user).select_related("counterparty__province", "phase")
    )
    reports = {
        (report.agreement_id, report.quarter): report
        for report in QuarterlyReport.objects.filter(agreement__in=agreements).select_related(
            "updated_by"
        )
    }
    items = []
    for agreement in agreements:
        for quarter in reportable_quarters(agreement, today):
            report = reports.get((agreement.pk, quarter.code))
            if report and report.status == ReportStatus.APPROVED:
                continue
            deadline = deadline_for(quarter)
            submitted = report is not None and report.status == ReportStatus.SUBMITTED
            items.append(
                WorkItem(agreement, quarter, report, deadline, not submitted and deadline < today)
            )
    items.sort(key=lambda item: (item.deadline, item.agreement.title))
    return items


def review_queue(user):
    scope = province_scope(user, Action.REVIEW)
    if scope is not None and not scope:
        return QuarterlyReport.objects.none()
    queue = QuarterlyReport.objects.filter(status=ReportStatus.SUBMITTED)
    if scope is not None:
        queue = queue.filter(agreement__counterparty__province__in=scope)
    return queue.select_related("agreement__counterparty__province", "submitted_by").order_by(
        "submitted_at"
    )


# Opening a report --------------------------------------------------------------


def find_report(user, agreement: Agreement, quarter: Quarter) -> QuarterlyReport:
    """The report to show in the entry form; unsaved (version 0) until first saved."""
    if not can_edit(user, agreement):
        raise ReportNotFound()
    if quarter not in reportable_quarters(agreement):
        raise ReportNotFound()
    report = QuarterlyReport.objects.filter(agreement=agreement, quarter=quarter.code).first()
    return report or QuarterlyReport(agreement=agreement, quarter=quarter.code, version=0)


def get_or_create_report(agreement: Agreement, quarter_code: int, user) -> QuarterlyReport:
    report = find_report(user, agreement, Quarter.from_code(quarter_code))
    if report.pk is None:
        report, _created = QuarterlyReport.objects.get_or_create(
            agreement=agreement,
            quarter=quarter_code,
            defaults={"created_by": user, "updated_by": user},
        )
    return report


@dataclass
class KpiLine:
    """One KPI row of the entry form with what the user needs beside it."""

    kpi: Kpi
    target: KpiTarget
    previous: KpiValue | None
    current: KpiValue | None


def kpi_lines(report: QuarterlyReport) -> list[KpiLine]:
    targets = list(
        KpiTarget.objects.filter(agreement_id=report.agreement_id)
        .select_related("kpi__parent")
        .order_by("kpi__order", "kpi__code")
    )
    kpi_ids = [target.kpi_id for target in targets]
    current = {}
    if report.pk:
        current = {value.kpi_id: value for value in report.values.select_related("kpi")}
    previous = previous_approved_values(report.agreement_id, report.quarter, kpi_ids)
    return [
        KpiLine(target.kpi, target, previous.get(target.kpi_id), current.get(target.kpi_id))
        for target in targets
    ]


def previous_approved_values(agreement_id, quarter_code, kpi_ids) -> dict[int, KpiValue]:
    """The latest approved value of each KPI before the given quarter."""
    values = (
        KpiValue.objects.filter(
            report__agreement_id=agreement_id,
            report__status=ReportStatus.APPROVED,
            report__quarter__lt=quarter_code,
            kpi_id__in=kpi_ids,
        )
        .select_related("report", "kpi")
        .order_by("kpi_id", "-report__quarter")
    )
    latest = {}
    for value in values:
        latest.setdefault(value.kpi_id, value)
    return latest


def commitment_lines(report: QuarterlyReport):
    commitments = list(
        Commitment.objects.filter(agreement_id=report.agreement_id).select_related("area")
    )
    current = {}
    if report.pk:
        current = {update.commitment_id: update for update in report.commitment_updates.all()}
    return [(commitment, current.get(commitment.pk)) for commitment in commitments]


# Checks -------------------------------------------------------------------------


def field_key(kpi: Kpi, part: str) -> str:
    return f"kpi-{kpi.code}-{part}"


def check_report(
    report: QuarterlyReport, readings: dict[int, Reading], *, require_all: bool = False
) -> ReportCheck:
    """Refusals and warnings for a set of readings; nothing is saved."""
    check = ReportCheck()
    lines = {line.kpi.pk: line for line in kpi_lines(report)}
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
                    "date": date_format(reading.measured_on, "SHORT_DATE_FORMAT"),
                    "quarter": quarter,
                    "start": date_format(quarter.start, "SHORT_DATE_FORMAT"),
                    "end": date_format(quarter.end, "SHORT_DATE_FORMAT"),
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
                    "part_value": _plain(part.value),
                    "total": by_kpi[kpi.parent_id].name,
                    "total_value": _plain(total.value),
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
                "old": _plain(old),
                "new": _plain(new),
                "quarter": line.previous.report.period,
            }
        elif old > 0 and new > old * JUMP_FACTOR:
            check.warnings[field_key(kpi, part)] = _(
                "%(kpi)s jumps from %(old)s in %(quarter)s to %(new)s, more than three times "
                "as much."
            ) % {
                "kpi": kpi.name,
                "old": _plain(old),
                "new": _plain(new),
                "quarter": line.previous.report.period,
            }


def _plain(value) -> str:
    from .models import _number

    return _number(value)


# Writes ----------------------------------------------------------------------


def _lock(report: QuarterlyReport) -> QuarterlyReport:
    # Only the report's row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins that updated_by and reviewed_by need.
    return (
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("agreement__counterparty__province", "updated_by", "reviewed_by")
        .get(pk=report.pk)
    )


def locked_message(report: QuarterlyReport) -> str:
    reviewer = report.reviewed_by.get_username() if report.reviewed_by else _("a reviewer")
    return _(
        "This report was approved by %(user)s on %(time)s and is locked. "
        "Only an administrator can reopen it, with a stated reason."
    ) % {"user": reviewer, "time": _datetime(report.reviewed_at)}


def _ensure_editable(report: QuarterlyReport):
    if report.status == ReportStatus.APPROVED:
        raise ReportLocked(locked_message(report))
    if report.status == ReportStatus.SUBMITTED:
        raise ReportLocked(
            _(
                "This report was submitted for review and cannot be changed now. "
                "A reviewer can return it to you for changes."
            )
        )


def _ensure_version(report: QuarterlyReport, version: int):
    if report.version != version:
        raise ReportConflict(report)


def _stamp(instance, user):
    instance._history_user = user


def save_draft(
    report: QuarterlyReport,
    user,
    *,
    version: int,
    readings: dict[int, Reading],
    commitments: dict[int, CommitmentReading] | None = None,
    narrative: str | None = None,
    warning_reason: str = "",
) -> QuarterlyReport:
    """Save what the user typed, refusing bad values and unconfirmed warnings."""
    if not can_edit(user, report.agreement):
        raise ReportNotFound()
    with transaction.atomic():
        if report.pk is None:
            report, created = QuarterlyReport.objects.get_or_create(
                agreement=report.agreement,
                quarter=report.quarter,
                defaults={"created_by": user, "updated_by": user, "version": 0},
            )
            if not created and version == 0:
                raise ReportConflict(report)
        report = _lock(report)
        _ensure_editable(report)
        _ensure_version(report, version)
        check = check_report(report, readings)
        if check.errors:
            raise ReportInvalid(check.errors)
        if check.warnings and not warning_reason.strip():
            raise ReportNeedsConfirmation(check.warnings)
        warned_kpis = {key.split("-")[1] for key in check.warnings}
        _write_values(report, user, readings, warned_kpis, warning_reason.strip())
        _write_commitments(report, user, commitments or {})
        if narrative is not None:
            report.narrative = narrative
        report.version += 1
        report.updated_by = user
        _stamp(report, user)
        report.save()
    return report


def _write_values(report, user, readings, warned_kpis, warning_reason):
    kpis = {line.kpi.pk: line.kpi for line in kpi_lines(report)}
    existing = {value.kpi_id: value for value in report.values.all()}
    for kpi_id, reading in readings.items():
        kpi = kpis.get(kpi_id)
        if kpi is None:
            continue
        value = existing.get(kpi_id) or KpiValue(report=report, kpi=kpi)
        value.kpi = kpi
        value.value = None if kpi.kind == KpiKind.RATIO else reading.value
        value.numerator = reading.numerator if kpi.kind == KpiKind.RATIO else None
        value.denominator = reading.denominator if kpi.kind == KpiKind.RATIO else None
        value.measured_on = reading.measured_on
        value.note = reading.note
        value.warning_reason = warning_reason if kpi.code in warned_kpis else ""
        if value.pk is None and value.is_empty:
            continue
        _stamp(value, user)
        value.save()


def _write_commitments(report, user, commitments):
    allowed = set(
        Commitment.objects.filter(agreement_id=report.agreement_id).values_list("pk", flat=True)
    )
    existing = {update.commitment_id: update for update in report.commitment_updates.all()}
    for commitment_id, reading in commitments.items():
        if commitment_id not in allowed:
            continue
        update = existing.get(commitment_id) or CommitmentProgress(
            report=report, commitment_id=commitment_id
        )
        update.status = reading.status
        update.percent_complete = reading.percent_complete
        update.note = reading.note
        _stamp(update, user)
        update.save()


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


def submit_report(report: QuarterlyReport, user, version: int) -> QuarterlyReport:
    """Send a complete report for review."""
    if not can_edit(user, report.agreement):
        raise ReportNotFound()
    with transaction.atomic():
        report = _lock(report)
        _ensure_editable(report)
        _ensure_version(report, version)
        check = check_report(report, readings_of(report), require_all=True)
        if check.errors:
            raise ReportInvalid(
                check.errors,
                _("The report cannot be submitted until every value is entered and valid."),
            )
        unconfirmed = {
            key
            for key in check.warnings
            if not report.values.filter(kpi__code=key.split("-")[1])
            .exclude(warning_reason="")
            .exists()
        }
        if unconfirmed:
            raise ReportNeedsConfirmation({key: check.warnings[key] for key in unconfirmed})
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = user
        report.submitted_at = timezone.now()
        report.version += 1
        report.updated_by = user
        _stamp(report, user)
        report.save()
        _notify(report, "submitted")
    return report


def _review(report: QuarterlyReport, user, version: int) -> QuarterlyReport:
    if not can_review(user, report):
        raise ReportForbidden(
            _("Only a reviewer of this province can approve or return its reports.")
        )
    report = _lock(report)
    _ensure_version(report, version)
    if report.status != ReportStatus.SUBMITTED:
        raise ReportTransitionRefused(_("Only a submitted report can be approved or returned."))
    return report


def _decide(report: QuarterlyReport, user, status: str, comment: str):
    """Record a reviewer's or administrator's decision on a locked report row."""
    report.status = status
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.version += 1
    _stamp(report, user)
    report.save()


def approve_report(report: QuarterlyReport, user, version: int, comment: str = ""):
    """Approve and lock a submitted report; its figures then count on the dashboards."""
    with transaction.atomic():
        report = _review(report, user, version)
        _decide(report, user, ReportStatus.APPROVED, comment.strip())
        _request_recompute(report, "approved")
        _notify(report, "approved")
    return report


def return_report(report: QuarterlyReport, user, version: int, comment: str):
    """Send a submitted report back to its authors with what to change."""
    if not comment.strip():
        raise ReportInvalid(
            {"comment": [_("Say what needs changing before returning the report.")]}
        )
    with transaction.atomic():
        report = _review(report, user, version)
        _decide(report, user, ReportStatus.RETURNED, comment.strip())
        _notify(report, "returned")
    return report


def reopen_report(report: QuarterlyReport, user, reason: str) -> QuarterlyReport:
    """Unlock an approved quarter; only administrators, and never without a reason."""
    if not is_admin(user):
        raise ReportForbidden(_("Only an administrator can reopen an approved quarter."))
    if not reason.strip():
        raise ReportInvalid({"reason": [_("Give the reason for reopening this quarter.")]})
    with transaction.atomic():
        report = _lock(report)
        if report.status != ReportStatus.APPROVED:
            raise ReportTransitionRefused(_("Only an approved report can be reopened."))
        _decide(
            report,
            user,
            ReportStatus.RETURNED,
            _("Reopened by an administrator: %(reason)s") % {"reason": reason.strip()},
        )
        _request_recompute(report, "reopened")
        _notify(report, "reopened")
    return report


def _request_recompute(report: QuarterlyReport, event: str):
    """The dashboards' hook: their figures follow every approval and reopening."""
    progress.request_recompute(report.agreement_id, reason=f"report {report.pk} {event}")


def _notify(report: QuarterlyReport, event: str):
    # The decision stands even when the broker is down; only the e-mail is lost.
    report_id = report.pk
    transaction.on_commit(lambda: publish(send_report_notification, report_id, event))


# Evidence ------------------------------------------------------------------------

EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}


def evidence_errors(upload) -> list[str]:
    """Refuse files that are too large or are not what their name says."""
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        return [
            _(
                "Files of type %(ext)s are not accepted. Upload a PDF, an image or an office document."
            )
            % {"ext": extension or _("(none)")}
        ]
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        return [
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": round(settings.EVIDENCE_MAX_BYTES / 1024 / 1024, 1),
            }
        ]
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(EVIDENCE_TYPES[extension][1]):
        return [_("The file's content does not match its type %(ext)s.") % {"ext": extension}]
    return []


def attach_evidence(report: QuarterlyReport, user, upload, description: str = "") -> Evidence:
    if not can_edit(user, report.agreement):
        raise ReportNotFound()
    errors = evidence_errors(upload)
    if errors:
        raise ReportInvalid({"evidence": errors})
    with transaction.atomic():
        report = _lock(report)
        _ensure_editable(report)
        extension = os.path.splitext(upload.name)[1].lower()
        evidence = Evidence(
            report=report,
            original_name=os.path.basename(upload.name)[:255],
            content_type=EVIDENCE_TYPES[extension][0],
            size=upload.size,
            description=description[:300],
            uploaded_by=user,
        )
        evidence.file.save(upload.name, upload, save=False)
        _stamp(evidence, user)
        evidence.save()
    return evidence


def remove_evidence(evidence: Evidence, user) -> Evidence:
    """Hide a file from the report; it is kept, so nothing is ever lost."""
    if not can_edit(user, evidence.report.agreement):
        raise ReportNotFound()
    with transaction.atomic():
        report = _lock(evidence.report)
        _ensure_editable(report)
        evidence.is_removed = True
        _stamp(evidence, user)
        evidence.save(update_fields=["is_removed"])
    return evidence


# History ------------------------------------------------------------------------

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
        return _plain(value)
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


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
            for name in HISTORY_FIELDS[model]:
                old = getattr(previous, name) if previous else None
                new = getattr(record, name)
                if old == new:
                    continue
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
