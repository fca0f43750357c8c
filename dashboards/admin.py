"""The administrators' request for the packs of every province of a phase, and its progress."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provinces.access import is_admin

from . import tasks
from .models import PackBatch, PackBatchStatus


class PackBatchForm(forms.ModelForm):
    class Meta:
        model = PackBatch
        fields = ("phase", "language")


@admin.register(PackBatch)
class PackBatchAdmin(admin.ModelAdmin):
    form = PackBatchForm
    list_display = (
        "requested_at",
        "phase",
        "language",
        "status",
        "progress",
        "failed",
        "download",
    )
    list_filter = ("status", "phase")
    readonly_fields = (
        "phase",
        "language",
        "requested_by",
        "requested_at",
        "status",
        "progress",
        "failure_list",
        "error",
        "attempt",
        "finished_at",
        "download",
    )
    actions = ("build_again",)

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ("phase", "language")

    def save_model(self, request, obj, form, change):
        # Through the service, which queues the job once the request is saved.
        batch = tasks.request_batch(obj.phase, obj.language, request.user)
        obj.pk = batch.pk
        messages.info(
            request,
            _("The packs are being built in the background; this list shows their progress."),
        )

    @admin.display(description=gettext_lazy("Progress"))
    def progress(self, batch):
        if not batch.total:
            return "–"
        return _("%(built)s of %(total)s provinces") % {"built": batch.built, "total": batch.total}

    @admin.display(description=gettext_lazy("Provinces that failed"))
    def failed(self, batch):
        return len(batch.failures)

    @admin.display(description=gettext_lazy("Provinces that failed, and why"))
    def failure_list(self, batch):
        if not batch.failures:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}: {}</li>", ((f["province"], f["error"]) for f in batch.failures)
            ),
        )

    @admin.display(description=gettext_lazy("Archive"))
    def download(self, batch):
        if batch.status != PackBatchStatus.DONE or not batch.archive:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("dashboards:pack-batch-archive", args=[batch.pk]),
            _("Download the archive"),
        )

    @admin.action(description=gettext_lazy("Build the selected packs again"))
    def build_again(self, request, queryset):
        for batch in queryset:
            tasks.retry_batch(batch)
        self.message_user(request, _("The packs are being built again."))
