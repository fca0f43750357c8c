from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships.models import Agreement, Phase
from provinces.models import Province

from . import dashboards, exports, services
from . import filters as dashboard_filters
from .forms import ReopenForm, ReportForm, ReviewForm
from .models import Evidence, Kpi, ProvinceProgress, ReportStatus
from .quarters import Quarter

# Dashboards -----------------------------------------------------------------------
#
# Every dashboard reads the computed progress tables (milestones.dashboards), and
# `?export=csv|xlsx&table=<key>` downloads one of its tables with the page's filters.


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

    phase = dashboards.latest_phase()
    data = dashboard_filters.with_defaults(
        request.GET,
        {"phase": phase.code if phase else None, "units": dashboard_filters.MapUnits.CURRENT},
    )
    filterset = dashboard_filters.DashboardFilterSet(data)
    form_data = filterset.form.cleaned_data if filterset.is_valid() else {}

    def build():
        return {**dashboards.national(form_data), "filter": filterset}

    if exporting:
        return _dashboard_response(request, "", build, "bang-tin-quoc-gia")
    page = build()
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
    first = Phase.objects.order_by("start_year").first()
    # The phase running now, or the last with figures: a phase not yet begun has none.
    second = dashboards.latest_phase()
    kpi = Kpi.objects.filter(is_headline=True).order_by("order", "code").first()
    data = dashboard_filters.with_defaults(
        request.GET,
        {
            "first": first.code if first else None,
            "second": second.code if second else None,
            "kpi": kpi.code if kpi else None,
            "units": dashboard_filters.MapUnits.CURRENT,
        },
    )
    filterset = dashboard_filters.CompareFilterSet(data, queryset=ProvinceProgress.objects.all())
    valid = filterset.is_valid()

    def build():
        if valid:
            page = dashboards.compare(filterset.form.cleaned_data, filterset.qs)
        else:
            page = dashboards.compare({}, ProvinceProgress.objects.none())
        return {**page, "filter": filterset}

    return _dashboard_response(request, "dashboards/compare.html", build, "so-sanh-giai-doan")


@login_required
def report_list(request):
    return render(
        request,
        "reports/report_list.html",
        {
            "work": services.worklist(request.user),
            "review_queue": services.review_queue(request.user),
            "recent": services.reports_visible_to(request.user).order_by("-updated_at")[:20],
        },
    )


def _quarter_or_404(code: int) -> Quarter:
    try:
        return Quarter.from_code(code)
    except ValueError as exc:
        raise Http404 from exc


@login_required
def report_edit(request, agreement_pk: int, quarter: int):
    agreement = get_object_or_404(Agreement.objects.with_related(), pk=agreement_pk)
    try:
        report = services.find_report(request.user, agreement, _quarter_or_404(quarter))
    except services.ReportNotFound as exc:
        raise Http404 from exc
    lines = services.kpi_lines(report)
    commitments = services.commitment_lines(report)
    context = {"report": report, "agreement": agreement, "warnings": {}, "conflict": None}
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, lines=lines, commitments=commitments)
        if form.is_valid():
            outcome = _save_report_form(request, report, form, context)
            if outcome is not None:
                return outcome
        else:
            messages.error(request, _("Some values need correcting; see the marked fields."))
    else:
        if report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
            return redirect(report.get_absolute_url())
        form = ReportForm(
            initial=ReportForm.initial_for(report, lines, commitments),
            lines=lines,
            commitments=commitments,
        )
    context.update(
        form=form,
        kpi_rows=form.kpi_rows(context["warnings"]),
        commitment_rows=form.commitment_rows(),
    )
    return render(request, "reports/report_form.html", context)


