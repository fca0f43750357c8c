from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
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
