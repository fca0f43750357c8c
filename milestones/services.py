"""The quarterly report workflow: opening, saving, submitting, approving, returning, reopening.

Every path that changes a report (the form, the REST API, the bulk import, the
admin's reopen) calls these functions, so each rule lives in one place and
gives the same message everywhere. Each action runs in one transaction that
locks the report row; the version number on the report refuses silent
overwrites. Each announces itself with `report_changed` inside that
transaction, which is how the progress figures and the notices to the people
concerned follow without this app knowing about them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.formatting import datetime_label
from core.quarters import Quarter
from partnerships.models import Agreement, Commitment, KpiKind
from provinces.access import Action, can, is_admin

from .checks import (
    CommitmentReading,
    KpiLine,
    Reading,
    check_report,
    commitment_key,
    commitment_readings_of,
    commitment_warnings,
    kpi_lines,
    period_refusal,
    readings_of,
    same_figure,
    same_progress,
    warned_item,
)
from .four_eyes import approval_refusal
from .models import CommitmentProgress, KpiValue, QuarterlyReport, ReportStatus
from .schedule import reportable_quarters
from .signals import report_changed

EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportError(Exception):
    """Base of every refusal the workflow gives; `message` is shown to the user."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ReportNotFound(ReportError):
    """The report is outside the user's provinces: answered as a 404, never a 403."""


class ReportForbidden(ReportError):
    """The user may see the report but not do this to it: answered as a 403."""


class ReportOwnSubmission(ReportForbidden):
    """Four eyes: whoever submitted a report or changed its values cannot also approve it."""


class ReportOutsidePeriod(ReportError):
    """The quarter lies outside the agreement's period: refused saying so, not as a 404."""


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
    """The report changed after the user's page was opened; nothing of theirs was written.

    `message` suits the entry form, which shows the saved values beside the user's;
    the autosave line, the import preview and the API say it their way with `told_for`.
    A save by the same user (in another tab) is told as theirs, not another person's.
    """

    def __init__(self, report: QuarterlyReport, user=None, message: str = ""):
        self.report = report
        self.by_self = user is not None and report.updated_by_id == user.pk
        self.saved_by = report.updated_by.get_username() if report.updated_by else _("someone")
        self.saved_at = report.updated_at
        self.fixed_message = message
        super().__init__(message or self.told_for("form"))

    def told_for(self, place: str) -> str:
        """What happened, for the "form", the "autosave" line, the "import" preview or the "api".

        A message given when raised (a review's) is the same everywhere.
        """
        if self.fixed_message:
            return self.fixed_message
        messages = {
            "form": (
                _(
                    "You saved this report in another tab at %(time)s, after this page was "
                    "opened. The values here were not saved: compare them with the saved ones "
                    "below, then save again."
                ),
                _(
                    "%(user)s saved this report at %(time)s, after you opened it. Your values "
                    "were not saved: compare them with theirs below, then save again."
                ),
            ),
            "autosave": (
                _(
                    "Not saved automatically: you saved this report in another tab at "
                    "%(time)s. Press Save draft to see the saved values beside these."
                ),
                _(
                    "Not saved automatically: %(user)s saved this report at %(time)s. "
                    "Press Save draft to see their values beside yours."
                ),
            ),
            "import": (
                _(
                    "you saved this report at %(time)s, after the preview was shown. The "
                    "preview now shows the saved values: check it, then save again."
                ),
                _(
                    "%(user)s saved this report at %(time)s, after the preview was shown. The "
                    "preview now shows the saved values: check it, then save again."
                ),
            ),
        }
        own, other = messages["form" if place == "api" else place]
        # An API client has no tabs: the account that saved is named, even its own.
        by_self = self.by_self and place != "api"
        text = (own if by_self else other) % {
            "user": self.saved_by,
            "time": datetime_label(self.saved_at),
        }
        # "someone" is lower case in a language that starts the sentence with it; a
        # username is kept as typed (staff_laocai, as `saved_by` gives it).
        if place == "import" or self.report.updated_by_id is not None:
            return text
        return capfirst(text)


class ReportLocked(ReportError):
    pass


class ReportTransitionRefused(ReportError):
    pass


# Who may act ----------------------------------------------------------------------


def can_edit(user, agreement: Agreement) -> bool:
    return can(user, Action.EDIT, agreement.counterparty.province_id)


def can_review(user, report: QuarterlyReport) -> bool:
    return can(user, Action.REVIEW, report.agreement.counterparty.province_id)


# Opening a report --------------------------------------------------------------


def ensure_in_period(agreement: Agreement, quarter: Quarter):
    refusal = period_refusal(agreement, quarter)
    if refusal:
        raise ReportOutsidePeriod(refusal)


