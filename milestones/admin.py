from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    LabelledTabularInline,
    QuarterListFilter,
    ReadOnlyAdminMixin,
    TypedInputsMixin,
    quarter_field,
)
from core.search import FoldedRelatedSearchMixin

from .models import CommitmentProgress, Evidence, KpiValue, QuarterlyReport, ReportStatus

REPORT_QUARTER = quarter_field(QuarterlyReport, "quarter")


class ReportChildInline:
    """A report's figures change in the admin only while the report is still open.

    Approved figures feed the dashboards; they change through a new version of
    the report in the portal, which keeps the review trail and the recompute.
    """

    extra = 0

    def _is_open(self, report):
        return report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    def has_add_permission(self, request, obj=None):
        return self._is_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_open(obj) and super().has_delete_permission(request, obj)


class KpiValueInline(ReportChildInline, LabelledTabularInline):
    model = KpiValue
    fields = ("kpi", "value", "numerator", "denominator", "measured_on", "note", "warning_reason")
    autocomplete_fields = ("kpi",)


class CommitmentProgressInline(ReportChildInline, LabelledTabularInline):
    model = CommitmentProgress
    fields = ("commitment", "status", "percent_complete", "note", "warning_reason")
    autocomplete_fields = ("commitment",)


class EvidenceInline(LabelledTabularInline):
    """Evidence is uploaded through the portal, which checks its size and type."""

    model = Evidence
    fields = (
        "original_name",
        "content_type",
        "size",
        "description",
        "uploaded_by",
        "uploaded_at",
        "is_removed",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(FoldedRelatedSearchMixin, SimpleHistoryAdmin):
    list_display = (
        "agreement",
        REPORT_QUARTER,
        "status",
        "version",
        "is_demo",
        "source",
        "updated_at",
    )
    list_filter = ("status", "is_demo", QuarterListFilter, "agreement__phase")
    list_select_related = ("agreement", "source")
    autocomplete_fields = ("agreement", "source")
    search_fields = ("narrative", "review_comment")
    folded_search_fields = ("agreement__search_text",)
    # The workflow (submit, return, approve) belongs to the portal, where it is
    # checked against the user's provinces and triggers the recompute.
    readonly_fields = (
        "status",
        "version",
        "created_by",
        "updated_by",
        "updated_at",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    )
    fieldsets = (
        (None, {"fields": ("agreement", "quarter", "narrative", "source", "is_demo")}),
        (
            _("Workflow"),
            {
                "fields": (
                    ("status", "version"),
                    ("created_by", "updated_by", "updated_at"),
                    ("submitted_by", "submitted_at"),
                    ("reviewed_by", "reviewed_at"),
                    "review_comment",
                )
            },
        ),
    )
    inlines = (KpiValueInline, CommitmentProgressInline, EvidenceInline)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Moving a report with figures to another agreement or quarter would
        # silently rewrite that agreement's history.
        if obj is not None:
            return (*fields, "agreement", REPORT_QUARTER)
        return fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        # A saved report shows its quarter as people write it (Q3/2025), not as 20253.
        main = tuple(
            REPORT_QUARTER if name == "quarter" else name for name in self.fieldsets[0][1]["fields"]
        )
        return ((None, {"fields": main}), *self.fieldsets[1:])

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(KpiValue)
class KpiValueAdmin(
    ReadOnlyAdminMixin, TypedInputsMixin, FoldedRelatedSearchMixin, SimpleHistoryAdmin
):
    """Every reading across reports, with its history; entered and changed on the report."""

    list_display = ("kpi", "report", "display", "measured_on", "report_status")
    list_filter = ("kpi", "report__status", "report__is_demo")
    list_select_related = ("kpi", "report__agreement")
    search_fields = ("kpi__code", "note", "warning_reason")
    folded_search_fields = ("report__agreement__search_text", "kpi__search_text")

    @admin.display(description=_("value"))
    def display(self, value):
        return value.display

    @admin.display(description=_("status"), ordering="report__status")
    def report_status(self, value):
        return value.report.get_status_display()
