"""Write the day's notices and send what the outbox holds, for an install without Celery beat.

`make run` has no broker and no beat: a cron line running this every few minutes
does their work (the daily job writes once a day, from NOTIFICATION_HOUR).
"""

from django.utils.translation import ngettext

from core.commands import PortalCommand
from notifications import daily, outbox
from notifications.models import Notification, Status


class Command(PortalCommand):
    help = "Write today's reminders, digests and summaries, then send every notice that is due."

    def handle(self, *args, **options):
        outbox.prune()
        written = len(daily.write_daily_notices())
        sent = outbox.send_due()
        waiting = Notification.objects.filter(status=Status.PENDING).count()
        failed = Notification.objects.filter(status=Status.FAILED).count()
        self.stdout.write(
            ngettext(
                "%(written)s notice written, %(sent)s sent, %(waiting)s waiting, %(failed)s failed",
                "%(written)s notices written, %(sent)s sent, %(waiting)s waiting, "
                "%(failed)s failed",
                written,
            )
            % {"written": written, "sent": sent, "waiting": waiting, "failed": failed}
        )
