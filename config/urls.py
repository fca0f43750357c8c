from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("VNPT cooperation portal: administration")
admin.site.site_title = _("VNPT cooperation portal")
admin.site.index_title = _("Provinces, agreements and KPIs")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("provinces/", include("provinces.urls")),
    path("agreements/", include("partnerships.urls")),
    path("api/", include("config.api_urls")),
    path("", include("milestones.urls")),
    path("", include("dashboards.urls")),
]
