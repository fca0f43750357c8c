from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.parsing import input_number, parse_quarter
from core.quarters import Quarter
from partnerships.models import Agreement
from provinces.access import is_admin

from . import history, schedule, services
from .checks import commitment_lines, field_key, figure_parts, kpi_lines, readings_of
from .evidence import attach_evidence, remove_evidence
from .forms import ReopenForm, ReportForm, ReviewForm
from .models import Evidence, QuarterlyReport, ReportStatus


@login_required
def report_list(request):
    return render(
        request,
        "reports/report_list.html",
        {
            "work": schedule.worklist(request.user),
            "no_province": schedule.no_province_notice(request.user),
            "review_queue": schedule.review_queue(request.user),
            "recent": QuarterlyReport.objects.restrict(request.user)
            .select_related("agreement__counterparty__province", "agreement__phase", "updated_by")
            .order_by("-updated_at")[:20],
        },
    )


# What a save that changed nothing says, on the form and to its autosave.
UNCHANGED = gettext_lazy("Nothing had changed since the last save; the report was not saved again.")


def _quarter_or_404(code: int) -> Quarter:
    """The quarter of an address; one no year of the portal holds (/reports/14/1/edit/,
    read as Q1 of year 0) names no report."""
    try:
        return parse_quarter(code)
    except ValidationError as exc:
        raise Http404 from exc


@login_required
def report_edit(request, agreement_pk: int, quarter: int):
    agreement = get_object_or_404(Agreement.objects.with_related(), pk=agreement_pk)
    try:
        report = services.find_report(request.user, agreement, _quarter_or_404(quarter))
    except services.ReportNotFound as exc:
        raise Http404 from exc
    except services.ReportOutsidePeriod as exc:
        messages.error(request, exc.message)
        return redirect("milestones:report-list")
    lines = kpi_lines(report)
    commitments = commitment_lines(report)
    context = {
        "report": report,
        "agreement": agreement,
        "warnings": {},
        "conflict": None,
        "reopened": history.reopened(report),
    }
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, lines=lines, commitments=commitments)
        if form.is_valid():
            outcome = _save_report_form(request, report, form, context)
            if outcome is not None:
                return outcome
        else:
            form.add_rule_errors(report, submitting="submit" in request.POST)
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


