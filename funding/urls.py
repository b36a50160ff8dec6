from django.urls import path

from funding.views import contributions, imports, rates

# The mechanisms' ledgers and the donors' reports are the read layer's
# (`portfolio.urls`), in this namespace (`minusma_sr/urls.py`).
app_name = "funding"
urlpatterns = [
    # Contributions and deposits
    path("contributions/", contributions.contribution_list, name="contribution_list"),
    path(
        "contributions/export.csv",
        contributions.contribution_export_csv,
        name="contribution_export_csv",
    ),
    path(
        "contributions/export.xlsx",
        contributions.contribution_export_xlsx,
        name="contribution_export_xlsx",
    ),
    path("contributions/new/", contributions.contribution_create, name="contribution_create"),
    path("contributions/import/", imports.contribution_import, name="contribution_import"),
    path(
        "contributions/import/template.xlsx",
        imports.contribution_template,
        name="contribution_import_template",
    ),
    path("contributions/<int:pk>/", contributions.contribution_detail, name="contribution_detail"),
    path("contributions/<int:pk>/edit/", contributions.contribution_edit, name="contribution_edit"),
    path(
        "contributions/<int:pk>/deposits/new/",
        contributions.deposit_create,
        name="deposit_create",
    ),
    # Exchange rates
    path("rates/", rates.rate_list, name="rate_list"),
    path("rates/export.csv", rates.rate_export_csv, name="rate_export_csv"),
    path("rates/export.xlsx", rates.rate_export_xlsx, name="rate_export_xlsx"),
    path("rates/new/", rates.rate_create, name="rate_create"),
    path("rates/<int:pk>/edit/", rates.rate_edit, name="rate_edit"),
    path("rates/import/", imports.rate_import, name="rate_import"),
    path("rates/import/template.xlsx", imports.rate_template, name="rate_import_template"),
]
