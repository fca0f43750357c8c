from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DailyRun, Notification, Preference, Status


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every notice: to whom, why, when sent, delivered or failed, and how often retried."""

    list_display = (
        "created_at",
        "recipient",
        "kind",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "read_at",
    )
    list_filter = ("status", "kind", "language", "created_at")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "email", "subject")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ("send_again",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (failed notices, at the next outbox run)"))
    def send_again(self, request, queryset):
        count = queryset.filter(status=Status.FAILED).update(
            status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notice will be sent again.",
                "%(count)d notices will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "language",
        "deadlines",
        "returned",
        "approved",
        "review_digest",
        "monthly_summary",
        "summary_province",
    )
    list_filter = ("language", "deadlines", "review_digest", "monthly_summary")
    list_select_related = ("user", "summary_province")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    raw_id_fields = ("summary_province",)


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):
    list_display = ("day", "finished_at", "notices")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
