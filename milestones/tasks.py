import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from provinces.services import Action, Role, province_scope

logger = logging.getLogger(__name__)

NOTIFICATION_SUBJECTS = {
    "submitted": gettext_noop("Report submitted for review: %(report)s"),
    "approved": gettext_noop("Report approved: %(report)s"),
    "returned": gettext_noop("Report returned for changes: %(report)s"),
    "reopened": gettext_noop("Report reopened: %(report)s"),
}


def publish(task, *args) -> bool:
    """Queue a task after the change that asked for it has committed; never raise.

    The change is saved by now, so a broker that is down must not reach the
    user: callers record what is owed (a pending recompute) or accept the loss
    (an e-mail), and the failure is logged. Returns whether the task was queued.
    """
    try:
        task.apply_async(
            args,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception:
        logger.warning("Could not queue %s%s", task.name, args, exc_info=True)
        return False
    return True


def _reviewers_for(report):
    reviewers = get_user_model().objects.filter(groups__name=Role.REVIEWER, is_active=True)
    province_id = report.agreement.counterparty.province_id
    return [
        user
        for user in reviewers.prefetch_related("groups")
        if (scope := province_scope(user, Action.REVIEW)) is None or province_id in scope
    ]


@shared_task(bind=True, max_retries=5, default_retry_delay=60, retry_backoff=True)
def send_report_notification(self, report_id: int, event: str):
    """E-mail the people a report's change concerns: reviewers on submission, authors after."""
    from .models import QuarterlyReport

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


# Progress recomputes ------------------------------------------------------------------
#
# Both are idempotent (they rebuild rows from the raw values) and take one lock,
# so a retry, a duplicate delivery or a full run at the same time is harmless.
# Every attempt leaves a RecomputeRun; a failure retries with exponential backoff.

RECOMPUTE_MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    from celery.utils.time import get_exponential_backoff_interval

    return get_exponential_backoff_interval(
        factor=10, retries=retries, maximum=600, full_jitter=True
    )


@shared_task(bind=True, max_retries=RECOMPUTE_MAX_RETRIES, acks_late=True)
def recompute_agreement(self, agreement_id: int):
    """Recompute one agreement's progress and the roll-ups it feeds."""
    from . import progress

    try:
        run = progress.recompute_agreement(agreement_id, attempt=self.request.retries + 1)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            progress.keep_pending(agreement_id, "recompute failed after retries")
            raise
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    return run.rows_written if run else 0


@shared_task(bind=True, max_retries=RECOMPUTE_MAX_RETRIES, acks_late=True)
def recompute_all(self):
    """Rebuild every progress table; also clears the agreements left pending."""
    from . import progress

    try:
        run = progress.recompute_all(attempt=self.request.retries + 1)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    return run.rows_written


@shared_task(acks_late=True)
def recompute_pending():
    """Catch up on agreements whose recompute could not be queued or kept failing."""
    from . import progress

    return progress.recompute_pending()
