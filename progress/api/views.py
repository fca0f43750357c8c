"""The computed progress the dashboards show, read through the API."""

from rest_framework import viewsets

from provinces.access import Action

from .. import filters
from ..models import AgreementProgress, NationalProgress, ProvinceProgress
from . import serializers


class AgreementProgressViewSet(viewsets.ReadOnlyModelViewSet):
    """Computed progress of each agreement, KPI by KPI."""

    serializer_class = serializers.AgreementProgressSerializer
    filterset_class = filters.AgreementProgressFilterSet
    ordering_fields = ("agreement", "kpi__order", "attainment")
    ordering = ("agreement", "kpi__order")

    def get_queryset(self):
        rows = AgreementProgress.objects.select_related("kpi")
        return rows.restrict(self.request.user, Action.VIEW)


class ProvinceProgressViewSet(viewsets.ReadOnlyModelViewSet):
    """Computed progress of each province in each phase; a current province adds up its
    former units."""

    serializer_class = serializers.ProvinceProgressSerializer
    filterset_class = filters.ProvinceProgressFilterSet
    ordering_fields = ("province__name", "kpi__order", "attainment")
    collated_ordering = {"province__name": "province__sort_key"}
    ordering = ("province__name", "kpi__order")

    def get_queryset(self):
        rows = ProvinceProgress.objects.select_related("kpi", "phase", "province")
        return rows.restrict(self.request.user, Action.VIEW)


class NationalProgressViewSet(viewsets.ReadOnlyModelViewSet):
    """Computed national progress in each phase."""

    serializer_class = serializers.NationalProgressSerializer
    queryset = NationalProgress.objects.select_related("kpi", "phase")
    filterset_class = filters.NationalProgressFilterSet
    ordering_fields = ("phase__start_year", "kpi__order", "attainment")
    ordering = ("phase__start_year", "kpi__order")
