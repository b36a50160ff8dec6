"""Money as CSV and XLSX: the contributions and the exchange rates of their
lists, and a mechanism's ledger by project. The rows are those of the page,
all of them, with headers in the reader's language (written by
`reviews.spreadsheets`, which also neutralizes formulas).

Amounts are numbers in both formats (with a decimal comma in a French CSV),
never text: a reader adds them up."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from funding.models import Mechanism
from funding.money import delivery_rate
from regions.models import Pillar
from reviews import spreadsheets

# Rows read from the database at a time.
CHUNK_SIZE = 2000
CONTRIBUTIONS_STEM = "contributions"
RATES_STEM = "taux-de-change"


CENT = Decimal("0.01")


def _rows(queryset: QuerySet):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def _cents(amount: Decimal | None) -> Decimal | None:
    """A sum as the database returns it, to the cent (some databases return
    sums of subqueries with more or fewer decimals)."""
    return None if amount is None else Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Contributions -------------------------------------------------------------------

# Rows of funding.filters.listed_contributions(), with their figures.
CONTRIBUTION_COLUMNS = [
    (_("Donor"), lambda row: row.donor.name),
    (_("Mechanism"), lambda row: row.mechanism.acronym),
    (_("Earmarked region"), lambda row: row.earmark_region.name if row.earmark_region else ""),
    (
        _("Earmarked pillar"),
        lambda row: str(Pillar(row.earmark_pillar).label) if row.earmark_pillar else "",
    ),
    (_("Pledged on"), lambda row: row.pledged_on),
    (_("Pledged amount"), lambda row: _cents(row.pledged_amount)),
    (_("Currency"), lambda row: row.currency),
    (_("Pledged (USD)"), lambda row: _cents(row.pledged_usd)),
    (_("Received (USD)"), lambda row: _cents(row.received_usd)),
    (_("Approved (USD)"), lambda row: _cents(row.approved_usd)),
    (_("Available (USD)"), lambda row: _cents(row.available_usd)),
    (_("Agreement reference"), lambda row: row.reference),
]


def contributions_csv(contributions: QuerySet) -> StreamingHttpResponse:
    """`contributions` (annotated by `funding.filters.listed_contributions`) as CSV."""
    return spreadsheets.csv_response(
        CONTRIBUTION_COLUMNS, _rows(contributions), stem=CONTRIBUTIONS_STEM
    )


def contributions_xlsx(contributions: QuerySet) -> HttpResponse:
    """`contributions` (annotated by `funding.filters.listed_contributions`) as XLSX."""
    return spreadsheets.xlsx_response(
        CONTRIBUTION_COLUMNS,
        _rows(contributions),
        stem=CONTRIBUTIONS_STEM,
        title=gettext("Contributions"),
    )


# --- Exchange rates ------------------------------------------------------------------

RATE_COLUMNS = [
    (_("Currency"), lambda rate: rate.currency),
    # Text, so that no spreadsheet turns the month into a day of its own choosing.
    (_("Month"), lambda rate: f"{rate.month:%Y-%m}"),
    (_("Units per US dollar"), lambda rate: rate.units_per_usd),
]


def rates_csv(rates: QuerySet) -> StreamingHttpResponse:
    return spreadsheets.csv_response(RATE_COLUMNS, _rows(rates), stem=RATES_STEM)


def rates_xlsx(rates: QuerySet) -> HttpResponse:
    return spreadsheets.xlsx_response(
        RATE_COLUMNS, _rows(rates), stem=RATES_STEM, title=gettext("Exchange rates")
    )


# --- A mechanism's ledger by project -------------------------------------------------


def _delivery(project) -> Decimal | None:
    # In the project's own currency: what the partner spent of what it was
    # sent, whatever the rates of the days each amount was recorded.
    rate = delivery_rate(project.spent_amount, project.transferred_amount)
    return _cents(rate)


# Rows of funding.ledgers.by_project(mechanism): projects with their figures.
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
    (_("Approved"), lambda project: _cents(project.approved_amount)),
    (_("Transferred"), lambda project: _cents(project.transferred_amount)),
    (_("Spent"), lambda project: _cents(project.spent_amount)),
    (_("Approved (USD)"), lambda project: _cents(project.approved)),
    (_("Transferred (USD)"), lambda project: _cents(project.transferred)),
    (_("Spent (USD)"), lambda project: _cents(project.spent)),
    (_("Delivery rate (%)"), _delivery),
]


def _ledger_stem(mechanism: Mechanism) -> str:
    return f"grand-livre-{mechanism.code}"


def project_ledger_csv(mechanism: Mechanism, projects: QuerySet) -> StreamingHttpResponse:
    """`projects` (from `funding.ledgers.by_project(mechanism)`) as CSV."""
    return spreadsheets.csv_response(
        PROJECT_LEDGER_COLUMNS, _rows(projects), stem=_ledger_stem(mechanism)
    )


def project_ledger_xlsx(mechanism: Mechanism, projects: QuerySet) -> HttpResponse:
    """`projects` (from `funding.ledgers.by_project(mechanism)`) as XLSX."""
    return spreadsheets.xlsx_response(
        PROJECT_LEDGER_COLUMNS,
        _rows(projects),
        stem=_ledger_stem(mechanism),
        title=gettext("%(mechanism)s by project") % {"mechanism": mechanism.acronym},
    )
