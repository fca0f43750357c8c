"""The API's filters of the progress tables."""

import django_filters

from partnerships.filters import KpiFilter
from partnerships.models import Agreement, Phase
from provinces.api.filters import LineageFilterMixin, province_filter
from provinces.models import Province

from .models import AgreementProgress, NationalProgress, ProvinceProgress


class AgreementProgressFilterSet(LineageFilterMixin, django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    province = province_filter("agreement__counterparty__province")
    kpi = KpiFilter()

    class Meta:
        model = AgreementProgress
        fields = ["agreement", "province", "kpi", "status"]


class ProvinceProgressFilterSet(django_filters.FilterSet):
    # A province's progress already adds up the units merged into it: match it exactly.
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), to_field_name="slug"
    )
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all(), to_field_name="code")
    kpi = KpiFilter()

    class Meta:
        model = ProvinceProgress
        fields = ["province", "phase", "kpi", "status"]


class NationalProgressFilterSet(django_filters.FilterSet):
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all(), to_field_name="code")
    kpi = KpiFilter()

    class Meta:
        model = NationalProgress
        fields = ["phase", "kpi", "status"]
