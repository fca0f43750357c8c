"""Filters of the dashboards: one FilterSet per computed table, shared by page and export.

Each FilterSet narrows the rows it is given, and the page and its downloads read
the same filtered rows. The national page's choices also shape its other parts
(the headline figures, the map's KPI and the tiles it dims), which read them from
the form.
"""

import django_filters
from django import forms
from django.forms import BoundField
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from partnerships.filters import KpiFilter
from partnerships.models import Phase
from progress.models import SLIPPING, AgreementProgress, ProgressStatus, ProvinceProgress
from provinces.models import Region, current_q, former_q

# The risk list's statuses when the reader chooses none: what needs someone's attention.
RISKY = [*SLIPPING, ProgressStatus.NOT_REPORTING]


class MapUnits:
    CURRENT = "current"
    FORMER = "former"
    CHOICES = [
        (CURRENT, _("34 provinces since 1 July 2025")),
        (FORMER, _("63 provinces before 1 July 2025")),
    ]


class FilterForm(forms.Form):
    """The dashboards' filter forms, whose widgets Django's Jinja2 templates draw.

    Its own templates rendered each option of a select through a template include:
    half of the national page's filters (13 ms of a fresh render, 6 ms now), for the
    same HTML but blank lines. One renderer, so its templates compile once.
    """

    default_renderer = Jinja2()


class AppliedChoice(BoundField):
    """A choice shown as the filter applied it, not as the address spelled it.

    A select marks the option whose value is the address's text: `?kpi=BTS_TOTAL`
    marked no KPI while the page showed bts_total's figures (`KpiFilter` reads any
    spelling of a code). A choice refused keeps the text typed, beside its error.
    """

    def value(self):
        cleaned = getattr(self.form, "cleaned_data", {})
        if self.name in cleaned:
            return self.field.prepare_value(cleaned[self.name])
        return super().value()


def _by_units(queryset, name, value):
    """The rows of the current provinces, or of the former ones."""
    units = former_q("province__") if value == MapUnits.FORMER else current_q("province__")
    return queryset.filter(units)


class StatusFilter(django_filters.MultipleChoiceFilter):
    """The statuses chosen, or those slipping when none is."""

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value or RISKY})


class DashboardFilterSet(django_filters.FilterSet):
    """The national dashboard's choices; its rows are the agreements' progress (the risk list).

    Its phase and KPI also pick the headline figures and the map's KPI; the map's own
    rows are narrowed by `ProvinceMapFilterSet`, whose era of provinces the form shows too.
    """

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
    kpi = KpiFilter(
        label=_("KPI"),
        empty_label=_("All KPIs (map: first headline KPI)"),
        bound_field_class=AppliedChoice,
    )
    status = StatusFilter(
        choices=ProgressStatus.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AgreementProgress
        fields = ["phase", "region", "kpi", "status"]
        form = FilterForm


class ProvinceMapFilterSet(django_filters.FilterSet):
    """The national map's rows: the provinces' progress in a phase, for a KPI, in one era.

    Its phase is a code the national form has checked already, so it is matched as a
    code rather than looked up a second time. Its KPI is read as every list reads one
    (`KpiFilter`): a code spelled differently is the same KPI, and one that names no
    KPI is refused with the field named, never matched as nothing.
    """

    phase = django_filters.CharFilter(field_name="phase__code")
    kpi = KpiFilter()
    units = django_filters.ChoiceFilter(
        choices=MapUnits.CHOICES,
        method=_by_units,
        label=_("Map of"),
        empty_label=None,
    )

    class Meta:
        model = ProvinceProgress
        fields = ["phase", "kpi", "units"]
        form = FilterForm


class CompareForm(FilterForm):
    """The comparison's choices: two phases, which it shows in the order of their years."""

    def clean(self):
        data = super().clean()
        first, second = data.get("first"), data.get("second")
        if first and second:
            if first == second:
                # A phase against itself is all zeros, which reads as nothing having changed.
                self.add_error(
                    "second",
                    _("Choose two different phases: a phase compared with itself shows nothing."),
                )
            elif first.start_year > second.start_year:
                # The URL's order stays a valid choice; the earlier phase always comes first,
                # so that a change is never a gain read backwards as a loss.
                data["first"], data["second"] = second, first
        return data


class CompareFilterSet(django_filters.FilterSet):
    """The phase comparison's filters; its rows are the provinces' progress."""

    kpi = KpiFilter(
        label=_("KPI"),
        empty_label=None,
        bound_field_class=AppliedChoice,
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
        method="filter_phases",
        label=_("Earlier phase"),
        empty_label=None,
    )
    second = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="code",
        method="filter_phases",
        label=_("Later phase"),
        empty_label=None,
    )
    units = django_filters.ChoiceFilter(
        choices=MapUnits.CHOICES,
        method=_by_units,
        label=_("Provinces"),
        empty_label=None,
    )

    class Meta:
        model = ProvinceProgress
        fields = ["kpi", "region", "first", "second", "units"]
        form = CompareForm

    def filter_phases(self, queryset, name, value):
        # The rows of both phases compared; either field alone would drop the other's.
        data = self.form.cleaned_data
        return queryset.filter(
            phase__in=[data[key] for key in ("first", "second") if data.get(key)]
        )


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
