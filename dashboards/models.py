from django.db import models
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
