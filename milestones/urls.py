from django.urls import path

from . import import_views, views

app_name = "milestones"

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/import/", import_views.import_start, name="import"),
    path("reports/import/template/", import_views.import_template, name="import-template"),
    path("reports/import/<str:token>/", import_views.import_preview, name="import-preview"),
    path(
        "reports/import/<str:token>/confirm/",
        import_views.import_confirm,
        name="import-confirm",
    ),
    path(
        "reports/import/<str:token>/cancel/",
        import_views.import_cancel,
        name="import-cancel",
    ),
    path(
        "reports/<int:agreement_pk>/<int:quarter>/edit/",
        views.report_edit,
        name="report-edit",
    ),
    path(
        "reports/<int:agreement_pk>/<int:quarter>/autosave/",
        views.report_autosave,
        name="report-autosave",
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
