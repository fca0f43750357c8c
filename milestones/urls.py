from django.urls import path

from . import views

app_name = "milestones"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="report-list"),
    path(
        "reports/<int:agreement_pk>/<int:quarter>/edit/",
        views.report_edit,
        name="report-edit",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path(
        "reports/<int:pk>/approve/",
        views.report_review,
        {"decision": "approve"},
        name="report-approve",
    ),
    path(
        "reports/<int:pk>/return/",
        views.report_review,
        {"decision": "return"},
        name="report-return",
    ),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="report-reopen"),
    path("reports/evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("reports/evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
]
