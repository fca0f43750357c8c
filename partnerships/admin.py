from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.forms import Textarea
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    DeletionPageMixin,
    HistoryAdmin,
    InlineModelForm,
    LabelledInlineFormSet,
    LabelledTabularInline,
    WrittenFieldsMixin,
    year_field,
)
from core.search import FoldedRelatedSearchMixin, FoldedSearchAdminMixin

from .models import (
    Agreement,
    AgreementState,
    Commitment,
    CommitmentArea,
    Kpi,
    KpiTarget,
    Milestone,
    Organisation,
    Participant,
    Person,
    Phase,
    Source,
    attended_twice,
)
from .services import implausible_targets


def warn_of_implausible_targets(request, targets):
    """Once `targets` are saved, a warning for each figure among them that looks wrong."""
    advice = gettext("The figures were saved as entered: check them against the agreement.")
    for doubt in implausible_targets(targets):
        messages.warning(request, f"{doubt} {advice}")


@admin.register(Source)
class SourceAdmin(DeletionPageMixin, HistoryAdmin):
    list_display = ("code", "title", "publisher", "published_on")
    list_filter = ("publisher",)
    search_fields = ("code", "title", "publisher", "excerpt")
    date_hierarchy = "published_on"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


PHASE_YEARS = tuple(year_field(Phase, name) for name in ("start_year", "end_year"))


@admin.register(Phase)
class PhaseAdmin(DeletionPageMixin, WrittenFieldsMixin, HistoryAdmin):
    list_display = ("code", "name", *PHASE_YEARS)
    search_fields = ("code", "name")
    written_fields = PHASE_YEARS


class TwinCheckedAgainMixin:
    """A page that checks its form again when the database refused the save for a twin.

    A name or code that differs from another's only in capitals, accents or spaces is
    refused by the model's clean(), and by a unique constraint when another save wrote
    the twin after those checks.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            # Another save wrote a twin between this form's checks and its own write, which
            # the database refused and rolled back. Checked again, the form now finds the
            # twin and names it, as it does for one saved earlier.
            return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Organisation)
class OrganisationAdmin(TwinCheckedAgainMixin, FoldedSearchAdminMixin, HistoryAdmin):
    list_display = ("name", "short_name", "kind", "province")
    list_filter = ("kind", "province__region")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    readonly_fields = ("search_text",)

    def get_queryset(self, request):
        # Autocomplete labels name the province's end for a former unit's committee.
        return super().get_queryset(request).select_related("province")


class PartsInline(LabelledTabularInline):
    """A person's parts in agreements, read here; they are entered on the agreement."""

    model = Participant
    fields = ("agreement", "side", "role", "title_then", "source", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("part in an agreement")
    verbose_name_plural = _("parts in agreements")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("agreement", "source")
        return queryset.order_by("agreement__period_start", "agreement_id", "pk")


@admin.register(Person)
class PersonAdmin(TwinCheckedAgainMixin, FoldedSearchAdminMixin, HistoryAdmin):
    list_display = ("full_name", "organisation")
    list_filter = ("organisation__kind",)
    list_select_related = ("organisation__province",)
    autocomplete_fields = ("organisation",)
    readonly_fields = ("search_text",)
    inlines = (PartsInline,)


@admin.register(CommitmentArea)
class CommitmentAreaAdmin(TwinCheckedAgainMixin, HistoryAdmin):
    list_display = ("code", "name_vi", "name_en", "order")
    list_editable = ("order",)
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Commitment)
class CommitmentAdmin(FoldedRelatedSearchMixin, HistoryAdmin):
    list_display = ("text_excerpt", "agreement", "area", "responsible")
    list_filter = ("area", "responsible", "agreement__phase")
    list_select_related = ("agreement", "area")
    autocomplete_fields = ("agreement", "source")
    search_fields = ("text",)
    folded_search_fields = ("agreement__search_text",)

    @admin.display(description=_("commitment"), ordering="text")
    def text_excerpt(self, commitment):
        return str(commitment)


@admin.register(Participant)
class ParticipantAdmin(FoldedRelatedSearchMixin, HistoryAdmin):
    list_display = ("person", "title_then", "agreement", "side", "role")
    list_filter = ("side", "role", "agreement__phase")
    list_select_related = ("person", "agreement")
    autocomplete_fields = ("agreement", "person", "source")
    search_fields = ("title_then", "note")
    folded_search_fields = ("person__search_text", "agreement__search_text")


class ParticipantFormSet(LabelledInlineFormSet):
    def clean(self):
        """The page's rows, as they will be saved, checked together: each row's own check
        sees only the rows already stored, not another new row of the same page."""
        super().clean()
        if any(self.errors):
            # A row refused on its own (no person chosen) is told so first.
            return
        kept = [
            form.instance
            for form in self.forms
            if (form.has_changed() or form.instance.pk) and not form.cleaned_data.get("DELETE")
        ]
        problem = attended_twice(kept)
        if problem:
            raise ValidationError(problem)


class ParticipantInline(LabelledTabularInline):
    model = Participant
    formset = ParticipantFormSet
    fields = ("person", "side", "role", "title_then", "source", "note")
    autocomplete_fields = ("person", "source")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 30})}}
    extra = 0
    # The participant's own page is where its History button is.
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).in_order()


