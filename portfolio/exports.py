"""The read layer's files, CSV and XLSX, each the rows of its page, all of
them, with headers in the reader's language (`core.spreadsheets`): the
project list with each project's money, a mechanism's ledger by project, a
donor's ledger, the reporting compliance and the audit of changes. The XLSX
files end with the totals of their US dollar columns."""

from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coordination.models import Organisation
from core import spreadsheets
from core.text import elide
from funding import exports as funding_exports
from funding.figures import delivery_rate
from funding.models import Mechanism
from funding.money import cents
from portfolio import ledgers
from portfolio.audit import AuditEntry
from projects import exports as project_exports

# Rows read from the database at a time.
CHUNK_SIZE = 2000


def _rows(queryset: QuerySet):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def _delivery(project) -> Decimal | None:
    # In the project's own currency: what the partner spent of what it was
    # sent, whatever the rates of the days each amount was recorded.
    rate = delivery_rate(project.spent_amount, project.transferred_amount)
    return cents(rate)


# Rows of portfolio.ledgers.by_project(mechanism): projects with their figures.
PROJECT_LEDGER_COLUMNS = [
    (_("Code"), lambda project: project.code),
    (_("Title"), lambda project: project.title),
    (_("Region"), lambda project: project.region.name),
    (
        _("Implementing partner"),
        lambda project: str(project.implementing_partner) if project.implementing_partner else "",
    ),
    (_("Status"), lambda project: str(project.get_status_display())),
    (_("Budget"), lambda project: project.budget_amount),
    (_("Currency"), lambda project: project.budget_currency),
    (_("Approved"), lambda project: cents(project.approved_amount)),
    (_("Transferred"), lambda project: cents(project.transferred_amount)),
    (_("Spent"), lambda project: cents(project.spent_amount)),
    spreadsheets.usd(_("Approved (USD)"), lambda project: cents(project.approved)),
    spreadsheets.usd(_("Transferred (USD)"), lambda project: cents(project.transferred)),
    spreadsheets.usd(_("Spent (USD)"), lambda project: cents(project.spent)),
    (_("Delivery rate (%)"), _delivery),
]


def _ledger_stem(mechanism: Mechanism) -> str:
    return f"grand-livre-{mechanism.code}"


def project_ledger_csv(mechanism: Mechanism, projects: QuerySet) -> StreamingHttpResponse:
    """`projects` (from `portfolio.ledgers.by_project(mechanism)`) as CSV."""
    return spreadsheets.csv_response(
        PROJECT_LEDGER_COLUMNS, _rows(projects), stem=_ledger_stem(mechanism)
    )


def project_ledger_xlsx(mechanism: Mechanism, projects: QuerySet) -> FileResponse:
    """`projects` (from `portfolio.ledgers.by_project(mechanism)`) as XLSX."""
    return spreadsheets.xlsx_response(
        PROJECT_LEDGER_COLUMNS,
        _rows(projects),
        stem=_ledger_stem(mechanism),
        title=gettext("%(mechanism)s by project") % {"mechanism": mechanism.acronym},
    )


# --- Reporting compliance (portfolio.reporting.compliance) --------------------------------

# Rows of the compliance file: (grouping, ComplianceRow), the page's tables in
# its order, by office, by quarter, then the total.
GROUPINGS = {"office": _("Office"), "quarter": _("Quarter"), "total": _("Total")}


def _office(grouped) -> str:
    grouping, row = grouped
    if grouping != "office":
        return ""
    return row.office or gettext("No office")


COMPLIANCE_COLUMNS = [
    (_("Grouped by"), lambda grouped: str(GROUPINGS[grouped[0]])),
    (_("Office"), _office),
    (_("Quarter of the due date"), lambda grouped: grouped[1].period),
    (_("Due"), lambda grouped: grouped[1].due),
    (_("On time"), lambda grouped: grouped[1].on_time),
    (_("Late"), lambda grouped: grouped[1].late),
    (_("Missing"), lambda grouped: grouped[1].missing),
    (_("Not yet due"), lambda grouped: grouped[1].pending),
    (_("On-time rate (%)"), lambda grouped: grouped[1].rate),
]


def _compliance_rows(figures):
    yield from (("office", row) for row in figures.by_office)
    yield from (("quarter", row) for row in figures.by_quarter)
    yield ("total", figures.total)


def _compliance_stem(selection: dict) -> str:
    return f"conformite-rapports-{selection['due_from']:%Y%m%d}-{selection['due_to']:%Y%m%d}"


def compliance_csv(figures, selection: dict) -> StreamingHttpResponse:
    """`figures` (`portfolio.reporting.compliance(**selection)`) as CSV."""
    return spreadsheets.csv_response(
        COMPLIANCE_COLUMNS, _compliance_rows(figures), stem=_compliance_stem(selection)
    )


