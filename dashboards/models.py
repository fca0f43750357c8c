from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One counter that goes up whenever a fact a dashboard shows is edited.

    Every edit of a tracked model leaves a history row; the receiver counts them
    after the edit commits, so a rendered dashboard is known to be stale from one
    cheap read, and no writer waits on another's transaction for this row.
    """

    number = models.BigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.number)


class PackBatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Build failed")


class PackBatch(models.Model):
    """An administrator's request for the packs of every province of a phase, in one archive.

    A background job (`tasks.build_pack_batch`) builds them one province at a time,
    counting its progress here; a province whose pack fails is listed with the
    reason and the others are still built.
    """

    phase = models.ForeignKey(
        "partnerships.Phase", verbose_name=_("phase"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=PackBatchStatus.choices, default=PackBatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("provinces to build"), default=0)
    built = models.PositiveIntegerField(_("provinces done"), default=0)
    # One {"province": name, "error": reason} per province whose pack could not be built.
    failures = models.JSONField(_("provinces that failed"), default=list, blank=True)
    error = models.TextField(_("why the job failed"), blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    archive = models.FileField(_("archive"), upload_to="packs/", blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("packs of every province")
        verbose_name_plural = _("packs of every province")
        ordering = ("-requested_at", "-pk")

    def __str__(self):
        return f"{self.phase} · {self.get_language_display()} · {self.requested_at:%Y-%m-%d %H:%M}"
