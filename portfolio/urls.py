"""The read layer's pages. The dashboard, the audit and the glossary have
addresses of their own; the others keep the addresses and names of the
records they show, and `minusma_sr/urls.py` mounts them in those apps'
namespaces (`regions:detail`, `funding:detail`, ...)."""

from django.urls import path

from portfolio.views import (
    audit,
    compliance,
    dashboard,
    glossary,
    ledgers,
    plans,
    project_exports,
    queue,
    regions,
    reports,
)
from portfolio.views import open as open_views

app_name = "portfolio"
urlpatterns = [
    path("glossary/", glossary.glossary, name="glossary"),
    path("compliance/", compliance.compliance, name="compliance"),
    path("compliance.csv", compliance.compliance_csv, name="compliance_csv"),
    path("compliance.xlsx", compliance.compliance_xlsx, name="compliance_xlsx"),
]

# Top-level pages, without a namespace.
top_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/export.csv", audit.audit_csv, name="audit_csv"),
    path("audit/export.xlsx", audit.audit_xlsx, name="audit_xlsx"),
]

# In the `projects` namespace: the list's files, with each project's money.
project_patterns = [
    path("export.csv", project_exports.export_csv, name="export_csv"),
    path("export.xlsx", project_exports.export_xlsx, name="export_xlsx"),
]

# In the `reviews` namespace: the queue, with the reports due.
review_patterns = [path("", queue.my_queue, name="queue")]

# In the `regions` namespace.
region_patterns = [
    path("regions/<str:code>/", regions.region_detail, name="detail"),
    path("regions/<str:code>/report/", regions.region_report, name="region_report"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/report/", plans.plan_report, name="plan_report"),
]

# In the `funding` namespace, after its own addresses (a mechanism's code
# would otherwise take `contributions/` and `rates/`).
funding_patterns = [
    path("", ledgers.mechanism_list, name="list"),
    path("contributions/<int:pk>/report/", reports.contribution_report, name="contribution_report"),
    # A donor's report across its contributions (pk of the organisation)
    path("donors/<int:pk>/report/", reports.donor_report, name="donor_report"),
    path("donors/<int:pk>/ledger.csv", reports.donor_ledger_csv, name="donor_ledger_csv"),
    path("donors/<int:pk>/ledger.xlsx", reports.donor_ledger_xlsx, name="donor_ledger_xlsx"),
    path("<slug:code>/", ledgers.mechanism_detail, name="detail"),
    path("<slug:code>/projects.csv", ledgers.project_ledger_csv, name="project_ledger_csv"),
    path("<slug:code>/projects.xlsx", ledgers.project_ledger_xlsx, name="project_ledger_xlsx"),
    path("<slug:code>/report/", reports.mechanism_report, name="mechanism_report"),
]

# Open data, for anyone without signing in: mounted at /open/ in the `open`
# namespace (portfolio.views.open).
open_patterns = [
    path("", open_views.project_list, name="projects"),
    path("projects/<int:pk>/", open_views.project_detail, name="project"),
    path("iati.xml", open_views.iati_file, name="iati"),
]
