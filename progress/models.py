"""The computed progress tables the dashboards read, and the record of each recompute.

Their tables keep the names they were created with in the milestones app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.formatting import number
from core.quarters import Quarter
from partnerships.models import Agreement, Kpi
from provinces.access import ScopedQuerySet


class ProgressStatus(models.TextChoices):
    """One vocabulary for every figure, card, table and map (DOMAIN.md, *Status*).

    The first three say why there is nothing to judge; the next three judge a
    running period by its projection; the last two judge an ended one by its end.
    """

    NO_TARGET = "no_target", _("No target")
    NO_DATA = "no_data", _("No data")
    NOT_REPORTING = "not_reporting", _("Not reporting")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


# Worst last, each rank once: a roll-up that cannot add its units up takes the worst of theirs.
SEVERITY = {
    ProgressStatus.NO_TARGET: 0,
    ProgressStatus.NO_DATA: 1,
    ProgressStatus.ACHIEVED: 2,
    ProgressStatus.ON_TRACK: 3,
    ProgressStatus.NOT_REPORTING: 4,
    ProgressStatus.AT_RISK: 5,
    ProgressStatus.OFF_TRACK: 6,
    ProgressStatus.NOT_ACHIEVED: 7,
}


def _worst_first(statuses) -> list:
    return sorted(statuses, key=SEVERITY.__getitem__, reverse=True)


# A KPI slipping: judged short of its target, by its projection while its period runs
# (off track, at risk) or by its end once it has ended (not achieved). Lists and summaries
# show them worst first.
SHORT_OF_TARGET = _worst_first([ProgressStatus.OFF_TRACK, ProgressStatus.NOT_ACHIEVED])
SLIPPING = _worst_first([*SHORT_OF_TARGET, ProgressStatus.AT_RISK])


class ProgressFigures(models.Model):
    """The figures every progress table carries for one KPI."""

    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="+")
    latest_quarter = models.PositiveIntegerField(
        _("as of quarter"),
        null=True,
        blank=True,
        help_text=_(
            "The quarter of the newest value counted; earlier than the reference when carried."
        ),
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    attainment = models.DecimalField(
        _("share of target reached"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProgressStatus.choices, default=ProgressStatus.NO_DATA
    )
    change_last_year = models.DecimalField(
        _("change over the last four quarters"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
    )
    projected_value = models.DecimalField(
        _("projected at the target date"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
    )
    includes_demo = models.BooleanField(_("includes demo data"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.kpi}: {number(self.value)}"


class AgreementProgressQuerySet(ScopedQuerySet):
    province_path = "agreement__counterparty__province"


class ProvinceProgressQuerySet(ScopedQuerySet):
    province_path = "province"


class AgreementProgress(ProgressFigures):
    """Computed progress of one agreement on one KPI."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="progress"
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)

    objects = AgreementProgressQuerySet.as_manager()

    class Meta:
        db_table = "milestones_agreementprogress"
        verbose_name = _("agreement progress")
        verbose_name_plural = _("agreement progress")
        constraints = [
            models.UniqueConstraint(fields=("agreement", "kpi"), name="agreement_progress_unique"),
        ]
        indexes = [models.Index(fields=("status", "kpi"), name="agreement_progress_status")]