def compliance_xlsx(figures, selection: dict) -> FileResponse:
    """`figures` (`portfolio.reporting.compliance(**selection)`) as XLSX."""
    return spreadsheets.xlsx_response(
        COMPLIANCE_COLUMNS,
        _compliance_rows(figures),
        stem=_compliance_stem(selection),
        title=gettext("Reporting compliance"),
    )


# --- The project list with each project's money (projects.exports) ---------------------


def _after_budget(columns: list, added: list) -> list:
    """`added` right after the budget's US dollar equivalent."""
    position = next(i for i, column in enumerate(columns) if isinstance(column, spreadsheets.Total))
    return [*columns[: position + 1], *added, *columns[position + 1 :]]


# What funding approved, transferred and spent for each project, in US dollars
# (`portfolio.ledgers.project_money`), beside its budget.
PROJECT_COLUMNS = _after_budget(
    project_exports.COLUMNS,
    [
        spreadsheets.usd(_("Approved (USD)"), lambda project: cents(project.approved)),
        spreadsheets.usd(_("Transferred (USD)"), lambda project: cents(project.transferred)),
        spreadsheets.usd(_("Spent (USD)"), lambda project: cents(project.spent)),
    ],
)


def _project_rows(projects: QuerySet):
    return project_exports.rows(ledgers.project_money(projects))


def projects_csv(projects: QuerySet) -> StreamingHttpResponse:
    """`projects` (the list's rows, `projects.exports.requested`) as CSV,
    streamed as they are read from the database."""
    return spreadsheets.csv_response(
        PROJECT_COLUMNS, _project_rows(projects), stem=project_exports.FILE_STEM
    )


def projects_xlsx(projects: QuerySet) -> FileResponse:
    """`projects` as an Excel workbook, its US dollar columns totalled."""
    return spreadsheets.xlsx_response(
        PROJECT_COLUMNS,
        _project_rows(projects),
        stem=project_exports.FILE_STEM,
        title=gettext("Projects"),
    )


# --- A donor's ledger (portfolio.views.reports.donor_report) ----------------------------


def _donor_stem(donor: Organisation) -> str:
    return f"grand-livre-donateur-{slugify(donor.acronym or donor.name)[:40] or donor.pk}"


def donor_ledger_csv(donor: Organisation, contributions: QuerySet) -> StreamingHttpResponse:
    """`contributions` (the donor's, from `funding.filters.listed_contributions`) as CSV."""
    return spreadsheets.csv_response(
        funding_exports.CONTRIBUTION_COLUMNS,
        contributions.iterator(chunk_size=CHUNK_SIZE),
        stem=_donor_stem(donor),
    )


def donor_ledger_xlsx(donor: Organisation, contributions: QuerySet) -> FileResponse:
    """`contributions` as XLSX, with the totals of the donor report."""
    return spreadsheets.xlsx_response(
        funding_exports.CONTRIBUTION_COLUMNS,
        contributions.iterator(chunk_size=CHUNK_SIZE),
        stem=_donor_stem(donor),
        title=elide(gettext("Ledger of %(donor)s") % {"donor": str(donor)}),
    )


# --- The audit of changes (portfolio.audit) --------------------------------------------

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _changes(entry: AuditEntry) -> str:
    # One change a line, as on the page: "field: old → new".
    return "\n".join(f"{change.field}: {change.old} → {change.new}" for change in entry.changes)


AUDIT_COLUMNS = [
    # Text in local time: a date and a time in one cell, the same in every format.
    (_("When"), lambda entry: f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}"),
    (_("Who"), lambda entry: str(entry.user) if entry.user else gettext("unknown person")),
    (_("Kind of record"), lambda entry: str(entry.kind_label)),
    (_("Record number"), lambda entry: entry.record_id),
    (_("Record"), lambda entry: entry.name),
    (_("Action"), lambda entry: str(ACTIONS.get(entry.action, entry.action))),
    (_("Changes"), _changes),
    (_("Reason"), lambda entry: entry.reason),
]
AUDIT_STEM = "audit"


def audit_csv(entries) -> StreamingHttpResponse:
    """`entries` (`portfolio.audit.all_changes`, an iterator) as CSV."""
    return spreadsheets.csv_response(AUDIT_COLUMNS, entries, stem=AUDIT_STEM)


def audit_xlsx(entries) -> FileResponse:
    """`entries` (`portfolio.audit.all_changes`, an iterator) as XLSX."""
    return spreadsheets.xlsx_response(
        AUDIT_COLUMNS, entries, stem=AUDIT_STEM, title=gettext("Audit of changes")
    )
