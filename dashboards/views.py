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


def _dashboard_response(request, name: str, build, stem: str, context=None):
    """A dashboard's page, or one of its tables as a download when `export` asks for it.

    `build(download=...)` gives the page's parts; a download may hold more than the
    page shows (every KPI and quarter of the series).

    Every reader of the same choices sees the same figures until the data
    changes, so the page's body (templates/dashboards/_<name>_body.html) is
    rendered once per state of the data and language, and shared; the page
    around it, which names the reader, is not. A download is built in
    Vietnamese, the portal's language of record, whatever language the page is
    read in: headers, KPI names and statuses alike.
    """
    fmt = request.GET.get("export")
    if fmt:
        with translation.override(exports.EXPORT_LANGUAGE):
            table = build(download=True)["tables"].get(request.GET.get("table", ""))
        if fmt not in exports.FORMATS or table is None:
            raise Http404(_("No such download."))
        return exports.export(table, fmt, stem)
    key = dashboards.cache_key(stem, request.GET, translation.get_language())
    body = cache.get(key)
    if body is None:
        page = build()
        page["export_query"] = _export_query(request)
        body = render_to_string(f"dashboards/_{name}_body.html", page, request=request)
        cache.set(key, body, dashboards.CACHE_SECONDS)
    return render(request, f"dashboards/{name}.html", {**(context or {}), "body": body})


def _export_query(request) -> str:
    """The page's choices, for its download links."""
    query = request.GET.copy()
    for key in ("export", "table"):
        query.pop(key, None)
    return query.urlencode()


@login_required
def home(request):
    """The national dashboard."""
    return _dashboard_response(
        request,
        "national",
        lambda download=False: dashboards.national(dashboards.national_filterset(request.GET)),
        "bang-tin-quoc-gia",
    )


@login_required
def province_dashboard(request, slug):
    province = get_object_or_404(Province.objects.select_related("successor"), slug=slug)
    return _dashboard_response(
        request,
        "province",
        lambda download=False: dashboards.province_dashboard(province, download),
        f"tinh-{province.slug}",
        {"province": province},
    )


@login_required
def agreement_dashboard(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.select_related("counterparty__province", "phase"), pk=pk
    )
    return _dashboard_response(
        request,
        "agreement",
        lambda download=False: dashboards.agreement_dashboard(agreement, download),
        f"thoa-thuan-{agreement.pk}",
        {"agreement": agreement},
    )


@login_required
def compare(request):
    """Each province's figures in two phases side by side."""
    return _dashboard_response(
        request,
        "compare",
        lambda download=False: dashboards.compare(dashboards.compare_filterset(request.GET)),
        "so-sanh-giai-doan",
    )
