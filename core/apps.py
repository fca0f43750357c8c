from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Helpers every app shares: formatting, folding, partial dates, quarters, the job queue.

    It is an app only so that its template filters load; it has no models.
    """

    name = "core"
    verbose_name = _("Shared helpers")
