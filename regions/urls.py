from django.urls import path

from regions.views import outcomes, plans, regions, updates

# The region page and a plan's page and report are the read layer's
# (`portfolio.urls`), in this namespace (`minusma_sr/urls.py`).
app_name = "regions"
urlpatterns = [
    path("regions/", regions.region_list, name="list"),
    # Regional plans and their priorities
    path("plans/", plans.plan_list, name="plans"),
    path("plans/export.csv", plans.plan_export_csv, name="plan_export_csv"),
    path("plans/export.xlsx", plans.plan_export_xlsx, name="plan_export_xlsx"),
    # The updates of the plans the list's filters select
    path("plans/updates/export.csv", plans.update_export_csv, name="update_export_csv"),
    path("plans/updates/export.xlsx", plans.update_export_xlsx, name="update_export_xlsx"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/send-for-review/", plans.plan_send_for_review, name="plan_send"),
    path("plans/<int:pk>/back-to-draft/", plans.plan_back_to_draft, name="plan_back_to_draft"),
    path("plans/<int:pk>/validate/", plans.plan_validate, name="plan_validate"),
    path("plans/<int:pk>/archive/", plans.plan_archive, name="plan_archive"),
    path("plans/<int:pk>/priorities/new/", plans.priority_create, name="priority_create"),
    path("plans/priorities/<int:pk>/edit/", plans.priority_edit, name="priority_edit"),
    # Outcome indicators of priorities and their targets per period
    path("plans/priorities/<int:pk>/outcomes/new/", outcomes.outcome_create, name="outcome_create"),
    path("plans/outcomes/<int:pk>/edit/", outcomes.outcome_edit, name="outcome_edit"),
    path(
        "plans/outcomes/<int:pk>/targets/new/",
        outcomes.outcome_target_create,
        name="outcome_target_create",
    ),
    path(
        "plans/outcome-targets/<int:pk>/edit/",
        outcomes.outcome_target_edit,
        name="outcome_target_edit",
    ),
    path(
        "plans/outcome-targets/<int:pk>/delete/",
        outcomes.outcome_target_delete,
        name="outcome_target_delete",
    ),
    path("plans/<int:pk>/documents/new/", plans.document_upload, name="plan_document_upload"),
    path("plans/documents/<int:pk>/", plans.document_download, name="plan_document"),
    # Plan updates and their review
    path("plans/<int:pk>/updates/new/", updates.update_create, name="update_create"),
    path("plans/updates/<int:pk>/", updates.update_detail, name="update"),
    path("plans/updates/<int:pk>/edit/", updates.update_edit, name="update_edit"),
    path("plans/updates/<int:pk>/submit/", updates.update_submit, name="update_submit"),
    path("plans/updates/<int:pk>/approve/", updates.update_approve, name="update_approve"),
    path("plans/updates/<int:pk>/return/", updates.update_return, name="update_return"),
    path(
        "plans/updates/<int:pk>/attachments/new/",
        updates.attachment_upload,
        name="update_attachment_upload",
    ),
    path(
        "plans/updates/attachments/<int:pk>/",
        updates.attachment_download,
        name="update_attachment",
    ),
]
