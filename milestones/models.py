from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import DatePrecision, format_partial_date
from core.formatting import number
from core.quarters import Quarter
from partnerships.models import Agreement, Commitment, Kpi, KpiKind, Source
from provinces.access import (
    Action,
    Role,
    ScopedQuerySet,
    can,
    has_role,
    is_admin,
    province_scope,
)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class QuarterlyReportQuerySet(ScopedQuerySet):
    province_path = "agreement__counterparty__province"

    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)

    def restrict(self, user, action: str = Action.VIEW):
        """Reports `user` may open (VIEW), fill in (EDIT) or decide on (REVIEW).

        Unlike agreements, reports are not all public: staff see their own
        provinces' reports at every stage and no other province's; reviewers see
        what reaches review in their provinces; officials read every approved
        report; administrators see everything. `reads_reports_of` asks the same of a
        province: a change here is a change there.
        """
        if action != Action.VIEW or is_admin(user):
            return super().restrict(user, action)
        if not user.is_authenticated:
            return self.none()
        path = f"{self.province_path}__in"
        visible = Q(pk__in=[])
        if has_role(user, Role.OFFICIAL):
            visible |= Q(status=ReportStatus.APPROVED)
        edit_scope = province_scope(user, Action.EDIT)
        if edit_scope:
            visible |= Q(**{path: edit_scope})
        review_scope = province_scope(user, Action.REVIEW)
        if review_scope is None:
            visible |= ~Q(status=ReportStatus.DRAFT)
        elif review_scope:
            visible |= Q(**{path: review_scope}) & ~Q(status=ReportStatus.DRAFT)
        return self.filter(visible)


def reads_reports_of(user, province_id: int) -> bool:
    """Whether `user` reads some of a province's reports, at one stage or another: the
    rule of `QuarterlyReportQuerySet.restrict`, asked of a province rather than of rows.

    Told apart whatever reports exist: a report the user may not fill in is forbidden
    to such a user (who may see it, or will), and not found for anyone else.
    """
    return (
        has_role(user, Role.OFFICIAL)
        or can(user, Action.EDIT, province_id)
        or can(user, Action.REVIEW, province_id)
    )


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

    @property
    def shows_demo(self) -> bool:
        """Marked DEMO wherever it is named: a demo report, or any report of a demo agreement."""
        return self.is_demo or self.agreement.is_demo

    def get_absolute_url(self):
        return reverse("milestones:report-detail", args=[self.pk])

    def clean(self):
        try:
            Quarter.from_code(self.quarter or 0)
        except ValueError as exc:
            raise ValidationError(
                {"quarter": _("Enter a quarter as year and number, as 20204.")}
            ) from exc


class KpiValueQuerySet(ScopedQuerySet):
    province_path = "report__agreement__counterparty__province"


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

    objects = KpiValueQuerySet.as_manager()

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
            return f"{number(self.numerator)}/{number(self.denominator)}"
        return number(self.value)

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
    warning_reason = models.TextField(
        _("reason for going back"),
        blank=True,
        help_text=_(
            "Given when the progress falls behind the previous approved quarter's and the user "
            "confirmed it."
        ),
    )
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
