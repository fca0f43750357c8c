"""Write the day's notices and send what the outbox holds, for an install without Celery beat.

`make run` has no broker and no beat: a cron line running this every few minutes
does their work (the daily job writes once a day, from NOTIFICATION_HOUR).
"""

from django.core.management.base import BaseCommand

from notifications import daily, outbox
from notifications.models import Notification, Status


class Command(BaseCommand):
    help = "Write today's reminders, digests and summaries, then send every notice that is due."

    def handle(self, *args, **options):
        outbox.prune()
        written = daily.write_daily_notices()
        sent = outbox.send_due()
        waiting = Notification.objects.filter(status=Status.PENDING).count()
        failed = Notification.objects.filter(status=Status.FAILED).count()
        self.stdout.write(
            f"{len(written)} notices written, {sent} sent, {waiting} waiting, {failed} failed"
        )
