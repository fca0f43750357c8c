"""Bulk import pages: download a template, upload it, preview every change, confirm or cancel.

The uploaded file is read once, when it arrives; the rows read from it are kept on
the server between the preview and the confirmation (never re-posted by the
browser), with the report versions the preview showed, so a report changed
meanwhile is refused rather than overwritten.
"""

import datetime
import logging
import os
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.formatting import number
from core.parsing import parse_quarter, quarter_label
from core.quarters import Quarter, last_completed
from provinces.access import Action, province_scope

from . import imports, schedule
from .evidence import too_large_message

SESSION_KEY = "pending_imports"
# The last imports confirmed in this session: a second click on Save is told they were saved.
CONFIRMED_KEY = "confirmed_imports"
KEEP_CONFIRMED = 10
UPLOAD_DIR = "imports"
KEEP_UPLOADS = datetime.timedelta(days=1)
CONTENT_TYPES = {
    imports.CSV: "text/csv; charset=utf-8",
    imports.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

logger = logging.getLogger(__name__)


def _owed_quarters(user) -> set[Quarter]:
    """Every quarter the user's agreements report on."""
    return {
        quarter
        for agreement in schedule.reportable_agreements(user)
        for quarter in schedule.reportable_quarters(agreement)
    }


def _quarter_choices(user):
    """Every quarter the user's agreements report on, the latest first.

    With none, the last quarter ended: the form still offers a choice, and the
    template refused for it says why.
    """
    quarters = _owed_quarters(user) or {last_completed()}
    return [(quarter_label(q.code), str(q)) for q in sorted(quarters, reverse=True)]


class TemplateForm(forms.Form):
    quarter = forms.ChoiceField(label=gettext_lazy("Quarter"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
        initial="xlsx",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _quarter_choices(user)
        self.fields["quarter"].choices = choices
        self.fields["quarter"].initial = choices[0][0]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template"),
        help_text=gettext_lazy("A CSV or XLSX file with the template's columns."),
    )

    def clean_file(self):
        """Keep the rows of a filled-in template; any other file is refused, saying why."""
        upload = self.cleaned_data["file"]
        try:
            # The kind first: a large file of another kind is told what to upload instead.
            imports.file_format(upload.name)
            if upload.size > settings.IMPORT_MAX_BYTES:
                raise forms.ValidationError(
                    too_large_message(upload.size, settings.IMPORT_MAX_BYTES)
                )
            # Read here, once: the rows are what the preview and the confirmation use.
            self.rows = imports.read_rows(upload.read(), upload.name)
        except imports.ImportFileError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


def _require_reporter(user):
    """Only people who enter figures import them; an empty scope sees a 403 saying why."""
    scope = province_scope(user, Action.EDIT)
    if scope is not None and not scope:
        raise PermissionDenied(
            schedule.no_province_notice(user)
            or _("Only staff who enter progress can import figures.")
        )


def _pending(request, token: str) -> dict:
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None or not default_storage.exists(pending["path"]):
        raise Http404
    return pending


def _forget(request, token: str):
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry and default_storage.exists(entry["path"]):
        default_storage.delete(entry["path"])


def _sweep_abandoned_uploads():
    """Previews nobody confirmed or cancelled are removed after a day."""
    if not default_storage.exists(UPLOAD_DIR):
        return
    cutoff = timezone.now() - KEEP_UPLOADS
    for name in default_storage.listdir(UPLOAD_DIR)[1]:
        path = f"{UPLOAD_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except OSError:
            logger.warning("Could not remove the abandoned import %s", path)


@login_required
def import_start(request):
    _require_reporter(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            _sweep_abandoned_uploads()
            token = uuid.uuid4().hex
            path = default_storage.save(
                f"{UPLOAD_DIR}/{token}.json",
                ContentFile(imports.dump_rows(form.rows)),
            )
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = {"path": path, "name": os.path.basename(upload.name)[:200]}
            request.session[SESSION_KEY] = pending
            return redirect("milestones:import-preview", token)
    else:
        form = UploadForm()
    return render(
        request,
        "imports/import_start.html",
        {
            "form": form,
            "template_form": TemplateForm(user=request.user),
        },
    )


@login_required
def import_template(request):
    _require_reporter(request.user)
    try:
        asked = parse_quarter(request.GET.get("quarter", ""))
    except ValidationError:
        asked = None
    if asked is not None and asked not in _owed_quarters(request.user):
        # Chosen well, but there is nothing to fill in: an empty template, or "choose a
        # quarter" after one was chosen, would leave the user guessing.
        messages.error(
            request,
            _(
                "Your provinces have no agreement that owes a report for %(quarter)s, so "
                "there is no template for it."
            )
            % {"quarter": asked},
        )
        return redirect("milestones:import")
    form = TemplateForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a quarter and a format for the template."))
        return redirect("milestones:import")
    quarter = Quarter.parse(form.cleaned_data["quarter"])
    extension = f".{form.cleaned_data['format']}"
    content = imports.render_template(imports.template_rows(request.user, quarter), extension)
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    filename = f"vnpt-figures-{quarter_label(quarter.code)}{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _plan(request, pending):
    with default_storage.open(pending["path"], "rb") as stored:
        try:
            rows = imports.load_rows(stored.read())
        except ValueError as exc:
            # An upload kept by an earlier version of the portal, as the raw file.
            raise imports.ImportFileError(
                _("The upload has expired; upload the file again.")
            ) from exc
    return imports.plan_import(rows, request.user)


@login_required
def import_preview(request, token: str):
    _require_reporter(request.user)
    pending = _pending(request, token)
    try:
        plan = _plan(request, pending)
    except imports.ImportFileError as exc:
        _forget(request, token)
        messages.error(request, exc.message)
        return redirect("milestones:import")
    # What this page shows is what a confirmation will save, or refuse if it changed since.
    pending["versions"] = plan.versions
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: pending}
    return render(
        request,
        "imports/import_preview.html",
        {"plan": plan, "token": token, "name": pending["name"]},
    )


def _confirmed_by_another_request(request, token: str) -> bool:
    """Whether a request of the same session, running alongside, confirmed the import.

    This request read the session when it began; the other's note is only in the store.
    """
    stored = request.session.__class__(request.session.session_key)
    confirmed = stored.get(CONFIRMED_KEY, [])
    if token not in confirmed:
        return False
    # Saved as it stands in the store, so this request's older copy loses nothing of it.
    request.session[CONFIRMED_KEY] = confirmed
    return True


def _already_saved(request, token: str):
    _forget(request, token)
    messages.info(
        request,
        _("These values were already saved in the draft reports; nothing was saved twice."),
    )
    return redirect("milestones:report-list")


def _confirmation_interrupted(request, token: str):
    """The confirmation's address opened rather than posted: the login page sends a
    confirmation interrupted by signing in back with a GET. Nothing is imported; the
    preview, while it is kept, is where the user confirms again."""
    try:
        _pending(request, token)
    except Http404:
        messages.warning(
            request,
            _(
                "Nothing was imported: the confirmation was interrupted (by signing in, for "
                "example) and the uploaded file is no longer kept. Upload it again."
            ),
        )
        return redirect("milestones:import")
    messages.warning(
        request,
        _(
            "Nothing was imported yet: the confirmation was interrupted (by signing in, for "
            "example). Check the values and press Save these values as drafts again."
        ),
    )
    return redirect("milestones:import-preview", token)


@login_required
@require_http_methods(["GET", "POST"])
def import_confirm(request, token: str):
    _require_reporter(request.user)
    if token in request.session.get(CONFIRMED_KEY, []):
        return _already_saved(request, token)
    if request.method != "POST":
        return _confirmation_interrupted(request, token)
    try:
        pending = _pending(request, token)
    except Http404:
        if _confirmed_by_another_request(request, token):
            return _already_saved(request, token)
        raise
    if "versions" not in pending:
        return redirect("milestones:import-preview", token)
    try:
        with transaction.atomic():
            plan = _plan(request, pending)
            saved = imports.apply_import(plan, request.user, versions=pending["versions"])
            # Stored with the values, so a confirm racing this one (a double click)
            # finds it once its own save is refused.
            request.session[CONFIRMED_KEY] = [
                *request.session.get(CONFIRMED_KEY, [])[-(KEEP_CONFIRMED - 1) :],
                token,
            ]
            request.session.save()
    except (imports.ImportFileError, imports.ImportRefused, FileNotFoundError) as exc:
        if _confirmed_by_another_request(request, token):
            return _already_saved(request, token)
        if isinstance(exc, FileNotFoundError):
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("milestones:import-preview", token)
    _forget(request, token)
    values = ngettext(
        "%(count)s value was saved.", "%(count)s values were saved.", len(plan.changes)
    ) % {"count": number(len(plan.changes))}
    reports = ngettext(
        "%(count)s draft report changed; submit it when ready.",
        "%(count)s draft reports changed; submit them when ready.",
        saved,
    ) % {"count": number(saved)}
    messages.success(request, f"{values} {reports}")
    return redirect("milestones:report-list")


@login_required
@require_POST
def import_cancel(request, token: str):
    _forget(request, token)
    messages.info(request, _("The import was cancelled; nothing was saved."))
    return redirect("milestones:import")
