from django.contrib import admin

from core.admin import ComputedAdmin, QuarterListFilter, quarter_field
from core.search import FoldedRelatedSearchMixin

from .models import (
    AgreementProgress,
    NationalProgress,
    PendingRecompute,
    ProgressFigures,
    ProvinceProgress,
    RecomputeRun,
    ReportingCompleteness,
    RollupFigures,
)

LATEST_QUARTER = quarter_field(ProgressFigures, "latest_quarter")
ROLLUP_QUARTERS = tuple(
    quarter_field(RollupFigures, name)
    for name in ("reference_quarter", "carried_from", "carried_until")
)

PROGRESS_FIGURES = (
    "kpi",
    LATEST_QUARTER,
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
    written_fields = (LATEST_QUARTER,)


@admin.register(ProvinceProgress)
class ProvinceProgressAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("province", "phase", *PROGRESS_FIGURES, "agreements")
    list_filter = ("phase", "status", "includes_demo", "kpi")
    list_select_related = ("province", "phase", "kpi")
    search_fields = ("kpi__code",)
    folded_search_fields = ("province__search_text", "kpi__search_text")
    written_fields = (LATEST_QUARTER, *ROLLUP_QUARTERS)


@admin.register(NationalProgress)
class NationalProgressAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = ("phase", *PROGRESS_FIGURES, "provinces_reporting")
    list_filter = ("phase", "status", "includes_demo")
    list_select_related = ("phase", "kpi")
    search_fields = ("kpi__code",)
    folded_search_fields = ("kpi__search_text",)
    written_fields = (LATEST_QUARTER, *ROLLUP_QUARTERS)


COMPLETENESS_QUARTER = quarter_field(ReportingCompleteness, "quarter")


@admin.register(ReportingCompleteness)
class ReportingCompletenessAdmin(FoldedRelatedSearchMixin, ComputedAdmin):
    list_display = (
        "province",
        COMPLETENESS_QUARTER,
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
    written_fields = (COMPLETENESS_QUARTER,)


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