def find_report(user, agreement: Agreement, quarter: Quarter) -> QuarterlyReport:
    """The report to show in the entry form; unsaved (version 0) until first saved."""
    if not can_edit(user, agreement):
        raise ReportNotFound()
    ensure_in_period(agreement, quarter)
    if quarter not in reportable_quarters(agreement):
        raise ReportNotFound()
    report = QuarterlyReport.objects.filter(agreement=agreement, quarter=quarter.code).first()
    return report or QuarterlyReport(agreement=agreement, quarter=quarter.code, version=0)


def get_or_create_report(agreement: Agreement, quarter_code: int, user) -> QuarterlyReport:
    report = find_report(user, agreement, Quarter.from_code(quarter_code))
    if report.pk is None:
        with transaction.atomic():
            report, created = QuarterlyReport.objects.get_or_create(
                agreement=agreement,
                quarter=quarter_code,
                defaults={"created_by": user, "updated_by": user},
            )
            if created:
                _announce(report, "opened", user)
    return report


# Writes ----------------------------------------------------------------------


def lock_report(report: QuarterlyReport) -> QuarterlyReport:
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
    ) % {"user": reviewer, "time": datetime_label(report.reviewed_at)}


def ensure_editable(report: QuarterlyReport):
    if report.status == ReportStatus.APPROVED:
        raise ReportLocked(locked_message(report))
    if report.status == ReportStatus.SUBMITTED:
        raise ReportLocked(
            _(
                "This report was submitted for review and cannot be changed now. "
                "A reviewer can return it to you for changes."
            )
        )


def ensure_version(report: QuarterlyReport, version: int, user=None):
    if report.version != version:
        raise ReportConflict(report, user)


def stamp(instance, user):
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
    warning_reasons: dict[str, str] | None = None,
    lines: list[KpiLine] | None = None,
    commitment_lines=None,
) -> QuarterlyReport:
    """Save what the user typed, refusing bad values and unconfirmed warnings.

    A newly warned value, or commitment going back, is confirmed by `warning_reason`,
    one reason for all of them as the form gives it, or by its own in `warning_reasons`
    (by KPI code), as each row of an import gives it. A save that changes nothing (no
    value, commitment or narrative) writes nothing and leaves the version and the last
    saver as they were (`changed_nothing`); the version is checked all the same.
    `lines`, the report's `kpi_lines` as the form that was typed into was built
    from them, are read here when not given: the KPIs a save takes are those the
    user was offered, and an autosave every few seconds does not read them again;
    `commitment_lines` likewise.
    """
    if not can_edit(user, report.agreement):
        raise ReportNotFound()
    # A report already stored outside the period (see check_values) takes no more values.
    ensure_in_period(report.agreement, report.period)
    created = False
    with transaction.atomic():
        if report.pk is None:
            report, created = QuarterlyReport.objects.get_or_create(
                agreement=report.agreement,
                quarter=report.quarter,
                defaults={"created_by": user, "updated_by": user, "version": 0},
            )
            if not created and version == 0:
                raise ReportConflict(report, user)
        report = lock_report(report)
        ensure_editable(report)
        ensure_version(report, version, user)
        if lines is None:
            lines = kpi_lines(report)
        check = check_report(report, readings, lines=lines)
        if check.errors:
            raise ReportInvalid(check.errors)
        commitments = commitments or {}
        warnings = {
            **check.warnings,
            **commitment_warnings(report, commitments, commitment_lines),
        }
        unconfirmed = unconfirmed_warnings(report, warnings, readings, commitments=commitments)
        reasons = {
            warned_item(key): (warning_reasons or {}).get(warned_item(key), warning_reason).strip()
            for key in unconfirmed
        }
        missing = {
            key: message for key, message in unconfirmed.items() if not reasons[warned_item(key)]
        }
        if missing:
            raise ReportNeedsConfirmation(missing)
        kpis = {line.kpi.pk: line.kpi for line in lines}
        warned = {warned_item(key) for key in warnings}
        written = _write_values(report, user, kpis, readings, warned, reasons)
        written += _write_commitments(report, user, commitments, warned, reasons)
        if narrative is not None and narrative != report.narrative:
            report.narrative = narrative
            written += 1
        if not (written or created):
            # Moving the version on would refuse a colleague's real change as a conflict
            # with a save that changed nothing, and name this user as the last to save.
            return report
        report.version += 1
        report.updated_by = user
        stamp(report, user)
        report.save()
        if created:
            _announce(report, "opened", user)
        _announce(report, "saved", user)
    return report


def changed_nothing(report: QuarterlyReport, version: int) -> bool:
    """Whether `save_draft`, sent `version`, found nothing to change and so saved nothing."""
    return report.version == version


