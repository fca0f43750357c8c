from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from partnerships.models import Agreement

from .filters import ProvinceFilterSet
from .models import Province

PAGE_SIZE = 50

# Alphabetical without diacritics (Đắk Lắk among the D), the current unit
# before the former one of the same name.
ORDERING = ("name_ascii", F("valid_until").asc(nulls_first=True), "pk")


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
        .prefetch_related(
            Prefetch("predecessors", queryset=Province.objects.order_by("name_ascii", "pk"))
        )
        .annotate(
            own_agreements=_agreement_count("counterparty__province"),
            merged_agreements=_agreement_count("counterparty__province__successor"),
        )
        .order_by(*ORDERING)
    )
    filterset = ProvinceFilterSet(request.GET, queryset=provinces)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "provinces/province_list.html", {"filter": filterset, "page": page})


@login_required
def province_detail(request, slug):
    province = get_object_or_404(Province.objects.select_related("successor"), slug=slug)
    agreements = (
        Agreement.objects.for_province(province)
        .with_related()
        .order_by("phase__start_year", F("signed_on").asc(nulls_last=True), "pk")
    )
    return render(
        request,
        "provinces/province_detail.html",
        {
            "province": province,
            "predecessors": province.predecessors.order_by("name_ascii", "pk"),
            "agreements": agreements,
        },
    )
