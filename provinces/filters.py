"""Filters for provinces, shared by the province pages and the API."""

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.search import SearchFilter

from .models import Province, ProvinceKind, Region


class ProvinceStatus(models.TextChoices):
    CURRENT = "current", _("Current (since 1 July 2025)")
    FORMER = "former", _("Former (before 1 July 2025)")


class ProvinceFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    region = django_filters.ChoiceFilter(
        choices=Region.choices, label=_("Region"), empty_label=_("All regions")
    )
    kind = django_filters.ChoiceFilter(
        choices=ProvinceKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        choices=ProvinceStatus.choices,
        method="filter_status",
        label=_("Current or former"),
        empty_label=_("Current and former"),
    )

    class Meta:
        model = Province
        fields = ["q", "region", "kind", "status"]

    def filter_status(self, queryset, name, value):
        if value == ProvinceStatus.CURRENT:
            return queryset.current()
        return queryset.former()
