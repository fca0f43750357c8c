"""Four eyes: who may not approve a report, because they had a hand in it.

The one rule that the approval (services), the report's page and the review
queue (schedule) all read, so nobody is asked to review what they would then
be refused to approve.
"""

from django.utils.translation import gettext as _

from . import history
from .models import QuarterlyReport


def approval_refusal(user, report: QuarterlyReport) -> str:
    """Why `user` may not approve `report`, or "" when they may.

    Whoever submitted the report, or saved any of its values since it was last
    returned, has a hand in what is under review and cannot also approve it.
    """
    if report.submitted_by_id is not None and report.submitted_by_id == user.pk:
        return _(
            "You submitted this report, so another reviewer or administrator must approve it. "
            "You can still return it for changes."
        )
    if history.saved_values_since_returned(report, user):
        return _(
            "You changed values of this report after it was last returned, so another "
            "reviewer or administrator must approve it. You can still return it for changes."
        )
    return ""
