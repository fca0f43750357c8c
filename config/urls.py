from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

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
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("provinces/", include("partnerships.province_urls")),
    path("agreements/", include("partnerships.urls")),
    path("api/", include("config.api_urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("milestones.urls")),
    path("", include("dashboards.urls")),
]

handler500 = "core.errors.server_error"
