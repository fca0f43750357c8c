from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from core.accounts import LoginForm, LogoutView
from progress.views import healthz

admin.site.site_header = _("VNPT cooperation portal: administration")
admin.site.site_title = _("VNPT cooperation portal")
admin.site.index_title = _("Provinces, agreements and KPIs")

# Admin pages of the models that moved out of the milestones app; bookmarks still work.
MOVED_ADMIN_PAGES = {
    "kpi": "partnerships",
    "kpitarget": "partnerships",
    "milestone": "partnerships",
    "agreementprogress": "progress",
    "provinceprogress": "progress",
    "nationalprogress": "progress",
    "reportingcompleteness": "progress",
    "recomputerun": "progress",
    "pendingrecompute": "progress",
}


# Admin pages of renamed models: a signatory became a participant (signers and attendees).
RENAMED_ADMIN_PAGES = {"partnerships/signatory": "partnerships/participant"}


def renamed_admin_page(request, old, rest=""):
    query = request.META.get("QUERY_STRING", "")
    target = f"/admin/{RENAMED_ADMIN_PAGES[old]}/{rest}"
    return redirect(f"{target}?{query}" if query else target, permanent=True)


def moved_admin_page(request, model, rest=""):
    query = request.META.get("QUERY_STRING", "")
    target = f"/admin/{MOVED_ADMIN_PAGES[model]}/{model}/{rest}"
    return redirect(f"{target}?{query}" if query else target, permanent=True)


def reset_by_email(view):
    """The password-reset pages exist only where the portal can send their e-mail."""

    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# The portal's own pages for passwords (the admin keeps its own), in the portal's look.
account_patterns = [
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        reset_by_email(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset_form.html",
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        reset_by_email(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        reset_by_email(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html"
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        reset_by_email(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(
        rf"^admin/milestones/(?P<model>{'|'.join(MOVED_ADMIN_PAGES)})/(?P<rest>.*)$",
        moved_admin_page,
    ),
    re_path(
        rf"^admin/(?P<old>{'|'.join(RENAMED_ADMIN_PAGES)})/(?P<rest>.*)$",
        renamed_admin_page,
    ),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    *account_patterns,
    path("provinces/", include("partnerships.province_urls")),
    path("agreements/", include("partnerships.urls")),
    path("api/", include("config.api_urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("milestones.urls")),
    path("", include("dashboards.urls")),
]

handler500 = "core.errors.server_error"
