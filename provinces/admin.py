from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin import DeletionPageMixin, HistoryAdmin, LabelledTabularInline
from core.search import BoundedSearchAdminMixin, FoldedRelatedSearchMixin, FoldedSearchAdminMixin

from .models import Province, ProvinceAssignment


class CurrentOrFormerFilter(admin.SimpleListFilter):
    title = _("current or former")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("Current")), ("former", _("Former (before the merger)"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "former":
            return queryset.former()
        return queryset


class PredecessorInline(LabelledTabularInline):
    """The former units merged into a province, read here and changed on their own page."""

    model = Province
    fk_name = "successor"
    fields = ("code", "name", "valid_from", "valid_until")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name = _("merged unit")
    verbose_name_plural = _("units merged into this province or city")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(DeletionPageMixin, FoldedSearchAdminMixin, HistoryAdmin):
    list_display = ("code", "name", "kind", "region", "is_current_display", "successor")
    list_filter = (CurrentOrFormerFilter, "kind", "region")
    list_select_related = ("successor",)
    autocomplete_fields = ("successor",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("search_text",)
    inlines = (PredecessorInline,)
    fieldsets = (
        (None, {"fields": ("code", "key", "name", "full_name", "name_ascii", "slug")}),
        (_("Kind and place"), {"fields": ("kind", "region", "latitude", "longitude")}),
        (_("Validity"), {"fields": ("valid_from", "valid_until", "successor")}),
        (_("Search"), {"fields": ("search_text",), "classes": ("collapse",)}),
    )

    @admin.display(description=_("current"), boolean=True, ordering="valid_until")
    def is_current_display(self, province):
        return province.is_current

    def protections(self, objs):
        # A unit of the merger record counts for its successor; only its delete() knows.
        return [capfirst(link) for province in objs for link in province.merger_links()]


@admin.register(ProvinceAssignment)
class ProvinceAssignmentAdmin(FoldedRelatedSearchMixin, HistoryAdmin):
    list_display = ("user", "province", "organisation_unit")
    list_filter = ("province__region",)
    list_select_related = ("user", "province")
    autocomplete_fields = ("user", "province")
    search_fields = ("user__username", "user__first_name", "user__last_name", "organisation_unit")
    folded_search_fields = ("province__search_text",)


class ProvinceAssignmentInline(LabelledTabularInline):
    model = ProvinceAssignment
    fields = ("province", "organisation_unit")
    autocomplete_fields = ("province",)
    extra = 0


# An assignment is a permission, so its removal reads as a revocation.
ASSIGNMENT_ACTIONS = {"+": _("granted"), "~": _("changed"), "-": _("revoked")}


class ProvinceAssignmentHistoryInline(LabelledTabularInline):
    """Who granted or revoked each of the user's provinces, and when.

    Read from the assignments' history, so a revocation still shows here once the
    assignment itself is gone from the list above.
    """

    model = ProvinceAssignment.history.model
    fk_name = "user"
    fields = ("changed_at", "action", "province", "organisation_unit", "changed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("province assignment change")
    verbose_name_plural = _("province assignment history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("province", "history_user")

    @admin.display(description=_("date and time"))
    def changed_at(self, record):
        return formats.localize(timezone.template_localtime(record.history_date))

    @admin.display(description=_("action"))
    def action(self, record):
        return ASSIGNMENT_ACTIONS[record.history_type]

    @admin.display(description=_("changed by"))
    def changed_by(self, record):
        return record.history_user


User = get_user_model()
# Django's own UserAdmin stays in charge of passwords and permissions; the
# portal only adds the provinces a user works for.
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(BoundedSearchAdminMixin, UserAdmin):
    inlines = (*UserAdmin.inlines, ProvinceAssignmentInline, ProvinceAssignmentHistoryInline)


# django-axes' lists of sign-in attempts (where an administrator unlocks an account
# early, by deleting its attempts), with the admin search bounded like every other.
for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (AccessLog, AccessLogAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(_model_admin.__name__, (BoundedSearchAdminMixin, _model_admin), {})
    )
