"""Filters of the dashboards: one FilterSet per computed table, shared by page and export.

The form of a dashboard's FilterSet is also what the page's other tables read
(the map, the headline figures, completeness), so one set of choices filters
every table on the page and every download made from it.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import Kpi, Phase
from progress.models import AgreementProgress, ProgressStatus, ProvinceProgress
from provinces.models import Region


class MapUnits:
    CURRENT = "current"
    FORMER = "former"
    CHOICES = [
        (CURRENT, _("34 provinces since 1 July 2025")),
        (FORMER, _("63 provinces before 1 July 2025")),
    ]


def _unchanged(queryset, name, value):
    # The choice shapes other parts of the page (the map), not this table's rows.
    return queryset


class DashboardFilterSet(django_filters.FilterSet):
    """The national dashboard's filters; its rows are the agreements' progress (the risk list)."""

    phase = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="code",
        field_name="agreement__phase",
        label=_("Phase"),
        empty_label=None,
    )
    region = django_filters.ChoiceFilter(
        choices=Region.choices,
        field_name="agreement__counterparty__province__region",
        label=_("Region"),
        empty_label=_("All regions"),
    )
    kpi = django_filters.ModelChoiceFilter(
        queryset=Kpi.objects.all(),
        to_field_name="code",
        label=_("KPI"),
        empty_label=_("All KPIs (map: first headline KPI)"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ProgressStatus.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    units = django_filters.ChoiceFilter(
        choices=MapUnits.CHOICES,
        method=_unchanged,
        label=_("Map of"),
        empty_label=None,
    )

    class Meta:
        model = AgreementProgress
        fields = ["phase", "region", "kpi", "status", "units"]


class CompareFilterSet(django_filters.FilterSet):
    """The phase comparison's filters; its rows are the provinces' progress."""

    kpi = django_filters.ModelChoiceFilter(
        queryset=Kpi.objects.all(),
        to_field_name="code",
        label=_("KPI"),
        empty_label=None,
    )
    region = django_filters.ChoiceFilter(
        choices=Region.choices,
        field_name="province__region",
        label=_("Region"),
        empty_label=_("All regions"),
    )
    first = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="code",
        method=_unchanged,
        label=_("Earlier phase"),
        empty_label=None,
    )
    second = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="code",
        method=_unchanged,
        label=_("Later phase"),
        empty_label=None,
    )
    units = django_filters.ChoiceFilter(
        choices=MapUnits.CHOICES,
        method="filter_units",
        label=_("Provinces"),
        empty_label=None,
    )

    class Meta:
        model = ProvinceProgress
        fields = ["kpi", "region", "first", "second", "units"]

    def filter_units(self, queryset, name, value):
        if value == MapUnits.FORMER:
            return queryset.filter(province__valid_until__isnull=False)
        return queryset.filter(province__valid_until__isnull=True)


def with_defaults(data, defaults: dict):
    """The query string with a default for each missing choice, so the page opens filtered."""
    data = data.copy()
    for key, value in defaults.items():
        if value is not None and not data.get(key):
            if isinstance(value, list | tuple):
                data.setlist(key, list(value))
            else:
                data[key] = value
    return data
