"""Filters for the API's lists of reports and approved values.

These records have no list page of their own, so their filters live with the API.
"""

import django_filters

from core.api import QuarterFilter
from core.filters import BooleanFilter, FilterSet
from partnerships.filters import KpiFilter
from partnerships.models import Agreement, KpiKind
from provinces.api.filters import LineageFilterMixin, province_filter

from ..models import KpiValue, QuarterlyReport, ReportStatus


class ReportFilterSet(LineageFilterMixin, django_filters.FilterSet):
    agreement = django_filters.ModelChoiceFilter(queryset=Agreement.objects.all())
    province = province_filter("agreement__counterparty__province")
    quarter = QuarterFilter(field_name="quarter")
    quarter_from = QuarterFilter(field_name="quarter", lookup_expr="gte")
    quarter_to = QuarterFilter(field_name="quarter", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = QuarterlyReport
        fields = ["agreement", "province", "quarter", "quarter_from", "quarter_to", "status"]


class ApprovedValueFilterSet(LineageFilterMixin, FilterSet):
    province_path = "report__agreement__counterparty__province"

    agreement = django_filters.ModelChoiceFilter(
        field_name="report__agreement", queryset=Agreement.objects.all()
    )
    province = province_filter("report__agreement__counterparty__province")
    kpi = KpiFilter()
    kind = django_filters.ChoiceFilter(field_name="kpi__kind", choices=KpiKind.choices)
    quarter = QuarterFilter(field_name="report__quarter")
    quarter_from = QuarterFilter(field_name="report__quarter", lookup_expr="gte")
    quarter_to = QuarterFilter(field_name="report__quarter", lookup_expr="lte")
    is_demo = BooleanFilter(field_name="report__is_demo")

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
