from django.urls import path

from projects.views import money, project_list, record, reports, suggestions, targets, workbooks

app_name = "projects"
urlpatterns = [
    # The portal's main list and its open data file; its CSV and XLSX, with
    # each project's money, are the read layer's (`portfolio.urls`), in this
    # namespace (`minusma_sr/urls.py`).
    path("", project_list.project_list, name="list"),
    path("iati.xml", project_list.export_iati, name="export_iati"),
    # What the list's partner and focal point filters suggest as one types (htmx)
    path("suggest/partners/", suggestions.partner_suggestions, name="suggest_partners"),
    path(
        "suggest/focal-points/",
        suggestions.focal_point_suggestions,
        name="suggest_focal_points",
    ),
    # The project record
    path("new/", record.project_create, name="create"),
    path("choices/", record.region_choices, name="region_choices"),
    path("<int:pk>/", record.project_detail, name="detail"),
    path("<int:pk>/edit/", record.project_edit, name="edit"),
    path("<int:pk>/budget/", record.project_budget, name="budget"),
    path("<int:pk>/status/", record.project_status, name="status"),
    path("<int:pk>/documents/new/", record.document_upload, name="document_upload"),
    path("documents/<int:pk>/", record.document_download, name="document"),
    # Money, recorded by fund managers
    path("<int:pk>/money/approvals/new/", money.approval_create, name="approval_create"),
    path("<int:pk>/money/tranches/new/", money.tranche_create, name="tranche_create"),
    path("<int:pk>/money/expenditures/new/", money.expenditure_create, name="expenditure_create"),
    # Locations and indicators
    path("<int:pk>/locations/new/", reports.location_create, name="location_create"),
    path("locations/<int:pk>/edit/", reports.location_edit, name="location_edit"),
    path("locations/<int:pk>/delete/", reports.location_delete, name="location_delete"),
    path("<int:pk>/indicators/new/", reports.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", reports.indicator_edit, name="indicator_edit"),
    # An indicator's targets per period
    path("indicators/<int:pk>/targets/new/", targets.target_create, name="target_create"),
    path("indicator-targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
    path("indicator-targets/<int:pk>/delete/", targets.target_delete, name="target_delete"),
    # Indicator reports and progress reports, reviewed by headquarters
    path(
        "indicators/<int:pk>/reports/new/",
        reports.indicator_report_create,
        name="indicator_report_create",
    ),
    path("indicator-reports/<int:pk>/", reports.indicator_report_detail, name="indicator_report"),
    path(
        "indicator-reports/<int:pk>/edit/",
        reports.indicator_report_edit,
        name="indicator_report_edit",
    ),
    path(
        "indicator-reports/<int:pk>/<str:step>/",
        reports.indicator_report_step,
        name="indicator_report_step",
    ),
    path("evidence/<int:pk>/", reports.evidence_download, name="evidence"),
    path("<int:pk>/reports/new/", reports.progress_report_create, name="progress_report_create"),
    path("reports/<int:pk>/", reports.progress_report_detail, name="progress_report"),
    path("reports/<int:pk>/edit/", reports.progress_report_edit, name="progress_report_edit"),
    path(
        "reports/<int:pk>/attachments/new/",
        reports.report_attachment_upload,
        name="report_attachment_upload",
    ),
    path(
        "reports/attachments/<int:pk>/",
        reports.report_attachment_download,
        name="report_attachment",
    ),
    path("reports/<int:pk>/<str:step>/", reports.progress_report_step, name="progress_report_step"),
    # An office's reports of a quarter in a workbook: download, upload, submit all
    path("workbooks/", workbooks.workbook_home, name="workbooks"),
    path("workbooks/template.xlsx", workbooks.workbook_template, name="workbook_template"),
    path("workbooks/upload/", workbooks.workbook_upload, name="workbook_upload"),
    path("workbooks/drafts/", workbooks.workbook_drafts, name="workbook_drafts"),
    path("workbooks/submit/", workbooks.workbook_submit, name="workbook_submit"),
]
