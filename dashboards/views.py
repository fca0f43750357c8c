"""The dashboards' pages: national, province, agreement and phase comparison.

Every dashboard reads the computed progress tables (`services`), and
`?export=csv|xlsx&table=<key>` downloads one of its tables with the page's filters.
"""

import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from partnerships.models import Agreement
from provinces.access import is_admin
from provinces.models import Province

from . import exports, packs
from . import services as dashboards
from .models import PackBatch, PackBatchStatus


def _dashboard_response(request, page: dashboards.Page, context=None):
    """A dashboard's page, or one of its tables as a download when `export` asks for it.

    Every reader of the same choices sees the same figures until the data
    changes, so the page's body is rendered once per state of the data and
    language, and shared (`Page.body`); the page around it, which names the
    reader, is not. A download may hold more than the page shows (every KPI and
    quarter of the series); it is built in Vietnamese, the portal's language of
    record, whatever language the page is read in: headers, KPI names and
    statuses alike; and it too is built once per state of the data and shared
    (`exports.download`).
    """
    if request.GET.get("export"):
        # A refused choice is never a file of the default choices' figures.
        try:
            response = exports.download(page, request.GET)
        except exports.ChoicesRefused as refused:
            return exports.refusal(request, refused)
        if response is None:
            raise Http404(_("No such download."))
        return response
    return _around(request, f"dashboards/{page.name}.html", context or {}, page.body(request.GET))


def _around(request, template_name: str, context: dict, body: bytes) -> HttpResponse:
    """The page around a kept body, with the body's bytes put in as they were kept.

    Passed through the template as text, a merged province's 190 KB body was copied at
    each level of the page's blocks and encoded again: a millisecond of the twelve its
    read took. The page around it is rendered with a mark where the body goes, which
    nothing else on the page can hold: it is drawn afresh for each response.
    """
    mark = secrets.token_hex(16)
    around = render_to_string(template_name, {**context, "body": mark_safe(mark)}, request)
    before, _mark, after = around.partition(mark)
    return HttpResponse(b"".join((before.encode(), body, after.encode())))


@login_required
def home(request):
    """The national dashboard."""
    return _dashboard_response(request, dashboards.national_page(request.GET))


@login_required
def province_dashboard(request, slug):
    # Only its name is read around a kept body; rendering the body reads the rest.
    province = get_object_or_404(Province, slug=slug)
    return _dashboard_response(request, dashboards.province_page(province), {"province": province})


@login_required
def agreement_dashboard(request, pk):
    # Only its title is read around a kept body; rendering the body reads the rest.
    agreement = get_object_or_404(Agreement, pk=pk)
    return _dashboard_response(
        request, dashboards.agreement_page(agreement), {"agreement": agreement}
    )


@login_required
def compare(request):
    """Each province's figures in two phases side by side."""
    return _dashboard_response(request, dashboards.compare_page(request.GET))


def _pack_response(request, build, back: str):
    """A pack as a PDF in the language asked for, or a page saying which choice names none."""
    try:
        language = packs.language_of(request.GET.get("lang"))
        with translation.override(language):
            pack = build(request.GET.get("phase") or None)
            pdf = packs.render_pdf(pack)
            filename = pack.filename
    except packs.PackRefused as refusal:
        return render(
            request, "dashboards/pack/refused.html", {"message": refusal, "back": back}, status=404
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def national_pack(request):
    return _pack_response(
        request,
        lambda code: packs.national_pack(packs.phase_of(code, dashboards.latest_phase())),
        reverse("dashboards:home"),
    )


@login_required
def province_pack(request, slug):
    province = get_object_or_404(Province.objects.select_related("successor"), slug=slug)
    return _pack_response(
        request,
        lambda code: packs.province_pack(
            province, packs.phase_of(code, packs.default_phase(province)), request.user
        ),
        reverse("dashboards:province-dashboard", args=[slug]),
    )


@login_required
def agreement_pack(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.with_state().select_related("counterparty__province", "phase"), pk=pk
    )
    return _pack_response(
        request,
        lambda code: packs.agreement_pack(
            agreement, packs.phase_of(code, agreement.phase), request.user
        ),
        reverse("dashboards:agreement-dashboard", args=[pk]),
    )


@login_required
def pack_batch_archive(request, pk):
    """The archive of an administrator's packs of every province, once it is built."""
    if not is_admin(request.user):
        raise PermissionDenied
    batch = get_object_or_404(PackBatch, pk=pk, status=PackBatchStatus.DONE)
    if not batch.archive:
        raise Http404(_("This archive is not built yet."))
    return FileResponse(
        batch.archive.open("rb"), as_attachment=True, filename=batch.archive.name.split("/")[-1]
    )
