"""The day's reminders and digests: who is told what on which day, in Vietnam's time.

The deadlines and the overdue rule are the worklist's (milestones.schedule): a
reminder lists exactly the reports the staff member's worklist shows, with the
same deadline. What is new here is only when to speak:

- 7 days and 1 day before a report is due;
- on the first day it is overdue (the day after its deadline), then every 7 days
  while it stays overdue; a submitted report is never overdue, so they stop;
- at most one e-mail a day a person, grouping every report concerned.

Reviewers' digests and officials' monthly summaries (summary.py) are written by the
same daily run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from core.formatting import date_label
from milestones.models import QuarterlyReport, ReportStatus
from milestones.schedule import WorkItem, review_queue, worklist
from provinces.access import Role

from . import services, summary
from .models import DailyRun, Kind, Notification

REMINDER_DAYS_BEFORE = (7, 1)
OVERDUE_EVERY_DAYS = 7
DUE_SOON = "due_soon"
OVERDUE = "overdue"


def reminder_for(item: WorkItem, today: datetime.date) -> str | None:
    """Whether a worklist item is mentioned today, and how: due soon, overdue, or not at all."""
    if item.state == ReportStatus.SUBMITTED:
        return None
    if item.overdue:
        days_late = (today - item.deadline).days
        return OVERDUE if (days_late - 1) % OVERDUE_EVERY_DAYS == 0 else None
    if (item.deadline - today).days in REMINDER_DAYS_BEFORE:
        return DUE_SOON
    return None


@dataclass
class Reminder:
    item: WorkItem
    reminder: str
    days: int
    url: str

    @property
    def is_overdue(self) -> bool:
        return self.reminder == OVERDUE


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    """The reports a staff member is reminded of today, by deadline."""
    found = []
    for item in worklist(user, today):
        reminder = reminder_for(item, today)
        if reminder:
            path = reverse("milestones:report-edit", args=[item.agreement.pk, item.quarter.code])
            days = abs((item.deadline - today).days)
            found.append(Reminder(item, reminder, days, services.absolute(path)))
    return found


def deadline_subject(reminders: list[Reminder]):
    count = len(reminders)

    def subject():
        if any(reminder.is_overdue for reminder in reminders):
            return ngettext(
                "Overdue: submit %(count)d quarterly report",
                "Overdue: submit %(count)d quarterly reports",
                count,
            ) % {"count": count}
        return ngettext(
            "Submit %(count)d quarterly report by %(date)s",
            "Submit %(count)d quarterly reports by %(date)s",
            count,
        ) % {"count": count, "date": date_label(min(r.item.deadline for r in reminders))}

    return subject


@dataclass
class Waiting:
    report: QuarterlyReport
    days: int
    url: str


def waiting_for(user, today: datetime.date) -> list[Waiting]:
    """The reports waiting for a reviewer (their provinces where assigned), oldest first."""
    return [
        Waiting(
            report,
            (today - timezone.localdate(report.submitted_at)).days if report.submitted_at else 0,
            services.absolute(report.get_absolute_url()),
        )
        for report in review_queue(user)
    ]


def digest_subject(count: int):
    def subject():
        return ngettext(
            "Review %(count)d report waiting for you",
            "Review %(count)d reports waiting for you",
            count,
        ) % {"count": count}

    return subject


def _not_yet_told(kind: str, key: str, role: str):
    told = Notification.objects.filter(kind=kind, key=key).values_list("recipient_id", flat=True)
    return [
        person
        for person in services.people_with_role(role).exclude(pk__in=told)
        if services.preference_for(person).wants(kind)
    ]


def _write_daily(kind: str, role: str, today: datetime.date, find, subject, name: str):
    """One notice of `kind` today for each person of `role` not yet told, about what `find`
    gives them (nothing found, nothing written); its template is the kind's own."""
    key = today.isoformat()
    written = []
    for person in _not_yet_told(kind, key, role):
        found = find(person, today)
        if not found:
            continue
        notice = services.write(
            person,
            kind,
            key,
            subject(found),
            kind,
            {name: found, "today": today},
            reverse("milestones:report-list"),
        )
        if notice:
            written.append(notice)
    return written


def write_deadline_reminders(today: datetime.date) -> list[Notification]:
    return _write_daily(
        Kind.DEADLINES, Role.STAFF, today, reminders_for, deadline_subject, "reminders"
    )


def write_review_digests(today: datetime.date) -> list[Notification]:
    return _write_daily(
        Kind.REVIEW_DIGEST,
        Role.REVIEWER,
        today,
        waiting_for,
        lambda waiting: digest_subject(len(waiting)),
        "waiting",
    )


def write_daily_notices(now: datetime.datetime | None = None) -> list[Notification]:
    """Write the day's notices once NOTIFICATION_HOUR has come in Vietnam; then rest till tomorrow.

    Any run may be the first of the day, or repeat one that stopped half-way: the
    unique key of each notice (the day) keeps each person to one of each kind.
    """
    now = timezone.localtime(now)
    if now.hour < settings.NOTIFICATION_HOUR:
        return []
    today = now.date()
    if DailyRun.objects.filter(day=today).exists():
        return []
    written = [
        *write_deadline_reminders(today),
        *write_review_digests(today),
        *summary.write_monthly_summaries(today),
    ]
    with transaction.atomic():
        DailyRun.objects.get_or_create(day=today, defaults={"notices": len(written)})
    return written
