from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from progress.signals import figures_recomputed

        from . import receivers

        post_create_historical_record.connect(
            receivers.history_recorded, dispatch_uid="dashboards_content_version"
        )
        figures_recomputed.connect(receivers.figures_recomputed, dispatch_uid="dashboards_warming")
