from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress figures")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from milestones.signals import report_changed
        from partnerships.models import Agreement, Kpi, KpiTarget, Organisation, Phase

        from . import receivers

        report_changed.connect(receivers.report_changed, dispatch_uid="progress_report")
        post_save.connect(receivers.target_saved, sender=KpiTarget, dispatch_uid="progress_target")
        post_delete.connect(
            receivers.target_deleted, sender=KpiTarget, dispatch_uid="progress_target"
        )
        for model in (Kpi, Phase, Organisation):
            uid = f"progress_rules_{model._meta.model_name}"
            pre_save.connect(receivers.rules_saving, sender=model, dispatch_uid=uid)
            post_save.connect(receivers.rules_saved, sender=model, dispatch_uid=uid)
        pre_save.connect(
            receivers.agreement_saving, sender=Agreement, dispatch_uid="progress_agreement"
        )
        post_save.connect(
            receivers.agreement_saved, sender=Agreement, dispatch_uid="progress_agreement"
        )
        post_delete.connect(
            receivers.agreement_deleted, sender=Agreement, dispatch_uid="progress_agreement"
        )
