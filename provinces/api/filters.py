"""A province filter for any API list: a current province includes the units merged into it."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ..lineage import with_predecessors
from ..models import Province


def province_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(),
        to_field_name="slug",
        field_name=field_name,
        method="filter_province",
        label=_("Province (slug); a current province includes the units merged into it"),
    )


class LineageFilterMixin:
    """A current province matches its own records and those of the units merged into it."""

    province_path = "agreement__counterparty__province"

    def filter_province(self, queryset, name, value):
        return queryset.filter(**{f"{self.province_path}__in": with_predecessors([value.pk])})