def unconfirmed_warnings(
    report,
    warnings: dict[str, str],
    readings: dict[int, Reading],
    reasoned=None,
    commitments: dict[int, CommitmentReading] | None = None,
) -> dict:
    """The warnings still to confirm: a value (or a commitment's progress) confirmed with a
    reason and unchanged since is not.

    The one rule for a save, a submission and an import's preview alike, so a
    reason given once holds until the value it explained changes. `reasoned`, the
    report's stored values that carry a reason, are read here unless the caller
    read them already (an import's preview, which also compares the file's reasons).
    """
    if not warnings:
        # Almost every save and autosave: nothing unusual, nothing stored to read.
        return {}
    if reasoned is None:
        reasoned = reasoned_values(report)
    confirmed = {
        value.kpi.code
        for value in reasoned
        if value.kpi_id in readings and same_figure(value.kpi, value, readings[value.kpi_id])
    }
    if commitments:
        confirmed |= {
            commitment_key(update.commitment_id)
            for update in _reasoned_updates(report)
            if update.commitment_id in commitments
            and same_progress(update, commitments[update.commitment_id])
        }
    return {key: message for key, message in warnings.items() if warned_item(key) not in confirmed}


def reasoned_values(report: QuarterlyReport) -> list[KpiValue]:
    """The report's stored values that carry a reason for an unusual figure."""
    if report.pk is None:
        return []
    return list(report.values.select_related("kpi").exclude(warning_reason=""))


def _reasoned_updates(report: QuarterlyReport) -> list[CommitmentProgress]:
    """The report's stored commitment updates that carry a reason for going back."""
    if report.pk is None:
        return []
    return list(report.commitment_updates.exclude(warning_reason=""))


def _give_reason(row, item: str, warned: set[str], reasons: dict[str, str]):
    """A newly warned value or update takes its reason, one warned before keeps its own, and
    one no longer unusual loses it."""
    if item in reasons:
        row.warning_reason = reasons[item]
    elif item not in warned:
        row.warning_reason = ""


def _write_values(report, user, kpis, readings, warned, reasons: dict[str, str]) -> int:
    """Write the readings of the report's `kpis` (by id), answering how many values changed;
    `reasons` explain the newly warned values (`warned`, by `warned_item`), a kept one stays."""
    existing = {value.kpi_id: value for value in report.values.all()}
    before = {kpi_id: _fields(value, VALUE_FIELDS) for kpi_id, value in existing.items()}
    written = 0
    for kpi_id, reading in readings.items():
        kpi = kpis.get(kpi_id)
        if kpi is None:
            continue
        value = existing.get(kpi_id) or KpiValue(report=report, kpi=kpi)
        value.kpi = kpi
        if kpi.kind == KpiKind.RATIO:
            # The share stays as stored: saving derives it from its parts (KpiValue.save),
            # so an unchanged ratio compares equal and is not written again.
            value.numerator, value.denominator = reading.numerator, reading.denominator
        else:
            value.value, value.numerator, value.denominator = reading.value, None, None
        value.measured_on = reading.measured_on
        value.note = reading.note
        _give_reason(value, kpi.code, warned, reasons)
        if value.pk is None and value.is_empty:
            continue
        if value.pk is not None and _fields(value, VALUE_FIELDS) == before.get(kpi_id):
            continue
        stamp(value, user)
        value.save()
        written += 1
    return written


def _write_commitments(report, user, commitments, warned, reasons: dict[str, str]) -> int:
    """Write the commitments' progress, answering how many updates changed; `reasons` explain
    the progress newly warned as going back, as `_write_values` does."""
    allowed = set(
        Commitment.objects.filter(agreement_id=report.agreement_id).values_list("pk", flat=True)
    )
    existing = {update.commitment_id: update for update in report.commitment_updates.all()}
    written = 0
    for commitment_id, reading in commitments.items():
        if commitment_id not in allowed:
            continue
        update = existing.get(commitment_id) or CommitmentProgress(
            report=report, commitment_id=commitment_id
        )
        before = _fields(update, COMMITMENT_FIELDS) if update.pk else None
        update.status = reading.status
        update.percent_complete = reading.percent_complete
        update.note = reading.note
        _give_reason(update, commitment_key(commitment_id), warned, reasons)
        if _fields(update, COMMITMENT_FIELDS) == before:
            continue
        stamp(update, user)
        update.save()
        written += 1
    return written


# What a save may change. A value or an update the user did not change is not written:
# an autosave every few seconds would otherwise add a history row for each KPI each time,
# and a value's history would bury its real changes under copies.
VALUE_FIELDS = ("value", "numerator", "denominator", "measured_on", "note", "warning_reason")
COMMITMENT_FIELDS = ("status", "percent_complete", "note", "warning_reason")


