"""The dashboards' pages: national, province, agreement and phase comparison.

Every dashboard reads the computed progress tables (`services`), and
`?export=csv|xlsx&table=<key>` downloads one of its tables with the page's filters.
"""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from partnerships.models import Agreement
from provinces.models import Province

from . import exports
from . import services as dashboards


def _dashboard_response(request, template: str, build, stem: str):
    """Render a dashboard, or download one of its tables when `export` asks for it.

    A download is built in Vietnamese, the portal's language of record, whatever
    language the page is read in: headers, KPI names and statuses alike.
    """
    fmt = request.GET.get("export")
    if fmt:
        with translation.override(exports.EXPORT_LANGUAGE):
            table = build()["tables"].get(request.GET.get("table", ""))
        if fmt not in exports.FORMATS or table is None:
            raise Http404(_("No such download."))
        return exports.export(table, fmt, stem)
    page = build()
    page["export_query"] = _export_query(request)
    return render(request, template, page)


def _export_query(request) -> str:
    """The page's choices, for its download links."""
    query = request.GET.copy()
    for key in ("export", "table"):
        query.pop(key, None)
    return query.urlencode()


@login_required
def home(request):
    """The national dashboard."""
    exporting = bool(request.GET.get("export"))
    # Every reader of the same choices sees the same figures until the next
    # recompute, so the page's body is rendered once per state of the figures.
    key = dashboards.cache_key("national", request.GET, translation.get_language())
    body = None if exporting else cache.get(key)
    if body is not None:
        return render(request, "dashboards/national.html", {"body": body})

    filterset = dashboards.national_filterset(request.GET)
    if exporting:
        return _dashboard_response(
            request, "", lambda: dashboards.national(filterset), "bang-tin-quoc-gia"
        )
    page = dashboards.national(filterset)
    page["export_query"] = _export_query(request)
    body = render_to_string("dashboards/_national_body.html", page, request=request)
    cache.set(key, body, dashboards.CACHE_SECONDS)
    return render(request, "dashboards/national.html", {"body": body})


@login_required
def province_dashboard(request, slug):
    province = get_object_or_404(Province.objects.select_related("successor"), slug=slug)
    return _dashboard_response(
        request,
        "dashboards/province.html",
        lambda: dashboards.province_dashboard(province),
        f"tinh-{province.slug}",
    )


@login_required
def agreement_dashboard(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.select_related("counterparty__province", "phase"), pk=pk
    )
    return _dashboard_response(
        request,
        "dashboards/agreement.html",
        lambda: dashboards.agreement_dashboard(agreement),
        f"thoa-thuan-{agreement.pk}",
    )


@login_required
def compare(request):
    """Each province's figures in two phases side by side."""
    filterset = dashboards.compare_filterset(request.GET)
    return _dashboard_response(
        request,
        "dashboards/compare.html",
        lambda: dashboards.compare(filterset),
        "so-sanh-giai-doan",
    )
