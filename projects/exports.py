"""The project list as CSV and XLSX: the same filtered rows as the page, all
of them, with headers in the reader's language.

Whoever downloads, the coordinates of sensitive locations are never written:
a file leaves the portal and cannot be taken back. Text that a spreadsheet
would run as a formula is neutralized in both formats."""

import csv
import datetime
import io
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from projects.models import Project
from regions.models import Pillar

# Rows read from the database at a time; each batch costs one query per
# prefetched relation (locations, cercles).
CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralize(value):
    """Text that a spreadsheet would take for a formula (CSV/formula
    injection), prefixed with a single quote so that it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def exported_projects(projects: QuerySet) -> QuerySet:
    # Prefetched into lists: reading them costs no queryset per row.
    return projects.select_related("priority", "focal_point").prefetch_related(
        Prefetch("locations", to_attr="exported_locations"),
        Prefetch("cercles", to_attr="exported_cercles"),
    )


def _location_text(location) -> str:
    if location.latitude is None or location.longitude is None:
        return location.place
    if location.is_sensitive:
        return gettext("%(place)s (coordinates withheld)") % {"place": location.place}
    return f"{location.place} ({location.latitude}, {location.longitude})"


def _name(related) -> str:
    return str(related) if related is not None else ""


# (header, value of one project): text, numbers and dates as they are, for
# each format to write in its own way.
COLUMNS = [
    (_("Code"), lambda project: project.code),
    (_("Title"), lambda project: project.title),
    (_("Summary"), lambda project: project.summary),
    (_("Region"), lambda project: project.region.name),
    (_("Cercles"), lambda project: ", ".join(cercle.name for cercle in project.exported_cercles)),
    (_("Plan priority"), lambda project: _name(project.priority)),
    (
        _("Pillar"),
        lambda project: str(Pillar(project.priority.pillar).label) if project.priority else "",
    ),
    (_("Mechanism"), lambda project: project.mechanism.acronym),
    (_("Window"), lambda project: project.window.code.upper() if project.window else ""),
    (_("Implementing partner"), lambda project: _name(project.implementing_partner)),
    (_("Focal point"), lambda project: _name(project.focal_point)),
    # The label of the choice, not get_status_display(), which looks it up
    # among every choice's translation.
    (_("Status"), lambda project: str(Project.Status(project.status).label)),
    (_("Planned start"), lambda project: project.planned_start),
    (_("Planned end"), lambda project: project.planned_end),
    (_("Actual start"), lambda project: project.actual_start),
    (_("Actual end"), lambda project: project.actual_end),
    (_("Budget"), lambda project: project.budget_amount),
    (_("Currency"), lambda project: project.budget_currency),
    (_("Women"), lambda project: project.women),
    (_("Men"), lambda project: project.men),
    (_("Girls"), lambda project: project.girls),
    (_("Boys"), lambda project: project.boys),
    (_("Beneficiaries"), lambda project: project.beneficiary_total),
    (_("Gender marker"), lambda project: project.gender_marker),
    (
        _("Locations"),
        lambda project: "; ".join(_location_text(place) for place in project.exported_locations),
    ),
]


def _headers() -> list[str]:
    return [str(header) for header, _value in COLUMNS]


def _rows(projects: QuerySet):
    for project in exported_projects(projects).iterator(chunk_size=CHUNK_SIZE):
        yield [value(project) for _header, value in COLUMNS]


def filename(extension: str) -> str:
    return f"projets-{timezone.localdate():%Y-%m-%d}.{extension}"


# --- CSV -----------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what the csv writer writes."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value, decimal_separator: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_separator)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralize(str(value))


def _csv_lines(projects: QuerySet, language: str):
    # The response is written after the view has returned: the language is
    # set again for the headers and labels of every row.
    with translation.override(language):
        decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
        # Spreadsheets in languages with a decimal comma expect semicolons.
        writer = csv.writer(_Echo(), delimiter=";" if decimal_separator == "," else ",")
        # The byte order mark tells Excel the file is UTF-8 (accents).
        yield "\ufeff" + writer.writerow(_headers())
        for row in _rows(projects):
            yield writer.writerow([_csv_cell(value, decimal_separator) for value in row])


def csv_response(projects: QuerySet) -> StreamingHttpResponse:
    """The projects as CSV, streamed as they are read from the database."""
    response = StreamingHttpResponse(
        _csv_lines(projects, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename("csv"))
    return response


# --- XLSX ----------------------------------------------------------------------------


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        # Control characters are not allowed in the file format; removed
        # first, so that what follows them cannot become a formula.
        return neutralize(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    # Numbers and dates are written as such (dates with a date format).
    return value


def xlsx_response(projects: QuerySet) -> HttpResponse:
    """The projects as an Excel workbook, written row by row (write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Projects"))
    sheet.freeze_panes = "A2"
    headers = []
    for header in _headers():
        cell = WriteOnlyCell(sheet, value=neutralize(header))
        cell.font = Font(bold=True)
        headers.append(cell)
    sheet.append(headers)
    for row in _rows(projects):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename("xlsx"))
    return response
