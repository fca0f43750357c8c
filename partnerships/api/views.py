from django.db.models import Prefetch
from rest_framework import viewsets

from core.search import fold_code
from provinces.access import Action

from ..filters import AgreementFilterSet, KpiFilterSet, KpiTargetFilterSet
from ..models import Agreement, Commitment, Kpi, KpiTarget, Organisation, Participant
from .serializers import (
    AgreementSerializer,
    KpiSerializer,
    KpiTargetSerializer,
    OrganisationSerializer,
)


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Partner organisations: People's Committees, central agencies and VNPT."""

    serializer_class = OrganisationSerializer
    filterset_fields = ("kind", "province")
    ordering_fields = ("name", "kind")
    collated_ordering = {"name": "sort_key"}
    ordering = ("name", "pk")

    def get_queryset(self):
        organisations = Organisation.objects.select_related("province")
        return organisations.restrict(self.request.user, Action.VIEW)


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Agreements with their signers, participants and commitments, filtered as on the agreement pages."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ("signed_on", "period_start", "title", "id")
    ordering = ("-period_start", "counterparty__sort_key")

    def get_queryset(self):
        agreements = (
            Agreement.objects.with_related()
            .with_state()
            .select_related("counterparty__province__successor")
            .prefetch_related(
                "sources",
                Prefetch(
                    "participants",
                    Participant.objects.in_order().select_related("person", "source"),
                ),
                Prefetch(
                    "commitments",
                    Commitment.objects.select_related("area", "source"),
                ),
            )
        )
        return agreements.restrict(self.request.user, Action.VIEW)


class KpiViewSet(viewsets.ReadOnlyModelViewSet):
    """The KPI catalogue."""

    serializer_class = KpiSerializer
    queryset = Kpi.objects.select_related("parent", "area")
    lookup_field = "folded_code"
    lookup_url_kwarg = "code"
    filterset_class = KpiFilterSet
    ordering_fields = ("order", "code")
    ordering = ("order", "code")

    def get_object(self):
        # The code in the address is read as the import and the report changes read one:
        # /kpis/BTS-TOTAL/ is bts_total.
        self.kwargs["code"] = fold_code(self.kwargs["code"])
        return super().get_object()


class KpiTargetViewSet(viewsets.ReadOnlyModelViewSet):
    """What each agreement commits to reach, KPI by KPI."""

    serializer_class = KpiTargetSerializer
    filterset_class = KpiTargetFilterSet
    ordering_fields = ("agreement", "kpi__order", "target_on")
    ordering = ("agreement", "kpi__order")

    def get_queryset(self):
        targets = KpiTarget.objects.select_related("kpi", "source")
        return targets.restrict(self.request.user, Action.VIEW)
