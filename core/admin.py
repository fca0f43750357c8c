"""Admin pieces every app shares. Nothing is registered here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .quarters import Quarter


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
