"""Admin pieces every app shares. Nothing is registered here."""

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .quarters import Quarter
from .search import BoundedSearchAdminMixin


class QuarterListFilter(admin.SimpleListFilter):
    """Quarters as people write them (Q4/2020), not as stored (20204)."""

    title = _("quarter")
    parameter_name = "quarter"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .order_by("-quarter")
            .values_list("quarter", flat=True)
            .distinct()
        )
        return [(code, str(Quarter.from_code(code))) for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(quarter=self.value())
        return queryset


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Shows the values in a history diff as the admin shows them, not as stored.

    A stored code (`sum`), `True` or `None` means nothing to an official; a choice's
    label, a tick and a dash do. Numbers stay ungrouped so years read 2021, not 2.021.
    """

    def __init__(self, model, historical_record, *, empty_value_display, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.empty_value_display = empty_value_display

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices or isinstance(field, models.BooleanField | models.DateField):
            return display_for_field(value, field, self.empty_value_display, avoid_link=True)
        if value is None or value == "":
            return self.empty_value_display
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(BoundedSearchAdminMixin, SimpleHistoryAdmin):
    """An admin whose History page lists every change as field: old → new.

    simple_history computes the diffs between consecutive records; this only
    chooses how their values read.
    """

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(
            self.model, historical_record, empty_value_display=self.get_empty_value_display()
        )


# django-simple-history ships no Vietnamese. These are the words of its History pages,
# marked here so that the portal's own catalogue, which Django reads first, translates them.
HISTORY_PAGE_WORDS = (
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Change History"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Object"),
    gettext_noop("Change reason"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
)


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete")


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose every input is named for a screen reader.

    Django's tabular inline names its columns in the table's header only, so each
    input of a row is unlabelled for assistive technology (axe-core: "form elements
    must have labels"); each gets its field's name as its accessible name.
    """

    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # A foreign key's select sits inside the admin's add/change link wrapper.
            widget = getattr(formfield.widget, "widget", formfield.widget)
            widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield
