"""The coordination lists as CSV and XLSX: organisations, meetings and
decisions, the rows of each list with its filters, all of them, with headers
in the reader's language (written by `core.spreadsheets`, which also
neutralizes formulas). Everyone signed in reads every record of coordination
(`coordination.access`), so every reader gets the same columns."""

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from coordination.models import Decision, Organisation
from core import spreadsheets

# Rows read from the database at a time.
CHUNK_SIZE = 2000


def _rows(queryset: QuerySet):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


def _csv_and_xlsx(columns, stem: str, title):
    """The two responses of one list: (csv, xlsx), each taking the rows."""

    def as_csv(rows: QuerySet) -> StreamingHttpResponse:
        return spreadsheets.csv_response(columns, _rows(rows), stem=stem)

    def as_xlsx(rows: QuerySet) -> FileResponse:
        return spreadsheets.xlsx_response(columns, _rows(rows), stem=stem, title=str(title))

    return as_csv, as_xlsx


# --- Organisations -----------------------------------------------------------------

# Rows of the organisations list: each with `body_count`, the bodies it sits on.
ORGANISATION_COLUMNS = [
    (_("Name"), lambda organisation: organisation.name),
    (_("Acronym"), lambda organisation: organisation.acronym),
    (_("Kind"), lambda organisation: str(Organisation.Kind(organisation.kind).label)),
    # The country's name in the reader's language, without a query.
    (
        _("Country"),
        lambda organisation: (
            countries.name(organisation.country.code) if organisation.country else ""
        ),
    ),
    (_("Active"), lambda organisation: _yes_no(organisation.is_active)),
    (_("Bodies"), lambda organisation: organisation.body_count),
    (_("Website"), lambda organisation: organisation.website),
]

organisations_csv, organisations_xlsx = _csv_and_xlsx(
    ORGANISATION_COLUMNS, "organisations", _("Organisations")
)


# --- Meetings ----------------------------------------------------------------------


def _local(meeting):
    return timezone.localtime(meeting.starts_at)


# Rows of the meetings list: each with its body and region, and `decision_count`.
MEETING_COLUMNS = [
    (_("Date"), lambda meeting: _local(meeting).date()),
    # Text: a time alone is no date for a spreadsheet.
    (_("Time"), lambda meeting: f"{_local(meeting):%H:%M}"),
    (_("Body"), lambda meeting: meeting.body.display_name),
    (_("Region"), lambda meeting: meeting.body.scope),
    (_("Place"), lambda meeting: meeting.place),
    (_("Agenda"), lambda meeting: meeting.agenda),
    (_("Decisions"), lambda meeting: meeting.decision_count),
]

meetings_csv, meetings_xlsx = _csv_and_xlsx(MEETING_COLUMNS, "reunions", _("Meetings"))


# --- Decisions ---------------------------------------------------------------------


def _name(related) -> str:
    return str(related) if related is not None else ""


# Rows of the decisions list: each with its meeting's body and its owners.
DECISION_COLUMNS = [
    (_("Decision"), lambda decision: decision.text),
    (_("Body"), lambda decision: decision.meeting.body.display_name),
    (_("Meeting date"), lambda decision: timezone.localtime(decision.meeting.starts_at).date()),
    (_("Owner (organisation)"), lambda decision: _name(decision.owner_organisation)),
    (_("Owner (person)"), lambda decision: _name(decision.owner_user)),
    (_("Due date"), lambda decision: decision.due_date),
    (_("Status"), lambda decision: str(Decision.Status(decision.status).label)),
    (_("Overdue"), lambda decision: _yes_no(decision.is_overdue())),
]

decisions_csv, decisions_xlsx = _csv_and_xlsx(DECISION_COLUMNS, "decisions", _("Decisions"))
