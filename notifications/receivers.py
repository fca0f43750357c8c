"""Notices that follow a reviewer's decision, written in the decision's own transaction.

The report workflow does not know about notices; it sends `report_changed`. A
return (or an administrator's reopening) reaches the province's staff at once
with the comment; an approval only those who asked for it. Submissions wait for
the reviewers' daily digest (daily.py) rather than mailing them one by one.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from provinces.access import Action, Role, people_who_may

from . import services
from .models import Kind
from .tasks import send_on_commit

DECISIONS = {"returned": Kind.RETURNED, "reopened": Kind.RETURNED, "approved": Kind.APPROVED}


def report_changed(sender, report, event, user=None, **kwargs):
    kind = DECISIONS.get(event)
    if kind is None:
        return
    province_id = report.agreement.counterparty.province_id
    key = f"report-{report.pk}-v{report.version}"
    if kind == Kind.RETURNED:
        link = reverse("milestones:report-edit", args=[report.agreement_id, report.quarter])
    else:
        link = report.get_absolute_url()
    notices = [
        services.write(
            person,
            kind,
            key,
            decision_subject(event, report),
            kind,
            {"report": report, "reviewer": user, "event": event},
            link,
        )
        for person in people_who_may(Action.EDIT, province_id, Role.STAFF).select_related(
            "notification_preference"
        )
    ]
    send_on_commit(notices)


def decision_subject(event: str, report):
    def subject():
        if event == "reopened":
            # An approved quarter taken back by an administrator, not a reviewer's return.
            return _("Reopened, correct and resubmit: %(report)s") % {"report": report}
        if event == "returned":
            return _("Correct and resubmit: %(report)s") % {"report": report}
        return _("Approved, nothing more to do: %(report)s") % {"report": report}

    return subject
