"""A mechanism's ledger by project as CSV and XLSX: the rows of the page, all
of them, with headers in the reader's language (`core.spreadsheets`)."""

from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from funding.figures import delivery_rate
from funding.models import Mechanism
from funding.money import cents

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
    (_("Approved (USD)"), lambda project: cents(project.approved)),
    (_("Transferred (USD)"), lambda project: cents(project.transferred)),
    (_("Spent (USD)"), lambda project: cents(project.spent)),
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
