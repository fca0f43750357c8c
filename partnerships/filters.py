"""Filters for agreements, the KPI catalogue and targets, shared by the pages and the API."""

import django_filters
from django import forms
from django.core.validators import slug_re
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import FilterSet
from core.search import SearchFilter, fold_code
from provinces.api.filters import LineageFilterMixin, province_filter
from provinces.models import Province

from .models import (
    Agreement,
    AgreementKind,
    AgreementState,
    Kpi,
    KpiTarget,
    Organisation,
    OrganisationKind,
    Phase,
)


class YearField(forms.IntegerField):
    # A whole number's example (1490) reads as no year at all.
    default_error_messages = {"invalid": _("Enter a year, such as 2021.")}


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A whole year: the date lookups refuse the Decimal a NumberFilter gives, and the
    schema says integer where a NumberFilter's says any number."""

    field_class = YearField


class AgreementFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    phase = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="code",
        label=_("Phase"),
        empty_label=_("All phases"),
    )
    kind = django_filters.ChoiceFilter(
        choices=AgreementKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    counterparty = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.exclude(kind=OrganisationKind.VNPT).select_related(
            "province"
        ),
        label=_("Counterparty"),
        empty_label=_("All counterparties"),
    )
    province = django_filters.ModelChoiceFilter(
        # Current provinces first: they are what people look for today.
        queryset=Province.objects.order_by(F("valid_until").desc(nulls_first=True), "sort_key"),
        to_field_name="slug",
        method="filter_province",
        label=_("Province or city"),
        empty_label=_("All provinces and cities"),
    )
    signed_year = YearFilter(
        field_name="signed_on",
        lookup_expr="year",
        label=_("Signing year"),
        min_value=1990,
        max_value=2100,
    )
    # Keeps the name `status` that links and API clients use; it filters by today's state.
    status = django_filters.ChoiceFilter(
        choices=AgreementState.choices,
        method="filter_state",
        label=_("Status"),
        empty_label=_("Any status"),
    )

    class Meta:
        model = Agreement
        fields = ["q", "phase", "kind", "counterparty", "province", "signed_year", "status"]

    def filter_province(self, queryset, name, value: Province):
        """A current province matches its own agreements and those of the units merged into it;
        a former one only its own."""
        return queryset.for_province(value)

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value)


class KpiCodeField(ModelChoiceField):
    """A KPI chosen by its code, read as the import and the report changes read one: capitals
    and "-" for "_" make no other code (`fold_code`). Choices are offered by the stored code."""

    def to_python(self, value):
        # Only what could be a code is looked up: PostgreSQL refuses a NUL in a query's
        # text, and Django's own lookup below turns any such value into "not a choice".
        if isinstance(value, str) and slug_re.match(fold_code(value)):
            kpi = self.queryset.filter(folded_code=fold_code(value)).first()
            if kpi is not None:
                return kpi
        return super().to_python(value)


class KpiFilter(django_filters.ModelChoiceFilter):
    """The `kpi` of the lists, the API and the dashboards: a KPI by its code, however spelled."""

    field_class = KpiCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Kpi.objects.all())
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)


class KpiFilterSet(FilterSet):
    area = django_filters.CharFilter(field_name="area__code")

    class Meta:
        model = Kpi
        fields = ["kind", "time_aggregation", "space_aggregation", "is_headline", "area"]


class KpiTargetFilterSet(LineageFilterMixin, FilterSet):
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    province = province_filter("agreement__counterparty__province")
    kpi = KpiFilter()

    class Meta:
        model = KpiTarget
        fields = ["agreement", "province", "kpi", "is_demo"]