class RollupFigures(ProgressFigures):
    """Figures added up over provincial units, kept in a form that adds up again.

    A province's row can be combined with other provinces' rows into a region's
    or the nation's without going back to the raw values: sums stay sums, and a
    ratio keeps its numerator and denominator. Targets, attainment and projection
    count only the units that have both a value and a target (the `*_on_target`
    sums); a percentage, which never adds up across provinces, keeps how many
    units reached their target and the range of their values instead.
    """

    reference_quarter = models.PositiveIntegerField(
        _("reference quarter"),
        null=True,
        blank=True,
        help_text=_("The quarter the figure stands for: the phase's latest with approved values."),
    )
    units_expected = models.PositiveIntegerField(_("provincial units expected"), default=0)
    units_reporting = models.PositiveIntegerField(_("provincial units reporting"), default=0)
    units_carried = models.PositiveIntegerField(
        _("provincial units carried from an earlier quarter"), default=0
    )
    carried_from = models.PositiveIntegerField(_("oldest quarter carried"), null=True, blank=True)
    carried_until = models.PositiveIntegerField(_("newest quarter carried"), null=True, blank=True)
    units_ended = models.PositiveIntegerField(
        _("provincial units whose period has ended"), default=0
    )
    units_with_target = models.PositiveIntegerField(_("provincial units with a target"), default=0)
    units_reached_target = models.PositiveIntegerField(
        _("provincial units that reached their target"), default=0
    )
    value_min = models.DecimalField(
        _("lowest value of a unit"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    value_max = models.DecimalField(
        _("highest value of a unit"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    achieved_on_target = models.DecimalField(
        _("value reached by the units with a target"),
        max_digits=20,
        decimal_places=4,
        default=0,
    )
    goal_on_target = models.DecimalField(
        _("target of the units with a target"), max_digits=20, decimal_places=4, default=0
    )
    projected_on_target = models.DecimalField(
        _("projection of the units with a target"), max_digits=20, decimal_places=4, default=0
    )
    denominator_on_target = models.DecimalField(
        _("denominator of the units with a target"), max_digits=20, decimal_places=4, default=0
    )
    baseline_on_target = models.DecimalField(
        _("baseline of the units with a target"), max_digits=20, decimal_places=4, default=0
    )

    class Meta:
        abstract = True


class ProvinceProgress(RollupFigures):
    """Computed progress of one province in one phase on one KPI.

    A current province adds up the former units merged into it.
    """

    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    phase = models.ForeignKey(
        "partnerships.Phase", verbose_name=_("phase"), on_delete=models.CASCADE, related_name="+"
    )
    agreements = models.PositiveIntegerField(_("agreements counted"), default=0)

    objects = ProvinceProgressQuerySet.as_manager()

    class Meta:
        db_table = "milestones_provinceprogress"
        verbose_name = _("province progress")
        verbose_name_plural = _("province progress")
        constraints = [
            models.UniqueConstraint(
                fields=("province", "phase", "kpi"), name="province_progress_unique"
            ),
        ]
        indexes = [models.Index(fields=("phase", "kpi"), name="province_progress_map")]


class NationalProgress(RollupFigures):
    """Computed national progress in one phase on one KPI."""

    phase = models.ForeignKey(
        "partnerships.Phase", verbose_name=_("phase"), on_delete=models.CASCADE, related_name="+"
    )
    provinces_expected = models.PositiveIntegerField(_("provinces expected"), default=0)
    provinces_reporting = models.PositiveIntegerField(_("provinces reporting"), default=0)
    provinces_carried = models.PositiveIntegerField(
        _("provinces with a figure carried from an earlier quarter"), default=0
    )

    class Meta:
        db_table = "milestones_nationalprogress"
        verbose_name = _("national progress")
        verbose_name_plural = _("national progress")
        constraints = [
            models.UniqueConstraint(fields=("phase", "kpi"), name="national_progress_unique"),
        ]


class ReportingCompleteness(models.Model):
    """How many of a province's reports for a quarter are approved, submitted or overdue."""

    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="completeness",
    )
    quarter = models.PositiveIntegerField(_("quarter"))
    expected = models.PositiveIntegerField(_("reports expected"), default=0)
    approved = models.PositiveIntegerField(_("approved"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    in_progress = models.PositiveIntegerField(_("draft or returned"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        db_table = "milestones_reportingcompleteness"
        verbose_name = _("reporting completeness")
        verbose_name_plural = _("reporting completeness")
        constraints = [
            models.UniqueConstraint(fields=("province", "quarter"), name="completeness_unique"),
        ]
        indexes = [models.Index(fields=("quarter",), name="completeness_quarter")]

    def __str__(self):
        return f"{self.province} {Quarter.from_code(self.quarter)}: {self.approved}/{self.expected}"


class RecomputeStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RecomputeRun(models.Model):
    """A visible record of every recompute, successful or not."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty for a full recompute."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecomputeStatus.choices, default=RecomputeStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        db_table = "milestones_recomputerun"
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ("-started_at",)

    def __str__(self):
        subject = self.agreement or _("all agreements")
        return f"{subject} — {self.get_status_display()}"


class PendingRecompute(models.Model):
    """An agreement whose progress waits for a recompute that could not be queued yet."""

    agreement = models.OneToOneField(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        db_table = "milestones_pendingrecompute"
        verbose_name = _("pending recompute")
        verbose_name_plural = _("pending recomputes")

    def __str__(self):
        return str(self.agreement)


class PhaseFigures(models.Model):
    """How many times a phase's figures were recomputed: the national pages of a phase follow it.

    Every recompute counts up each phase whose pages can show what it rewrote, in
    the transaction that rewrites it, so an approval in the 2026–2030 phase leaves
    the pages of 2014–2020 cached.
    """

    phase = models.OneToOneField(
        "partnerships.Phase",
        verbose_name=_("phase"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recomputes = models.BigIntegerField(_("recomputes"), default=0)

    class Meta:
        verbose_name = _("phase figures version")
        verbose_name_plural = _("phase figures versions")

    def __str__(self):
        return f"{self.phase}: {self.recomputes}"