def _fields(instance, names) -> tuple:
    return tuple(getattr(instance, name) for name in names)


def save_and_submit(report: QuarterlyReport, user, *, attach=None, **draft) -> QuarterlyReport:
    """Save what the user typed (`draft`: as `save_draft` takes it) and submit it, both or neither.

    A refused submission leaves the report as it was, at the version the user's
    form holds, so pressing Submit again after a correction never meets the
    user's own save as a conflict. `attach(report)` adds evidence in between.
    """
    with transaction.atomic():
        report = save_draft(report, user, **draft)
        if attach is not None:
            attach(report)
        return submit_report(report, user, report.version)


def submit_report(report: QuarterlyReport, user, version: int) -> QuarterlyReport:
    """Send a complete report for review."""
    if not can_edit(user, report.agreement):
        raise ReportNotFound()
    ensure_in_period(report.agreement, report.period)
    with transaction.atomic():
        report = lock_report(report)
        ensure_editable(report)
        ensure_version(report, version, user)
        readings = readings_of(report)
        check = check_report(report, readings, require_all=True)
        if check.errors:
            raise ReportInvalid(
                check.errors,
                _("The report cannot be submitted until every value is entered and valid."),
            )
        commitments = commitment_readings_of(report)
        warnings = {**check.warnings, **commitment_warnings(report, commitments)}
        unconfirmed = unconfirmed_warnings(report, warnings, readings, commitments=commitments)
        if unconfirmed:
            raise ReportNeedsConfirmation(unconfirmed)
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = user
        report.submitted_at = timezone.now()
        report.version += 1
        report.updated_by = user
        stamp(report, user)
        report.save()
        _announce(report, "submitted", user)
    return report


def _review(report: QuarterlyReport, user, version: int) -> QuarterlyReport:
    if not can_review(user, report):
        raise ReportForbidden(
            _("Only a reviewer of this province can approve or return its reports.")
        )
    report = lock_report(report)
    if report.version != version:
        raise ReportConflict(report, user, _changed_since_opened(report, user))
    if report.status != ReportStatus.SUBMITTED:
        raise ReportTransitionRefused(_("Only a submitted report can be approved or returned."))
    return report


def _changed_since_opened(report: QuarterlyReport, user) -> str:
    """A review posted from a page older than the report: there are no values to compare."""
    details = {"status": report.get_status_display(), "time": datetime_label(report.updated_at)}
    if report.status != ReportStatus.SUBMITTED and report.reviewed_by_id == user.pk:
        return (
            _(
                "You already decided on this report at %(time)s, in another tab (it is now "
                "%(status)s): look at it again before you approve or return it."
            )
            % details
        )
    return (
        _(
            "The report changed after you opened this page (it is now %(status)s, changed at "
            "%(time)s): look at it again before you approve or return it."
        )
        % details
    )


def _decide(report: QuarterlyReport, user, status: str, comment: str):
    """Record a reviewer's or administrator's decision on a locked report row."""
    report.status = status
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.version += 1
    stamp(report, user)
    report.save()


def approve_report(report: QuarterlyReport, user, version: int, comment: str = ""):
    """Approve and lock a submitted report; its figures then count on the dashboards."""
    with transaction.atomic():
        report = _review(report, user, version)
        refusal = approval_refusal(user, report)
        if refusal:
            raise ReportOwnSubmission(refusal)
        _decide(report, user, ReportStatus.APPROVED, comment.strip())
        _announce(report, "approved", user)
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
        _announce(report, "returned", user)
    return report


def reopen_report(report: QuarterlyReport, user, reason: str) -> QuarterlyReport:
    """Unlock an approved quarter; only administrators, and never without a reason."""
    if not is_admin(user):
        raise ReportForbidden(_("Only an administrator can reopen an approved quarter."))
    if not reason.strip():
        raise ReportInvalid({"reason": [_("Give the reason for reopening this quarter.")]})
    with transaction.atomic():
        report = lock_report(report)
        if report.status != ReportStatus.APPROVED:
            raise ReportTransitionRefused(_("Only an approved report can be reopened."))
        # Only the administrator's words are stored: the pages say in their reader's
        # language that it was a reopening (history.reopened).
        _decide(report, user, ReportStatus.RETURNED, reason.strip())
        _announce(report, "reopened", user)
    return report


def _announce(report: QuarterlyReport, event: str, user):
    """Tell whoever listens: the progress figures, and the notices to the people concerned.

    Inside the transaction, so that a listener's own writes (a pending
    recompute, a notice in the outbox) commit or roll back with the decision.
    """
    report_changed.send(sender=QuarterlyReport, report=report, event=event, user=user)
