"""Admin pieces every app shares. Nothing is registered here."""

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelForm
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .parsing import NumberField
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


class NumberInputsMixin:
    """Figures typed in the admin are read as the report form reads them.

    Django's own decimal input is type=number: Chromium in Vietnamese turns 12,5 into
    125 there, and the server refuses 79.500 and 91,7, which the portal's own messages
    suggest. `NumberField` reads them in the active language and shows 12,5 back.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs.setdefault("form_class", NumberField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class HistoryAdmin(NumberInputsMixin, BoundedSearchAdminMixin, SimpleHistoryAdmin):
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


class InlineModelForm(ModelForm):
    """A row of an inline, checked against the rows already saved as well as the page's.

    Django leaves the inline's own foreign key out of the model's checks, so a unique
    constraint that includes it (one part per person and role in an agreement) is only
    checked between the rows of the page. A row another tab saved meanwhile then fails
    in the database, a 500; here it is refused with the constraint's message.
    """

    def validate_unique(self):
        super().validate_unique()
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(error)


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete")

    def get_unique_error_message(self, unique_check):
        # Django names the fields as the code does (person and role); a user knows their labels.
        labels = [
            str(self.model._meta.get_field(name).verbose_name)
            for name in unique_check
            if name != self.fk.name
        ]
        return super().get_unique_error_message(labels)


class LabelledTabularInline(NumberInputsMixin, admin.TabularInline):
    """A tabular inline whose every input is named for a screen reader.

    Django's tabular inline names its columns in the table's header only, so each
    input of a row is unlabelled for assistive technology (axe-core: "form elements
    must have labels"); each gets its field's name as its accessible name.
    """

    form = InlineModelForm
    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # A foreign key's select sits inside the admin's add/change link wrapper.
            widget = getattr(formfield.widget, "widget", formfield.widget)
            widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield
