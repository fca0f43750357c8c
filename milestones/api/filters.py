"""Filters for the API's lists of reports, values, targets and progress.

Agreements and provinces use the pages' own filtersets; these records have no
list page, so their filters live with the API.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from partnerships.models import Agreement, Phase
from provinces.models import Province

from ..models import (
    AgreementProgress,
    Kpi,
    KpiKind,
    KpiTarget,
    KpiValue,
    NationalProgress,
    ProvinceProgress,
    QuarterlyReport,
    ReportStatus,
)
from ..parsing import parse_quarter
from .serializers import QUARTER_SCHEMA


class QuarterFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_quarter(value).code
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


@extend_schema_field(QUARTER_SCHEMA)
class QuarterFilter(django_filters.CharFilter):
    field_class = QuarterFormField


def _province_filter(field_name: str):
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
        return queryset.filter(**{f"{self.province_path}__in": value.lineage_ids()})


class ReportFilterSet(LineageFilterMixin, django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    province = _province_filter("agreement__counterparty__province")
    quarter = QuarterFilter(field_name="quarter")
    quarter_from = QuarterFilter(field_name="quarter", lookup_expr="gte")
    quarter_to = QuarterFilter(field_name="quarter", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = QuarterlyReport
        fields = ["agreement", "province", "quarter", "quarter_from", "quarter_to", "status"]


class ApprovedValueFilterSet(LineageFilterMixin, django_filters.FilterSet):
    province_path = "report__agreement__counterparty__province"

    agreement = django_filters.ModelChoiceFilter(
        field_name="report__agreement", queryset=Agreement.objects.all()
    )
    province = _province_filter("report__agreement__counterparty__province")
    kpi = django_filters.ModelChoiceFilter(queryset=Kpi.objects.all(), to_field_name="code")
    kind = django_filters.ChoiceFilter(field_name="kpi__kind", choices=KpiKind.choices)
    quarter = QuarterFilter(field_name="report__quarter")
    quarter_from = QuarterFilter(field_name="report__quarter", lookup_expr="gte")
    quarter_to = QuarterFilter(field_name="report__quarter", lookup_expr="lte")
    is_demo = django_filters.BooleanFilter(field_name="report__is_demo")

    class Meta:
        model = KpiValue
        fields = [
            "agreement",
            "province",
            "kpi",
            "kind",
            "quarter",
            "quarter_from",
            "quarter_to",
            "is_demo",
        ]


class KpiFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__code")

    class Meta:
        model = Kpi
        fields = ["kind", "time_aggregation", "space_aggregation", "is_headline", "area"]


class KpiTargetFilterSet(LineageFilterMixin, django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    province = _province_filter("agreement__counterparty__province")
    kpi = django_filters.ModelChoiceFilter(queryset=Kpi.objects.all(), to_field_name="code")

    class Meta:
        model = KpiTarget
        fields = ["agreement", "province", "kpi", "is_demo"]


class AgreementProgressFilterSet(LineageFilterMixin, django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    province = _province_filter("agreement__counterparty__province")
    kpi = django_filters.ModelChoiceFilter(queryset=Kpi.objects.all(), to_field_name="code")

    class Meta:
        model = AgreementProgress
        fields = ["agreement", "province", "kpi", "status"]


class ProvinceProgressFilterSet(django_filters.FilterSet):
    # A province's progress already adds up the units merged into it: match it exactly.
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), to_field_name="slug"
    )
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all(), to_field_name="code")
    kpi = django_filters.ModelChoiceFilter(queryset=Kpi.objects.all(), to_field_name="code")

    class Meta:
        model = ProvinceProgress
        fields = ["province", "phase", "kpi", "status"]


class NationalProgressFilterSet(django_filters.FilterSet):
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all(), to_field_name="code")
    kpi = django_filters.ModelChoiceFilter(queryset=Kpi.objects.all(), to_field_name="code")

    class Meta:
        model = NationalProgress
        fields = ["phase", "kpi", "status"]