@require_POST
def report_autosave(request, agreement_pk: int, quarter: int):
    """Keep a draft while the user types: the same checks as Save draft, answered in JSON.

    Nothing is saved unless the draft saves as it would by hand: a value that cannot
    be read or breaks a rule, a warning that needs a reason, or another person's
    save since the form was opened all leave the report as it was and say why.
    An ended session is answered in JSON too, not with the login page, so the
    form can tell the user that, rather than blame the connection. It says so in
    its own words (data-session-message), which it needs anyway when a login page
    or a refused token answers instead: this answer gives only its code.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"saved": False, "code": "not_authenticated"}, status=401)
    agreement = get_object_or_404(Agreement.objects.with_related(), pk=agreement_pk)
    try:
        report = services.find_report(request.user, agreement, _quarter_or_404(quarter))
    except (services.ReportNotFound, services.ReportOutsidePeriod) as exc:
        raise Http404 from exc
    form = ReportForm(request.POST, lines=kpi_lines(report), commitments=commitment_lines(report))
    if not form.is_valid():
        return JsonResponse({"saved": False, "message": _autosave_refusal(form)}, status=400)
    draft = form.draft()
    try:
        report = services.save_draft(report, request.user, **draft, lines=form.lines)
    except services.ReportNotFound as exc:
        raise Http404 from exc
    except services.ReportConflict as exc:
        return JsonResponse({"saved": False, "message": exc.told_for("autosave")}, status=409)
    except services.ReportInvalid as exc:
        form.add_service_errors(exc.errors)
        return JsonResponse({"saved": False, "message": _autosave_refusal(form)}, status=400)
    except services.ReportError as exc:
        message = (
            _("Not saved automatically: some values look unusual; save the draft to give a reason.")
            if isinstance(exc, services.ReportNeedsConfirmation)
            else _("Not saved automatically: %(reason)s") % {"reason": exc.message}
        )
        return JsonResponse({"saved": False, "message": message}, status=400)
    # Typing a value back as it was is kept as surely as a saved change: "saved".
    return JsonResponse(
        {
            "saved": True,
            "version": report.version,
            "message": str(UNCHANGED)
            if services.changed_nothing(report, draft["version"])
            else _("Draft saved automatically at %(time)s.")
            % {"time": timezone.localtime(report.updated_at).strftime("%H:%M")},
        }
    )


def _autosave_refusal(form) -> str:
    """Why a draft was not kept while the user typed, naming the first field refused: the
    form marks the fields only once saved by hand, so "see the marked fields" would send
    the user looking for marks that are not there."""
    refused = form.error_summary()
    if not refused:
        return _("Not saved automatically: some values need correcting.")
    _input, label, errors = refused[0]
    return ngettext(
        "Not saved automatically, %(count)s field to correct: %(field)s: %(problem)s",
        "Not saved automatically, %(count)s fields to correct; the first: %(field)s: %(problem)s",
        len(refused),
    ) % {"count": len(refused), "field": label, "problem": errors[0]}


def _save_report_form(request, report, form, context):
    """Run the save (and the submission, if asked); errors go back onto the form."""
    data = form.cleaned_data
    attach = None
    if data.get("evidence"):

        def attach(saved):
            attach_evidence(saved, request.user, data["evidence"], data["evidence_description"])

    try:
        if "submit" in request.POST:
            report = services.save_and_submit(
                report, request.user, **form.draft(), lines=form.lines, attach=attach
            )
            messages.success(request, _("The report was submitted for review."))
            return redirect(report.get_absolute_url())
        draft = form.draft()
        report = services.save_draft(report, request.user, **draft, lines=form.lines)
        if attach is not None:
            attach(report)
        if attach is None and services.changed_nothing(report, draft["version"]):
            messages.info(request, UNCHANGED)
        else:
            messages.success(request, _("The draft was saved."))
        return redirect("milestones:report-edit", report.agreement_id, report.quarter)
    except services.ReportInvalid as exc:
        form.add_service_errors(exc.errors)
        messages.error(request, exc.message)
    except services.ReportNeedsConfirmation as exc:
        context["warnings"] = exc.warnings
        messages.warning(request, exc.message)
    except services.ReportConflict as exc:
        theirs = readings_of(exc.report)
        # The user has now seen the other values; saving again is a deliberate choice.
        form.data = form.data.copy()
        form.data["version"] = exc.report.version
        context["conflict"] = {
            "by_self": exc.by_self,
            "saved_by": exc.saved_by,
            "saved_at": exc.saved_at,
            "theirs": theirs,
            "kept": _keep_theirs_where_left_empty(form, theirs),
        }
        messages.error(request, exc.message)
    except services.ReportLocked as exc:
        messages.error(request, exc.message)
    context["report"] = report
    return None


def _keep_theirs_where_left_empty(form, theirs: dict) -> list[str]:
    """Put the other save's values into the rows this page left empty, and name those KPIs.

    Saving again takes the page as it stands: a row left empty would erase a value the
    user never touched, only because their page was opened before it was saved. A row
    with anything typed in it stays as typed, so that no figure mixes the two saves.
    """
    kept = []
    for line in form.lines:
        reading = theirs.get(line.kpi.pk)
        keys = {
            part: field_key(line.kpi, part)
            for part in (*figure_parts(line.kpi), "measured_on", "note")
        }
        if reading is None or any(str(form.data.get(key, "")).strip() for key in keys.values()):
            continue
        for part, key in keys.items():
            saved = getattr(reading, part)
            if part == "measured_on":
                # Shown as the page shows a date it was opened with, day first.
                saved = form.fields[key].widget.format_value(saved) or ""
            elif part != "note":
                saved = input_number(saved) or ""
            form.data[key] = saved
        kept.append(line.kpi.name)
    return kept


def _visible_report(request, pk):
    return get_object_or_404(QuarterlyReport.objects.restrict(request.user), pk=pk)


@login_required
def report_detail(request, pk: int):
    report = _visible_report(request, pk)
    return _render_detail(request, report, _refused_form(request, report))


# A refused review or reopen, kept for the report's page it is sent back to.
REFUSED_FORM_KEY = "refused_report_form"
REFUSED_FORMS = {"review": ReviewForm, "reopen": ReopenForm}


def _refused(request, report, form, errors=None):
    """Back to the report's page, showing `form` with what was typed and why it was refused.

    Redirected rather than shown at the decision's address, so that reloading the page
    sends nothing again. The form's own checks run again on the page; `errors`, the
    service's refusal, cannot, and is kept with the text.
    """
    request.session[REFUSED_FORM_KEY] = {
        "report": report.pk,
        "form": "reopen" if isinstance(form, ReopenForm) else "review",
        "data": {name: form.data.get(name, "") for name in form.fields},
        "errors": {key: [str(text) for text in texts] for key, texts in (errors or {}).items()},
    }
    return redirect(report.get_absolute_url())


def _refused_form(request, report):
    refused = request.session.get(REFUSED_FORM_KEY)
    if not refused or refused["report"] != report.pk:
        return None
    del request.session[REFUSED_FORM_KEY]
    form = REFUSED_FORMS[refused["form"]](refused["data"])
    form.is_valid()
    for key, errors in refused["errors"].items():
        for message in errors:
            form.add_error(key if key in form.fields else None, message)
    return form


def _render_detail(request, report, form=None):
    """The report's page; `form`, a refused review or reopen form, shows with what was typed."""
    user = request.user
    can_review = report.status == ReportStatus.SUBMITTED and services.can_review(user, report)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "lines": kpi_lines(report),
            "commitments": commitment_lines(report),
            "evidence": report.evidence.filter(is_removed=False).select_related("uploaded_by"),
            "history": history.report_history(report),
            "reopened": history.reopened(report),
            "can_edit": report.status in services.EDITABLE_STATUSES
            and services.can_edit(user, report.agreement),
            "can_review": can_review,
            "approval_refusal": services.approval_refusal(user, report) if can_review else "",
            "can_reopen": report.status == ReportStatus.APPROVED and is_admin(user),
            "review_form": form
            if isinstance(form, ReviewForm)
            else ReviewForm(initial={"version": report.version}),
            "reopen_form": form if isinstance(form, ReopenForm) else ReopenForm(),
            "locked_message": services.locked_message(report)
            if report.status == ReportStatus.APPROVED
            else "",
        },
    )