def _save_report_form(request, report, form, context):
    """Run the save (and the submission, if asked); errors go back onto the form."""
    data = form.cleaned_data
    try:
        report = services.save_draft(
            report,
            request.user,
            version=data["version"],
            readings=form.readings(),
            commitments=form.commitment_readings(),
            narrative=data["narrative"],
            warning_reason=data["warning_reason"],
        )
        if data.get("evidence"):
            services.attach_evidence(
                report, request.user, data["evidence"], data["evidence_description"]
            )
        if "submit" in request.POST:
            services.submit_report(report, request.user, report.version)
            messages.success(request, _("The report was submitted for review."))
            return redirect(report.get_absolute_url())
        messages.success(request, _("The draft was saved."))
        return redirect("milestones:report-edit", report.agreement_id, report.quarter)
    except services.ReportInvalid as exc:
        form.add_service_errors(exc.errors)
        messages.error(request, exc.message)
    except services.ReportNeedsConfirmation as exc:
        context["warnings"] = exc.warnings
        messages.warning(request, exc.message)
    except services.ReportConflict as exc:
        context["conflict"] = {
            "saved_by": exc.saved_by,
            "saved_at": exc.saved_at,
            "theirs": services.readings_of(exc.report),
        }
        # The user has now seen the other values; saving again is a deliberate choice.
        form.data = form.data.copy()
        form.data["version"] = exc.report.version
        messages.error(request, exc.message)
    except services.ReportLocked as exc:
        messages.error(request, exc.message)
    context["report"] = report
    return None


def _visible_report(request, pk):
    return get_object_or_404(services.reports_visible_to(request.user), pk=pk)


@login_required
def report_detail(request, pk: int):
    report = _visible_report(request, pk)
    user = request.user
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "lines": services.kpi_lines(report),
            "commitments": services.commitment_lines(report),
            "evidence": report.evidence.filter(is_removed=False).select_related("uploaded_by"),
            "history": services.report_history(report),
            "can_edit": report.status in services.EDITABLE_STATUSES
            and services.can_edit(user, report.agreement),
            "can_review": report.status == ReportStatus.SUBMITTED
            and services.can_review(user, report),
            "can_reopen": report.status == ReportStatus.APPROVED and services.is_admin(user),
            "review_form": ReviewForm(initial={"version": report.version}),
            "reopen_form": ReopenForm(),
            "locked_message": services.locked_message(report)
            if report.status == ReportStatus.APPROVED
            else "",
        },
    )


def _run_action(request, report, action, success):
    try:
        action()
        messages.success(request, success)
    except services.ReportNotFound as exc:
        raise Http404 from exc
    except services.ReportForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except services.ReportInvalid as exc:
        for errors in exc.errors.values():
            for message in errors:
                messages.error(request, message)
    except services.ReportError as exc:
        messages.error(request, exc.message)
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_review(request, pk: int, decision: str):
    report = _visible_report(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The review form was incomplete; please try again."))
        return redirect(report.get_absolute_url())
    version, comment = form.cleaned_data["version"], form.cleaned_data["comment"]
    if decision == "approve":
        return _run_action(
            request,
            report,
            lambda: services.approve_report(report, request.user, version, comment),
            _("The report was approved and its quarter is now locked."),
        )
    return _run_action(
        request,
        report,
        lambda: services.return_report(report, request.user, version, comment),
        _("The report was returned to its authors."),
    )


@login_required
@require_POST
def report_reopen(request, pk: int):
    report = _visible_report(request, pk)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run_action(
        request,
        report,
        lambda: services.reopen_report(report, request.user, reason),
        _("The quarter was reopened."),
    )


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.filter(
            is_removed=False, report__in=services.reports_visible_to(request.user)
        ),
        pk=pk,
    )
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


@login_required
@require_POST
def evidence_remove(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.filter(
            is_removed=False, report__in=services.reports_visible_to(request.user)
        ),
        pk=pk,
    )
    return _run_action(
        request,
        evidence.report,
        lambda: services.remove_evidence(evidence, request.user),
        _("The file was removed from the report; it is kept in the history."),
    )