class CommitmentInline(admin.StackedInline):
    model = Commitment
    form = InlineModelForm
    formset = LabelledInlineFormSet
    fields = (("area", "responsible", "order"), "text", ("source", "note"))
    autocomplete_fields = ("area", "source")
    extra = 0


class KpiTargetInline(LabelledTabularInline):
    model = KpiTarget
    fields = (
        "kpi",
        "baseline_value",
        "baseline_on",
        "baseline_source",
        "baseline_is_demo",
        "target_value",
        "target_on",
        "source",
        "note",
        "is_demo",
    )
    autocomplete_fields = ("kpi", "baseline_source", "source")
    extra = 0


class MilestoneInline(LabelledTabularInline):
    model = Milestone
    fields = (
        "occurred_on",
        "precision",
        "title",
        "description",
        "area",
        "source",
        "note",
        "is_demo",
    )
    autocomplete_fields = ("area", "source")
    extra = 0


class AgreementStateFilter(admin.SimpleListFilter):
    """Today's state, filtered in SQL: it is derived, not a column."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return AgreementState.choices

    def queryset(self, request, queryset):
        if self.value() in AgreementState.values:
            return queryset.filter(state=self.value())
        return queryset


@admin.register(Agreement)
class AgreementAdmin(DeletionPageMixin, FoldedSearchAdminMixin, HistoryAdmin):
    list_display = (
        "title",
        "counterparty",
        "kind",
        "phase",
        "period",
        "signed",
        "state",
        "is_demo",
    )
    list_filter = ("phase", "kind", AgreementStateFilter, "is_demo", "signing_mode")
    list_select_related = ("counterparty__province", "phase")
    autocomplete_fields = ("counterparty", "predecessor", "sources")
    readonly_fields = ("search_text",)
    inlines = (ParticipantInline, CommitmentInline, KpiTargetInline, MilestoneInline)
    fieldsets = (
        (None, {"fields": ("title", "counterparty", "kind", "phase", "kind_note", "is_demo")}),
        (
            _("Period and signing"),
            {
                "fields": (
                    ("period_start", "period_end"),
                    "period_note",
                    ("signed_on", "signed_precision"),
                    ("place", "signing_mode"),
                    "signing_note",
                    "predecessor",
                )
            },
        ),
        (
            _("Early termination"),
            {
                "fields": (("terminated_on", "termination_note"),),
                "description": _(
                    "Only when the agreement was ended before its period ran out. Otherwise "
                    "its state follows from its dates: not yet in force, in force, ended, or "
                    "superseded once a later agreement is signed."
                ),
            },
        ),
        (_("Sources and uncertainty"), {"fields": ("sources", "notes")}),
        (_("Search"), {"fields": ("search_text",), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is KpiTarget:
            # The targets this page wrote: one left as it was is not told of again each
            # time another part of the agreement is saved.
            written = [*formset.new_objects, *(row for row, _fields in formset.changed_objects)]
            warn_of_implausible_targets(request, written)

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, agreement):
        return agreement.period_label

    @admin.display(description=_("state"), ordering="state")
    def state(self, agreement):
        return agreement.current_state.label

    @admin.display(description=_("signing date"), ordering="signed_on")
    def signed(self, agreement):
        return agreement.signed_label


@admin.register(Kpi)
class KpiAdmin(TwinCheckedAgainMixin, DeletionPageMixin, FoldedSearchAdminMixin, HistoryAdmin):
    list_display = (
        "code",
        "name_vi",
        "name_en",
        "kind",
        "time_aggregation",
        "space_aggregation",
        "parent",
        "is_headline",
        "order",
    )
    list_filter = ("kind", "is_headline", "space_aggregation", "area")
    list_select_related = ("parent", "area")
    autocomplete_fields = ("parent", "area")


@admin.register(KpiTarget)
class KpiTargetAdmin(FoldedRelatedSearchMixin, HistoryAdmin):
    list_display = (
        "agreement",
        "kpi",
        "baseline_value",
        "baseline_is_demo",
        "target_value",
        "target_on",
        "is_demo",
    )
    list_filter = ("is_demo", "baseline_is_demo", "kpi", "agreement__phase")
    list_select_related = ("agreement", "kpi")
    autocomplete_fields = ("agreement", "kpi", "baseline_source", "source")
    search_fields = ("note",)
    folded_search_fields = ("agreement__search_text", "kpi__search_text")

    def save_model(self, request, obj, form, change):
        # The History page's revert saves here too, and may bring back a figure that
        # no longer fits the targets beside it.
        super().save_model(request, obj, form, change)
        warn_of_implausible_targets(request, [obj])


@admin.register(Milestone)
class MilestoneAdmin(FoldedRelatedSearchMixin, HistoryAdmin):
    list_display = ("title", "agreement", "date", "area", "is_demo")
    list_filter = ("is_demo", "precision", "area")
    list_select_related = ("agreement", "area")
    autocomplete_fields = ("agreement", "area", "source")
    search_fields = ("title", "description", "note")
    folded_search_fields = ("agreement__search_text",)

    @admin.display(description=_("date"), ordering="occurred_on")
    def date(self, milestone):
        return milestone.date_label