def _run_action(request, report, action, success, form=None):
    """Run a service; a refusal of what `form` holds shows it again with the text kept."""
    try:
        action()
        messages.success(request, success)
    except services.ReportNotFound as exc:
        raise Http404 from exc
    except services.ReportOwnSubmission as exc:
        messages.error(request, exc.message)
    except services.ReportForbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except services.ReportInvalid as exc:
        if form is not None:
            return _refused(request, report, form, exc.errors)
        for errors in exc.errors.values():
            for message in errors:
                messages.error(request, message)
    except services.ReportError as exc:
        messages.error(request, exc.message)
    return redirect(report.get_absolute_url())


def _interrupted(request, report, message):
    """A decision's address opened rather than posted: the login page sends a form
    interrupted by signing in back with a GET, without what was typed. Nothing is
    done; the report's page says so, and the decision is made again there."""
    messages.warning(request, message)
    return redirect(report.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def report_review(request, pk: int, decision: str):
    report = _visible_report(request, pk)
    if request.method != "POST":
        return _interrupted(
            request,
            report,
            _(
                "Nothing was approved: the decision was interrupted (by signing in, for "
                "example) and any comment given with it was not kept. Check the report and "
                "press Approve again."
            )
            if decision == "approve"
            else _(
                "Nothing was returned: the decision was interrupted (by signing in, for "
                "example) and the comment given with it was not kept. Check the report, "
                "write the comment again and press Return for changes."
            ),
        )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, report, form)
    version, comment = form.cleaned_data["version"], form.cleaned_data["comment"]
    if decision == "approve":
        return _run_action(
            request,
            report,
            lambda: services.approve_report(report, request.user, version, comment),
            _("The report was approved and its quarter is now locked."),
            form,
        )
    return _run_action(
        request,
        report,
        lambda: services.return_report(report, request.user, version, comment),
        _("The report was returned to its authors."),
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_reopen(request, pk: int):
    report = _visible_report(request, pk)
    if request.method != "POST":
        return _interrupted(
            request,
            report,
            _(
                "Nothing was reopened: the request was interrupted (by signing in, for "
                "example) and the reason given with it was not kept. Check the report, "
                "give the reason again and press Reopen."
            ),
        )
    form = ReopenForm(request.POST)
    if not form.is_valid() and is_admin(request.user):
        return _refused(request, report, form)
    # Anyone else is refused by the service, whatever they typed.
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run_action(
        request,
        report,
        lambda: services.reopen_report(report, request.user, reason),
        _("The quarter was reopened."),
        form,
    )


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.filter(
            is_removed=False, report__in=QuarterlyReport.objects.restrict(request.user)
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
            is_removed=False, report__in=QuarterlyReport.objects.restrict(request.user)
        ),
        pk=pk,
    )
    return _run_action(
        request,
        evidence.report,
        lambda: remove_evidence(evidence, request.user),
        _("The file was removed from the report; it is kept in the history."),
    )
