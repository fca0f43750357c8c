from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = _("Progress and milestones")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import signals
        from .models import KpiTarget

        post_save.connect(signals.target_saved, sender=KpiTarget, dispatch_uid="progress_target")
        post_delete.connect(
            signals.target_deleted, sender=KpiTarget, dispatch_uid="progress_target"
        )
