from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("pack/", views.national_pack, name="national-pack"),
    path("packs/<int:pk>/archive/", views.pack_batch_archive, name="pack-batch-archive"),
    path(
        "dashboards/provinces/<slug:slug>/pack/",
        views.province_pack,
        name="province-pack",
    ),
    path(
        "dashboards/agreements/<int:pk>/pack/",
        views.agreement_pack,
        name="agreement-pack",
    ),
    path(
        "dashboards/provinces/<slug:slug>/",
        views.province_dashboard,
        name="province-dashboard",
    ),
    path(
        "dashboards/agreements/<int:pk>/",
        views.agreement_dashboard,
        name="agreement-dashboard",
    ),
]
