from django.db.models import Prefetch
from rest_framework import viewsets

from provinces.services import Action, restrict

from ..filters import AgreementFilterSet
from ..models import Agreement, Commitment, Organisation, Signatory
from .serializers import AgreementSerializer, OrganisationSerializer


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Partner organisations: People's Committees, central agencies and VNPT."""

    serializer_class = OrganisationSerializer
    filterset_fields = ("kind", "province")
    ordering_fields = ("name", "kind")
    ordering = ("name",)

    def get_queryset(self):
        organisations = Organisation.objects.select_related("province")
        return restrict(organisations, self.request.user, Action.VIEW, "province")


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Agreements with their signatories and commitments, filtered as on the agreement pages."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ("signed_on", "period_start", "title", "id")
    ordering = ("-period_start", "counterparty__name")

    def get_queryset(self):
        agreements = (
            Agreement.objects.with_related()
            .select_related("counterparty__province__successor")
            .prefetch_related(
                "sources",
                Prefetch(
                    "signatories",
                    Signatory.objects.select_related("person", "source"),
                ),
                Prefetch(
                    "commitments",
                    Commitment.objects.select_related("area", "source"),
                ),
            )
        )
        return restrict(agreements, self.request.user, Action.VIEW, "counterparty__province")
