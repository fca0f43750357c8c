"""Admin pieces every app shares. Nothing is registered here."""

import datetime
import hashlib

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import display_for_field, flatten_fieldsets, unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import ModelChoiceField, ModelForm
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import is_historic
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_manager_for_model

from .formatting import datetime_label
from .parsing import DateField, NumberField, parse_quarter
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

    def value(self):
        """The quarter's code, however the address writes it (20244, Q4/2024, Quý 4/2024),
        so that a quarter typed by hand filters, and shows as chosen, like one clicked."""
        typed = super().value()
        if not typed:
            return None
        try:
            return str(parse_quarter(typed).code)
        except ValidationError as error:
            # As for any other unreadable filter, Django's admin then lists everything,
            # with ?e=1 in the address.
            raise IncorrectLookupParameters(error) from error

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(quarter=self.value())
        return queryset


def shown_as(model, name, write):
    """A column, or read-only field, showing the field `name` of `model` written by `write`.

    It keeps the field's label, help text and ordering; named after the field, it takes
    its place in `WrittenFieldsMixin.written_fields`.
    """
    field = model._meta.get_field(name)

    def display(obj):
        value = getattr(obj, name)
        # The read-only page writes a None it is given as "None"; a list, as the dash.
        return admin.site.empty_value_display if value is None else write(value)

    display.__name__ = name
    return admin.display(description=field.verbose_name, ordering=name)(display)


def quarter_field(model, name):
    """A quarter stored as its code (20252) shown as the portal writes it (Quý 2/2025)."""
    return shown_as(model, name, lambda code: str(Quarter.from_code(code)))


def year_field(model, name):
    """A year shown as a year (2014), where Django's admin would group it as a number (2.014)."""
    return shown_as(model, name, str)


class WrittenFieldsMixin:
    """Shows `written_fields` (made by `shown_as`) on a page that only reads the item.

    A field that can be edited stays an input, which already shows a year or a quarter's
    code ungrouped.
    """

    written_fields = ()

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fields
        written = {display.__name__: display for display in self.written_fields}
        return [written.get(name, name) for name in fields]


class ReadOnlyAdminMixin:
    """Rows the admin shows and never adds, changes or deletes: they are written elsewhere."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComputedAdmin(
    ReadOnlyAdminMixin, WrittenFieldsMixin, BoundedSearchAdminMixin, admin.ModelAdmin
):
    """Rows a computation writes: read here, never edited or deleted by hand.

    They go with the item they were computed from (`DeletionPageMixin`), and the next
    computation writes them again.
    """


class DeletionPageMixin:
    """What an item's delete page lists, and whether it lets the item go.

    Django refuses a deletion that takes rows the account may not delete, and nobody may
    delete computed rows (`ComputedAdmin`): a phase, agreement, KPI or province with
    figures could not be deleted even by a superuser, for want of a permission no one has.
    Computed rows go with their item instead. A protection (an agreement's reports, a KPI's
    reported values, `protections`) still refuses the deletion, and is the reason given.
    """

    def protections(self, objs) -> list[str]:
        """Why `objs` must stay, beyond the database's protections."""
        return []

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = [*protected, *self.protections(objs)]
        if protected:
            # No permission lets a protected item go, so the protection is the reason to
            # give, to every role, not the permissions Django would name first.
            perms_needed = set()
        else:
            computed = {
                str(model._meta.verbose_name)
                for model, model_admin in self.admin_site._registry.items()
                if isinstance(model_admin, ComputedAdmin)
            }
            perms_needed = {name for name in perms_needed if str(name) not in computed}
        deleted, counts = self._readable_links(objs, deleted, counts)
        return deleted, counts, perms_needed, protected

    def _readable_links(self, objs, deleted, counts):
        """Name a many-to-many link (an agreement's source) by the item at its other end.

        Django names the row linking them after its table, "Agreement_sources object (9)";
        only the link is deleted, never the item it leads to.
        """
        renamed = {}
        for relation in self.model._meta.get_fields():
            if not relation.many_to_many:
                continue
            through = getattr(relation, "through", None) or relation.remote_field.through
            if not through._meta.auto_created:
                continue
            own, other = sorted(
                (field for field in through._meta.fields if field.many_to_one),
                key=lambda field: field.related_model is not self.model,
            )
            label = capfirst(
                _("link to %(item)s") % {"item": other.related_model._meta.verbose_name}
            )
            links = through.objects.filter(**{f"{own.name}__in": objs}).select_related(other.name)
            for link in links:
                shown = f"{capfirst(through._meta.verbose_name)}: {link}"
                renamed[shown] = f"{label}: {getattr(link, other.name)}"
            if count := counts.pop(through._meta.verbose_name_plural, None):
                plural = other.related_model._meta.verbose_name_plural
                counts[_("links to %(items)s") % {"items": plural}] = count

        def rename(entries):
            return [
                rename(entry) if isinstance(entry, list) else renamed.get(entry, entry)
                for entry in entries
            ]

        return (rename(deleted) if renamed else deleted), counts


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


