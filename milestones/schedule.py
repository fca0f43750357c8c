"""When reports are due: the reporting schedule that the worklist, the jobs and the checks read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.collation import sort_key
from core.quarters import Quarter, last_completed, quarter_range
from partnerships.models import Agreement
from provinces.access import Action, Role, has_role, province_scope

from .four_eyes import approval_refusals
from .models import QuarterlyReport, ReportStatus

# An agreement owes the quarters it has not reported until the end of the year after its
# period: long enough to report its last quarters, not so long that closed phases (whose
# figures came from the articles) flood the worklists.
OWED_YEARS_AFTER_PERIOD = 1


def reportable_agreements(user, today: datetime.date | None = None):
    """Agreements whose reports `user` enters: signed, and not long over.

    An agreement that has ended, been superseded or been terminated still owes the quarters
    of its period up to then; `reportable_quarters` says which.
    """
    today = today or timezone.localdate()
    return (
        Agreement.objects.signed_by(today)
        .filter(period_end__gte=today.year - OWED_YEARS_AFTER_PERIOD)
        .restrict(user, Action.EDIT)
    )


def deadline_for(quarter: Quarter) -> datetime.date:
    return quarter.end + datetime.timedelta(days=settings.REPORT_DUE_DAYS)


def reportable_quarters(agreement: Agreement, today: datetime.date | None = None) -> list[Quarter]:
    """Quarters an agreement reports on: from its signing to its period's end, once ended.

    An early termination ends reporting with the quarter in which it took effect.
    """
    today = today or timezone.localdate()
    if agreement.period_end < today.year - OWED_YEARS_AFTER_PERIOD:
        return []
    first = (
        Quarter.containing(agreement.signed_on)
        if agreement.signed_on
        else Quarter(agreement.period_start, 1)
    )
    last = min(Quarter(agreement.period_end, 4), last_completed(today))
    if agreement.terminated_on:
        last = min(last, Quarter.containing(agreement.terminated_on))
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

    @property
    def shows_demo(self) -> bool:
        return self.report.shows_demo if self.report else self.agreement.is_demo


def worklist(user, today: datetime.date | None = None) -> list[WorkItem]:
    """What a staff member has to do: every unapproved quarter of their agreements."""
    today = today or timezone.localdate()
    agreements = list(
        reportable_agreements(user, today).select_related("counterparty__province", "phase")
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
    items.sort(key=lambda item: (item.deadline, sort_key(item.agreement.title)))
    return items


def no_province_notice(user) -> str:
    """Why a staff member has nothing to enter or import when no province is assigned to
    them yet, and whom to ask; "" for anyone else."""
    if has_role(user, Role.STAFF) and province_scope(user, Action.EDIT) == set():
        return _(
            "Your account is not assigned to any province yet, so you have no reports to "
            "enter or figures to import. Ask an administrator to assign you to your province."
        )
    return ""


def review_queue(user) -> list[QuarterlyReport]:
    """Submitted reports waiting for this reviewer, oldest first.

    A report they may not approve (four eyes: they submitted it or changed its values)
    waits for another reviewer, not for them.
    """
    submitted = (
        QuarterlyReport.objects.filter(status=ReportStatus.SUBMITTED)
        .restrict(user, Action.REVIEW)
        .select_related("agreement__counterparty__province", "submitted_by")
        .order_by("submitted_at")
    )
    submitted = list(submitted)
    refused = approval_refusals(user, submitted)
    return [report for report in submitted if report.pk not in refused]
