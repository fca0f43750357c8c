from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.models import (
    Agreement,
    BilingualName,
    Commitment,
    CommitmentArea,
    DatePrecision,
    Source,
    format_partial_date,
    validate_partial_date,
)

from .quarters import Quarter

HUNDRED = Decimal(100)


class KpiKind(models.TextChoices):
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Ratio (numerator of denominator)")
    PERCENTAGE = "percentage", _("Percentage")


class TimeAggregation(models.TextChoices):
    LATEST = "latest", _("Latest value in the period (stock)")
    SUM = "sum", _("Sum over the period (flow)")


class SpaceAggregation(models.TextChoices):
    SUM = "sum", _("Sum across provinces")
    RATIO_OF_SUMS = "ratio_of_sums", _("Sum of numerators over sum of denominators")
    NONE = "none", _("Not added up across provinces")


class Kpi(BilingualName):
    """A measurable indicator in the catalogue, with the rules for adding it up."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    unit_vi = models.CharField(_("unit (Vietnamese)"), max_length=40, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=KpiKind.choices)
    time_aggregation = models.CharField(
        _("over time"),
        max_length=8,
        choices=TimeAggregation.choices,
        default=TimeAggregation.LATEST,
    )
    space_aggregation = models.CharField(
        _("across provinces"), max_length=16, choices=SpaceAggregation.choices
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text=_("A sub-count never exceeds this total (4G stations within all stations)."),
    )
    area = models.ForeignKey(
        CommitmentArea,
        verbose_name=_("commitment area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
    )
    is_headline = models.BooleanField(_("headline on the national dashboard"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI catalogue")
        ordering = ("order", "code")

    @property
    def unit(self) -> str:
        from django.utils.translation import get_language

        return self.unit_en if (get_language() or "vi").startswith("en") else self.unit_vi

    @property
    def is_stock(self) -> bool:
        return self.time_aggregation == TimeAggregation.LATEST

    def clean(self):
        if self.kind == KpiKind.RATIO and self.space_aggregation == SpaceAggregation.SUM:
            raise ValidationError(
                {
                    "space_aggregation": _(
                        "A ratio adds up as a sum of numerators over denominators."
                    )
                }
            )
        if self.kind != KpiKind.RATIO and self.space_aggregation == SpaceAggregation.RATIO_OF_SUMS:
            raise ValidationError(
                {"space_aggregation": _("Only a ratio has numerators and denominators to add up.")}
            )

    def reading_errors(self, value=None, numerator=None, denominator=None, prefix=""):
        """Field errors for one reading of this KPI; the one rule every entry path uses."""
        errors = {}
        if self.kind == KpiKind.RATIO:
            if numerator is None:
                errors[f"{prefix}numerator"] = _("Enter the numerator.")
            elif numerator < 0:
                errors[f"{prefix}numerator"] = _("A count cannot be negative.")
            if denominator is None:
                errors[f"{prefix}denominator"] = _("Enter the denominator.")
            elif denominator <= 0:
                errors[f"{prefix}denominator"] = _("The denominator must be greater than zero.")
            if not errors and numerator > denominator:
                errors[f"{prefix}numerator"] = _(
                    "The numerator (%(numerator)s) cannot be greater than the denominator "
                    "(%(denominator)s)."
                ) % {"numerator": _number(numerator), "denominator": _number(denominator)}
        elif value is None:
            errors[f"{prefix}value"] = _("Enter a value.")
        elif value < 0:
            errors[f"{prefix}value"] = _("A count cannot be negative.")
        elif self.kind == KpiKind.PERCENTAGE and value > HUNDRED:
            errors[f"{prefix}value"] = _("A percentage cannot be above 100.")
        return errors

    def share(self, value=None, numerator=None, denominator=None):
        """The reading as a comparable number: a ratio becomes a percentage."""
        if self.kind == KpiKind.RATIO:
            if numerator is None or not denominator:
                return None
            return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"))
        return value


def _number(value) -> str:
    from django.utils.formats import number_format

    if value is not None and value == int(value):
        value = int(value)
    return number_format(value, force_grouping=True)


class KpiTarget(models.Model):
    """What an agreement commits to reach for one KPI, from a baseline."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="targets"
    )
    kpi = models.ForeignKey(
        Kpi, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="targets"
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"),
        max_digits=16,
        decimal_places=2,
        help_text=_("For a ratio: the share to reach, in per cent."),
    )
    target_on = models.DateField(_("target date"))
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ("agreement", "kpi__order")
        constraints = [
            models.UniqueConstraint(fields=("agreement", "kpi"), name="target_unique_per_kpi"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.target_value}"

    def clean(self):
        if not self.kpi_id:
            return
        is_share = self.kpi.kind in (KpiKind.RATIO, KpiKind.PERCENTAGE)
        errors = {}
        for field in ("baseline_value", "target_value"):
            value = getattr(self, field)
            if value is None:
                continue
            if value < 0:
                errors[field] = _("A target or baseline cannot be negative.")
            elif is_share and value > HUNDRED:
                errors[field] = _("A share cannot be above 100 per cent.")
        if self.baseline_on and self.target_on and self.target_on < self.baseline_on:
            errors["target_on"] = _("The target date cannot come before the baseline date.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class Milestone(models.Model):
    """A dated event in an agreement's life: a launch, a completed network, a review."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    occurred_on = models.DateField(_("date"))
    precision = models.CharField(
        _("date known to"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    area = models.ForeignKey(
        CommitmentArea,
        verbose_name=_("commitment area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ("occurred_on", "pk")

    def __str__(self):
        return f"{self.date_label} — {self.title}"

    @property
    def date_label(self) -> str:
        return format_partial_date(self.occurred_on, self.precision)

    def clean(self):
        validate_partial_date(self.occurred_on, self.precision, "occurred_on")

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class QuarterlyReportQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)


class QuarterlyReport(models.Model):
    """One agreement's progress for one quarter: the unit of entry, review and approval.

    Facts taken from published articles are stored as approved reports that
    name their source, so dashboards read one kind of record.
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="reports"
    )
    quarter = models.PositiveIntegerField(_("quarter"), help_text=_("Year and quarter, as 20204."))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    narrative = models.TextField(_("narrative"), blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("For figures taken from a published article."),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Synthetic figures made for demonstration.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    history = HistoricalRecords()

    objects = QuarterlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ("-quarter", "agreement")
        constraints = [
            models.UniqueConstraint(fields=("agreement", "quarter"), name="report_unique_quarter"),
        ]
        indexes = [models.Index(fields=("status", "quarter"))]

    def __str__(self):
        return f"{self.agreement} — {self.period}"

    @property
    def period(self) -> Quarter:
        return Quarter.from_code(self.quarter)

    def get_absolute_url(self):
        return reverse("milestones:report-detail", args=[self.pk])

    def clean(self):
        try:
            Quarter.from_code(self.quarter or 0)
        except ValueError as exc:
            raise ValidationError(
                {"quarter": _("Enter a quarter as year and number, as 20204.")}
            ) from exc


class KpiValue(models.Model):
    """A measured value of one KPI in one quarterly report."""

    report = models.ForeignKey(
        QuarterlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    kpi = models.ForeignKey(
        Kpi, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(
        _("value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a ratio, the share in per cent, computed from its parts."),
    )
    numerator = models.DecimalField(
        _("numerator"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    measured_on = models.DateField(
        _("measured on"), null=True, blank=True, help_text=_("Within the report's quarter.")
    )
    note = models.TextField(_("note"), blank=True)
    warning_reason = models.TextField(
        _("reason for an unusual value"),
        blank=True,
        help_text=_("Given when the value falls or jumps and the user confirmed it."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        ordering = ("kpi__order", "kpi__code")
        constraints = [
            models.UniqueConstraint(fields=("report", "kpi"), name="value_unique_per_report"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.display}"

    @property
    def is_empty(self) -> bool:
        if self.kpi.kind == KpiKind.RATIO:
            return self.numerator is None and self.denominator is None
        return self.value is None

    @property
    def display(self) -> str:
        if self.is_empty:
            return ""
        if self.kpi.kind == KpiKind.RATIO:
            return f"{_number(self.numerator)}/{_number(self.denominator)}"
        return _number(self.value)

    def clean(self):
        if not self.kpi_id:
            # The form reports the missing KPI; the reading's rules depend on it.
            return
        errors = {}
        # A draft may hold a KPI that has not been filled in yet; submission requires it.
        if not self.is_empty:
            errors = self.kpi.reading_errors(self.value, self.numerator, self.denominator)
        if self.measured_on and self.report_id:
            period = self.report.period
            if not period.start <= self.measured_on <= period.end:
                errors["measured_on"] = _(
                    "The date %(date)s lies outside %(quarter)s (%(start)s – %(end)s)."
                ) % {
                    "date": format_partial_date(self.measured_on, DatePrecision.DAY),
                    "quarter": period,
                    "start": format_partial_date(period.start, DatePrecision.DAY),
                    "end": format_partial_date(period.end, DatePrecision.DAY),
                }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.clean()
        if self.kpi.kind == KpiKind.RATIO:
            self.value = self.kpi.share(numerator=self.numerator, denominator=self.denominator)
        super().save(*args, **kwargs)


def evidence_path(instance, filename):
    return f"evidence/{instance.report.agreement_id}/{instance.report.quarter}/{filename}"


class Evidence(models.Model):
    """A file supporting a quarterly report; served only to those who may see the report."""

    report = models.ForeignKey(
        QuarterlyReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    is_removed = models.BooleanField(
        _("removed"), default=False, help_text=_("Removed files are kept, only hidden.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ("uploaded_at",)

    def __str__(self):
        return self.original_name


class CommitmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    AT_RISK = "at_risk", _("At risk")
    DROPPED = "dropped", _("Dropped")


class CommitmentProgress(models.Model):
    """Where one commitment stands in one quarterly report."""

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="commitment_updates",
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="updates"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.NOT_STARTED,
    )
    percent_complete = models.PositiveSmallIntegerField(_("per cent complete"), default=0)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment progress")
        verbose_name_plural = _("commitment progress")
        constraints = [
            models.UniqueConstraint(
                fields=("report", "commitment"), name="commitment_progress_unique"
            ),
        ]

    def __str__(self):
        return f"{self.commitment}: {self.get_status_display()}"

    def clean(self):
        if self.percent_complete is not None and self.percent_complete > 100:
            raise ValidationError({"percent_complete": _("A percentage cannot be above 100.")})

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


class ProgressFigures(models.Model):
    """The figures every progress table carries for one KPI."""

    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="+")
    latest_quarter = models.PositiveIntegerField(_("latest quarter"), null=True, blank=True)
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
        _("status"), max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.NO_DATA
    )
    change_last_year = models.DecimalField(
        _("change over the last four quarters"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
    )
    projected_value = models.DecimalField(
        _("projected at the end of the period"),
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
        return f"{self.kpi}: {self.value}"


class AgreementProgress(ProgressFigures):
    """Computed progress of one agreement on one KPI."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="progress"
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
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

    units_reporting = models.PositiveIntegerField(_("provincial units reporting"), default=0)
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

    class Meta:
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
    provinces_reporting = models.PositiveIntegerField(_("provinces reporting"), default=0)

    class Meta:
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
        verbose_name = _("pending recompute")
        verbose_name_plural = _("pending recomputes")

    def __str__(self):
        return str(self.agreement)