class TypedInputsMixin:
    """Figures and dates typed in the admin are read as the report form reads them.

    Django's own decimal input is type=number: Chromium in Vietnamese turns 12,5 into
    125 there, and the server refuses 79.500 and 91,7, which the portal's own messages
    suggest. `NumberField` reads them in the active language and shows 12,5 back.
    `DateField` says that 31/02/2021 is no date, where Django's would ask for the form
    the user followed.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs.setdefault("form_class", NumberField)
        elif isinstance(db_field, models.DateField) and not isinstance(
            db_field, models.DateTimeField
        ):
            kwargs.setdefault("form_class", DateField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _stored_values(rows) -> list:
    """Every stored value of `rows`, links to other items included, in a fixed order."""
    meta = rows.model._meta
    rows = rows.order_by("pk")
    values = [list(rows.values_list(*(field.attname for field in meta.concrete_fields)))]
    for field in meta.many_to_many:
        links = rows.values_list("pk", f"{field.name}__pk").order_by("pk", f"{field.name}__pk")
        values.append(list(links))
    return values


def stored_state(model, pk, children) -> str:
    """A digest of what is stored of the item `pk` and of its rows in `children` (pairs of
    a model and its foreign key to the item): it changes with any of their values, and
    when a row is added, deleted or moved to another item."""
    values = _stored_values(model._base_manager.filter(pk=pk))
    for child, fk in children:
        values += _stored_values(child._base_manager.filter(**{fk.name: pk}))
    return hashlib.sha256(repr(values).encode()).hexdigest()


def last_save(model, pk, children, *, since: datetime.datetime):
    """The newest history record of the item `pk` or of its rows in `children` made after
    `since`, or None."""
    histories = [get_history_manager_for_model(model).filter(**{model._meta.pk.attname: pk})]
    for child, fk in children:
        try:
            histories.append(get_history_manager_for_model(child).filter(**{fk.attname: pk}))
        except NotHistoricalModelError:
            continue
    newest = [
        history.filter(history_date__gt=since)
        .select_related("history_user")
        .order_by("-history_date", "-pk")
        .first()
        for history in histories
    ]
    return max(filter(None, newest), key=lambda record: record.history_date, default=None)


class SavedStateForm(ModelForm):
    """An admin page's form that refuses to save over a save made since the page opened.

    Django's admin writes back every value its page showed: of two tabs on one agreement,
    the second to save would silently undo the first (a place emptied, a target back to
    its old figure), and an inline row deleted meanwhile left only an error nobody could
    see. The page carries a digest of what was stored of the item and its inline rows when
    it was opened (`stored_state`), and when that was, signed; if the digest has moved on,
    nothing of the page is saved and the form says who saved since, and when, as the report
    form does for reports.
    """

    opened_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by `HistoryAdmin.get_form`: the models and foreign keys of the inline rows the
    # page writes (None on a page that saves nothing, which needs no digest), and who saves.
    children = None
    editor = None
    opened_state_salt = "core.admin.SavedStateForm.opened_state"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.children is not None and not self.is_bound and not self.instance._state.adding:
            opened_at = timezone.now()
            state = stored_state(self._meta.model, self.instance.pk, self.children)
            self.initial["opened_state"] = signing.dumps(
                [state, opened_at.isoformat()], salt=self.opened_state_salt
            )

    def clean(self):
        cleaned_data = super().clean()
        opened = cleaned_data.get("opened_state")
        # A page without the digest (a page opened before the portal carried it) is saved as
        # Django's admin always did.
        if not opened or self.instance._state.adding:
            return cleaned_data
        state, opened_at = self._opened(opened)
        model = self._meta.model
        with transaction.atomic(using=self.instance._state.db):
            # Locked until the admin's transaction ends, so that a save sent at the same
            # moment waits for this one and then finds the item changed.
            list(model._base_manager.select_for_update().filter(pk=self.instance.pk).values("pk"))
            if stored_state(model, self.instance.pk, self.children or ()) != state:
                raise ValidationError(self.conflict_message(opened_at), code="conflict")
        return cleaned_data

    def _opened(self, opened: str) -> tuple[str, datetime.datetime | None]:
        """The digest the page carries, and when the page was opened.

        A page opened before the portal signed the time carries the bare digest, and no
        time that can be believed.
        """
        try:
            state, opened_at = signing.loads(opened, salt=self.opened_state_salt)
        except signing.BadSignature:
            return opened, None
        return state, datetime.datetime.fromisoformat(opened_at)

    def conflict_message(self, opened_at: datetime.datetime | None) -> str:
        """Who saved the item since the page was opened at `opened_at`, and when, and what
        to do now."""
        model = self._meta.model
        record = (
            last_save(model, self.instance.pk, self.children or (), since=opened_at)
            if opened_at
            else None
        )
        if record is None:
            # Rows written by an import keep no history: who changed them is not known, and
            # the newest save that kept one may be older than the page, so it is not named.
            told = gettext("This %(item)s was changed after this page was opened.")
        elif self.editor is not None and record.history_user_id == self.editor.pk:
            told = gettext(
                "You saved this %(item)s in another tab at %(time)s, after this page was opened."
            )
        else:
            told = gettext("%(user)s saved this %(item)s at %(time)s, after you opened this page.")
        saved_by = record.history_user.get_username() if record and record.history_user else None
        told %= {
            "item": model._meta.verbose_name,
            "time": datetime_label(record.history_date) if record else "",
            "user": saved_by or gettext("someone"),
        }
        if saved_by is None:
            # "someone" and an item's name are lower case where they start the sentence; a
            # username is kept as typed.
            told = capfirst(told)
        advice = gettext(
            "Nothing entered on this page was saved: copy what you need from it, reload the "
            "page to see the saved values, then make your changes again."
        )
        return f"{told} {advice}"


def _writes_rows(inline, request, obj) -> bool:
    """Whether an inline's rows can be added, deleted or changed from its page."""
    if inline.has_add_permission(request, obj):
        return True
    if inline.can_delete and inline.has_delete_permission(request, obj):
        return True
    fields = set(flatten_fieldsets(inline.get_fieldsets(request, obj)))
    editable = fields - set(inline.get_readonly_fields(request, obj))
    return bool(editable) and inline.has_change_permission(request, obj)


