import gc

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Helpers every app shares: formatting, folding, partial dates, quarters, the job queue.

    It is an app only so that its template filters load; it has no models.
    """

    name = "core"
    verbose_name = _("Shared helpers")

    def ready(self):
        from .busy import limit_lock_waits

        # Every process that runs the portal (web, worker, commands) reaches here once.
        if settings.GC_THRESHOLD > 0:
            gc.set_threshold(settings.GC_THRESHOLD, *gc.get_threshold()[1:])
        # A request's database connection gives up on a held lock (core/busy.py).
        connection_created.connect(limit_lock_waits, dispatch_uid="core.busy.limit_lock_waits")
