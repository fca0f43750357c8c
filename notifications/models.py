"""The outbox: every notice is a row, written with the event (or by the job that finds a
deadline), sent by id afterwards, and kept with what happened to it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provinces.models import Province


class Kind(models.TextChoices):
    """What a notice is about; each is one choice on the preferences page."""

    DEADLINES = "deadlines", _("Reporting deadlines")
    RETURNED = "returned", _("Reports returned for changes")
    APPROVED = "approved", _("Reports approved")
    REVIEW_DIGEST = "review_digest", _("Reports waiting for my review")
    MONTHLY_SUMMARY = "monthly_summary", _("Monthly summary")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered to the mail server")
    FAILED = "failed", _("Failed")
    PORTAL_ONLY = "portal", _("In the portal only (no e-mail address)")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What makes a notice the same notice: the day for reminders and digests, the
    # report's version for a decision. A second run of a job writes nothing new.
    key = models.CharField(_("key"), max_length=100)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What a monthly summary showed, for the next one to say what changed since.
    snapshot = models.JSONField(_("figures shown"), default=dict, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("recipient", "kind", "key"), name="notification_once_per_key"
            ),
        ]
        indexes = [
            models.Index(fields=("status", "next_attempt_at"), name="notification_due"),
            models.Index(fields=("recipient", "read_at"), name="notification_unread"),
        ]

    def __str__(self):
        return self.subject


class Preference(models.Model):
    """What a person receives, and in which language; the defaults when there is no row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    deadlines = models.BooleanField(_("reporting deadlines"), default=True)
    returned = models.BooleanField(_("reports returned for changes"), default=True)
    # Reviewers' decisions pile up; those who report asked for returns, not approvals.
    approved = models.BooleanField(_("reports approved"), default=False)
    review_digest = models.BooleanField(_("reports waiting for my review"), default=True)
    monthly_summary = models.BooleanField(_("monthly summary"), default=False)
    summary_province = models.ForeignKey(
        Province,
        verbose_name=_("summary of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty for the whole country."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return getattr(self, kind)


class DailyRun(models.Model):
    """A day whose reminders and digests have all been written: later runs that day rest."""

    day = models.DateField(_("day"), unique=True)
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now)
    notices = models.PositiveIntegerField(_("notices written"), default=0)

    class Meta:
        verbose_name = _("daily notification run")
        verbose_name_plural = _("daily notification runs")
        ordering = ("-day",)

    def __str__(self):
        return str(self.day)
