from rest_framework import viewsets

from ..filters import ProvinceFilterSet
from ..models import Province
from .serializers import ProvinceSerializer


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Current and former provinces, each with what it merged into and what merged into it."""

    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    ordering_fields = ("name", "code", "valid_from", "valid_until")
    # `name` orders alphabetically in Vietnamese, as every list of provinces does.
    collated_ordering = {"name": "sort_key"}
    ordering = ("name", "-valid_from")

    def get_queryset(self):
        provinces = Province.objects.select_related("successor").prefetch_related("predecessors")
        return provinces
