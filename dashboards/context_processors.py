from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def portal_nav(request):
    """Navigation entries of the progress pages, for signed-in users."""
    if not request.user.is_authenticated:
        return {}
    return {
        "portal_nav": [
            {"url": reverse("milestones:report-list"), "label": _("Reports")},
            {"url": reverse("dashboards:compare"), "label": _("Compare phases")},
        ]
    }
