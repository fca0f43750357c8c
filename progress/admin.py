from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import QuarterListFilter
from core.quarters import Quarter
from core.search import BoundedSearchAdminMixin, FoldedRelatedSearchMixin

from .models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    ProvinceProgress,
    RecomputeRun,
    ReportingCompleteness,
)


class ComputedAdmin(BoundedSearchAdminMixin, admin.ModelAdmin):
    """Rows the recompute writes: read here, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


PROGRESS_FIGURES = (
    "kpi",
    "latest_quarter",
    "value",
    "target_value",
    "attainment",
    "status",
    "includes_demo",
    "computed_at",
)


@admin.register(AgreementProgress)
class AgreementProgressAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("agreement", *PROGRESS_FIGURES)
    list_filter = ("status", "includes_demo", "kpi")
    list_select_related = ("agreement", "kpi")
    search_fields = ("kpi__code",)
    folded_search_fields = ("agreement__search_text", "kpi__search_text")


@admin.register(ProvinceProgress)
class ProvinceProgressAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("province", "phase", *PROGRESS_FIGURES, "agreements")
    list_filter = ("phase", "status", "includes_demo", "kpi")
    list_select_related = ("province", "phase", "kpi")
    search_fields = ("kpi__code",)
    folded_search_fields = ("province__search_text", "kpi__search_text")


@admin.register(NationalProgress)
class NationalProgressAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("phase", *PROGRESS_FIGURES, "provinces_reporting")
    list_filter = ("phase", "status", "includes_demo")
    list_select_related = ("phase", "kpi")
    search_fields = ("kpi__code",)
    folded_search_fields = ("kpi__search_text",)


@admin.register(ReportingCompleteness)
class ReportingCompletenessAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = (
        "province",
        "period",
        "expected",
        "approved",
        "submitted",
        "in_progress",
        "overdue",
        "computed_at",
    )
    list_filter = (QuarterListFilter,)
    list_select_related = ("province",)
    search_fields = ("province__code",)
    folded_search_fields = ("province__search_text",)

    @admin.display(description=_("quarter"), ordering="quarter")
    def period(self, completeness):
        return str(Quarter.from_code(completeness.quarter))


@admin.register(RecomputeRun)
class RecomputeRunAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("started_at", "agreement", "status", "attempt", "rows_written", "finished_at")
    list_filter = ("status",)
    list_select_related = ("agreement",)
    search_fields = ("error",)
    folded_search_fields = ("agreement__search_text",)
    date_hierarchy = "started_at"


@admin.register(PendingRecompute)
class PendingRecomputeAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("agreement", "requested_at", "reason")
    list_select_related = ("agreement",)
    search_fields = ("reason",)
    folded_search_fields = ("agreement__search_text",)
