"""Money as CSV and XLSX: the contributions and the exchange rates of their
lists. The rows are those of the page,
all of them, with headers in the reader's language (written by
`core.spreadsheets`, which also neutralizes formulas).

Amounts are numbers in both formats (with a decimal comma in a French CSV),
never text: a reader adds them up. The XLSX file ends with the totals of the
US dollar columns, the same as the list's."""

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from funding.money import cents
from regions.models import Pillar

# Rows read from the database at a time.
CHUNK_SIZE = 2000
CONTRIBUTIONS_STEM = "contributions"
RATES_STEM = "taux-de-change"


def _rows(queryset: QuerySet):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


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
    (_("Pledged amount"), lambda row: cents(row.pledged_amount)),
    (_("Currency"), lambda row: row.currency),
    spreadsheets.usd(_("Pledged (USD)"), lambda row: cents(row.pledged_usd)),
    spreadsheets.usd(_("Received (USD)"), lambda row: cents(row.received_usd)),
    spreadsheets.usd(_("Approved (USD)"), lambda row: cents(row.approved_usd)),
    spreadsheets.usd(_("Available (USD)"), lambda row: cents(row.available_usd)),
    (_("Agreement reference"), lambda row: row.reference),
]


def contributions_csv(contributions: QuerySet) -> StreamingHttpResponse:
    """`contributions` (annotated by `funding.filters.listed_contributions`) as CSV."""
    return spreadsheets.csv_response(
        CONTRIBUTION_COLUMNS, _rows(contributions), stem=CONTRIBUTIONS_STEM
    )


def contributions_xlsx(contributions: QuerySet) -> FileResponse:
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


def rates_xlsx(rates: QuerySet) -> FileResponse:
    return spreadsheets.xlsx_response(
        RATE_COLUMNS, _rows(rates), stem=RATES_STEM, title=gettext("Exchange rates")
    )
