from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from provinces.access import Action, Role, can

from .models import QuarterlyReport

NOTIFICATION_SUBJECTS = {
    "submitted": gettext_noop("Report submitted for review: %(report)s"),
    "approved": gettext_noop("Report approved: %(report)s"),
    "returned": gettext_noop("Report returned for changes: %(report)s"),
    "reopened": gettext_noop("Report reopened: %(report)s"),
}


def _reviewers_for(report):
    reviewers = get_user_model().objects.filter(groups__name=Role.REVIEWER, is_active=True)
    province_id = report.agreement.counterparty.province_id
    return [
        user
        for user in reviewers.prefetch_related("groups")
        if can(user, Action.REVIEW, province_id)
    ]


@shared_task(bind=True, max_retries=5, default_retry_delay=60, retry_backoff=True)
def send_report_notification(self, report_id: int, event: str):
    """E-mail the people a report's change concerns: reviewers on submission, authors after."""
    report = (
        QuarterlyReport.objects.select_related(
            "agreement__counterparty", "submitted_by", "reviewed_by", "created_by"
        )
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return 0
    if event == "submitted":
        recipients = _reviewers_for(report)
    else:
        recipients = [user for user in (report.submitted_by, report.created_by) if user]
    addresses = sorted({user.email for user in recipients if user.email})
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _(NOTIFICATION_SUBJECTS[event]) % {"report": report}
        lines = [subject]
        if report.review_comment and event != "submitted":
            lines.append(_("Comment: %(comment)s") % {"comment": report.review_comment})
        lines.append(_("Open the report: %(path)s") % {"path": report.get_absolute_url()})
    send_mail(subject, "\n\n".join(lines), None, addresses)
    return len(addresses)
