from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from partnerships.models import KpiTarget, Milestone
from provinces.filters import ProvinceFilterSet
from provinces.models import Province

from .filters import AgreementFilterSet
from .models import Agreement, Commitment, Participant

PAGE_SIZE = 25


@login_required
def agreement_list(request):
    agreements = (
        Agreement.objects.with_related()
        .with_state()
        .order_by("-period_start", "counterparty__sort_key", "pk")
    )
    filterset = AgreementFilterSet(request.GET, queryset=agreements)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partnerships/agreement_list.html", {"filter": filterset, "page": page})


@login_required
def agreement_detail(request, pk):
    agreements = Agreement.objects.with_related().prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.in_order().select_related("person", "source"),
        ),
        # Grouped by area on the page, so sorted by area first.
        Prefetch(
            "commitments",
            queryset=Commitment.objects.select_related("area", "source").order_by(
                "area__order", "area__code", "order", "pk"
            ),
        ),
        Prefetch(
            "targets",
            queryset=KpiTarget.objects.select_related("kpi", "source", "baseline_source"),
        ),
        Prefetch("milestones", queryset=Milestone.objects.select_related("area", "source")),
        Prefetch("successors", queryset=Agreement.objects.select_related("counterparty")),
        "sources",
    )
    agreement = get_object_or_404(agreements, pk=pk)
    return render(request, "partnerships/agreement_detail.html", {"agreement": agreement})


# The province pages list each province's agreements, so they live with the agreements.

PROVINCE_PAGE_SIZE = 50


def _agreement_count(province_path: str):
    """Agreements signed by the counterparties of the province at `province_path`."""
    agreements = (
        Agreement.objects.filter(**{province_path: OuterRef("pk")})
        .order_by()
        .values(province_path)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(agreements), 0)


@login_required
def province_list(request):
    # The 2025 merger was one step deep, so a current province's agreements
    # are its own and those of the units merged directly into it.
    provinces = (
        Province.objects.select_related("successor")
        .prefetch_related(Prefetch("predecessors", queryset=Province.objects.alphabetical()))
        .annotate(
            own_agreements=_agreement_count("counterparty__province"),
            merged_agreements=_agreement_count("counterparty__province__successor"),
        )
        .alphabetical()
    )
    filterset = ProvinceFilterSet(request.GET, queryset=provinces)
    page = Paginator(filterset.qs, PROVINCE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "provinces/province_list.html", {"filter": filterset, "page": page})


@login_required
def province_detail(request, slug):
    province = get_object_or_404(Province.objects.select_related("successor"), slug=slug)
    agreements = (
        Agreement.objects.for_province(province)
        .with_related()
        .with_state()
        .order_by("phase__start_year", F("signed_on").asc(nulls_last=True), "pk")
    )
    return render(
        request,
        "provinces/province_detail.html",
        {
            "province": province,
            "predecessors": province.predecessors.alphabetical(),
            "agreements": agreements,
        },
    )