class HistoryAdmin(TypedInputsMixin, BoundedSearchAdminMixin, SimpleHistoryAdmin):
    """An admin whose History page lists every change as field: old → new, and whose
    change page refuses to save over a change saved since it was opened (`SavedStateForm`).

    simple_history computes the diffs between consecutive records; this only
    chooses how their values read.
    """

    form = SavedStateForm
    change_form_template = "admin/saved_state_change_form.html"
    object_history_form_template = "admin/saved_state_history_form.html"

    def get_fields(self, request, obj=None):
        # The digest is no field of the item: the templates put it in the page, hidden.
        return [name for name in super().get_fields(request, obj) if name != "opened_state"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and is_historic(obj):
            # The History page's revert writes back the item's own fields, none of its rows.
            form.children = ()
        elif obj is not None and self.has_change_permission(request, obj):
            # Only the rows this page writes: a read-only inline (a person's parts in
            # agreements) changed from another page is no conflict with this one.
            form.children = tuple(
                {
                    inline.model: (inline.model, inline.get_formset(request, obj).fk)
                    for inline in self.get_inline_instances(request, obj)
                    if _writes_rows(inline, request, obj)
                }.values()
            )
        form.editor = request.user
        return form

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history only hides the Revert button from an account that may view
        # the item but not change it: the revert it posted anyway was saved.
        if request.method == "POST" and not self.has_change_history_permission(
            request, self.get_object(request, unquote(object_id))
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(
            self.model, historical_record, empty_value_display=self.get_empty_value_display()
        )


# django-simple-history ships no Vietnamese. These are the words of its History and revert
# pages, marked here so that the portal's own catalogue, which Django reads first, translates
# them; the pages the portal overrides (templates/simple_history/) are read from there.
HISTORY_PAGE_WORDS = (
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Revert"),
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

    def non_field_errors(self):
        """The row's own errors, and those of its hidden inputs (its id, its item's).

        The admin shows no error beside a hidden input: a row deleted in another tab
        meanwhile left the page saying to correct errors with none marked.
        """
        errors = super().non_field_errors()
        hidden = [error for field in self.hidden_fields() for error in field.errors]
        if not hidden:
            return errors
        return self.error_class([*errors, *hidden], error_class="nonfield", renderer=self.renderer)


class LabelledInlineFormSet(BaseInlineFormSet):
    # Once a page sent back is checked: the stored row of each of its rows, in its order.
    rows_sent_back = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete")
        row_id = form.fields.get(self.model._meta.pk.name)
        if isinstance(row_id, ModelChoiceField):
            row_id.error_messages["invalid_choice"] = _(
                "This row was deleted after this page was opened, so its values were not saved."
            )

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            stored = {row.pk: row for row in super().get_queryset()}
            self.rows_sent_back = [stored.get(form.instance.pk) for form in self.initial_forms]

    def get_queryset(self):
        """The stored rows; once a page sent back is checked, the stored row of each of its
        rows, in the page's order, None for a row no longer stored.

        The admin shows the page's rows beside these by position: with a row deleted in
        another tab meanwhile, each later row would show under its neighbour's name and the
        last would be dropped, with what was typed in it. Without a stored row, a row shows
        as a new one, with its error.
        """
        if self.rows_sent_back is not None:
            return self.rows_sent_back
        return super().get_queryset()

    def get_unique_error_message(self, unique_check):
        # Django names the fields as the code does (person and role); a user knows their labels.
        labels = [
            str(self.model._meta.get_field(name).verbose_name)
            for name in unique_check
            if name != self.fk.name
        ]
        return super().get_unique_error_message(labels)


class LabelledTabularInline(TypedInputsMixin, admin.TabularInline):
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
