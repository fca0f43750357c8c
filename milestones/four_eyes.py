"""Four eyes: who may not approve a report, because they had a hand in it.

The one rule that the approval (services), the report's page and the review
queue (schedule) all read, so nobody is asked to review what they would then
be refused to approve.
"""

from django.utils.translation import gettext as _

from . import history
from .models import QuarterlyReport


def approval_refusals(user, reports: list[QuarterlyReport]) -> dict[int, str]:
    """Why `user` may not approve each of `reports` they may not, by the report's id.

    Whoever submitted the report, or saved any of its values since it was last
    returned, has a hand in what is under review and cannot also approve it.
    """
    refusals = {}
    changed = history.saved_values_since_returned(
        [report for report in reports if report.submitted_by_id != user.pk], user
    )
    for report in reports:
        if report.submitted_by_id is not None and report.submitted_by_id == user.pk:
            refusals[report.pk] = _(
                "You submitted this report, so another reviewer or administrator must approve "
                "it. You can still return it for changes."
            )
        elif report.pk in changed:
            refusals[report.pk] = _(
                "You changed values of this report after it was last returned, so another "
                "reviewer or administrator must approve it. You can still return it for changes."
            )
    return refusals


def approval_refusal(user, report: QuarterlyReport) -> str:
    """Why `user` may not approve `report`, or "" when they may."""
    return approval_refusals(user, [report]).get(report.pk, "")
