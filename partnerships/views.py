from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from partnerships.models import KpiTarget, Milestone

from .filters import AgreementFilterSet
from .models import Agreement, Commitment, Signatory

PAGE_SIZE = 25


@login_required
def agreement_list(request):
    agreements = Agreement.objects.with_related().order_by(
        "-period_start", "counterparty__name", "pk"
    )
    filterset = AgreementFilterSet(request.GET, queryset=agreements)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partnerships/agreement_list.html", {"filter": filterset, "page": page})


@login_required
def agreement_detail(request, pk):
    agreements = Agreement.objects.with_related().prefetch_related(
        Prefetch("signatories", queryset=Signatory.objects.select_related("person", "source")),
        # Grouped by area on the page, so sorted by area first.
        Prefetch(
            "commitments",
            queryset=Commitment.objects.select_related("area", "source").order_by(
                "area__order", "area__code", "order", "pk"
            ),
        ),
        Prefetch("targets", queryset=KpiTarget.objects.select_related("kpi", "source")),
        Prefetch("milestones", queryset=Milestone.objects.select_related("area", "source")),
        Prefetch("successors", queryset=Agreement.objects.select_related("counterparty")),
        "sources",
    )
    agreement = get_object_or_404(agreements, pk=pk)
    return render(request, "partnerships/agreement_detail.html", {"agreement": agreement})
