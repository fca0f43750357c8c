from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from milestones.signals import report_changed

        from . import receivers

        report_changed.connect(receivers.report_changed, dispatch_uid="notifications_report")
