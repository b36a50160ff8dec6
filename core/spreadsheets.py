"""Tables in and out of the portal, as CSV and XLSX, for every app above.

Out: the rows of a list, with headers in the reader's language, CSV streamed
as it is read; XLSX written row by row by XlsxWriter in constant memory to a
temporary file, then sent from it. Text that a spreadsheet would run as a
formula is neutralized in both formats. An export declares its columns of
amounts to total (`Total`, `usd`): the XLSX file ends with a row of their
totals, summed as the rows are written, below the rows its filters sort.

In: an uploaded CSV or XLSX file read into rows of text keyed by column (XLSX
by openpyxl), for an import to validate row by row before writing anything.
"""

import csv
import datetime
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

import xlsxwriter
from django.core.exceptions import ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core.text import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, value of one row): text, numbers and dates as they are, for each
# format to write in its own way.
Column = tuple[str, Callable]


class Total(NamedTuple):
    """A column of amounts (Decimals, or None where there is none) whose
    total ends the XLSX file. A tuple like any other column, so that every
    export reads its header and value alike."""

    header: str
    value: Callable


def usd(header: str, value: Callable) -> Total:
    """A column of US dollar equivalents: `header` says "(USD)", `value`
    reads the figure where it is defined (`funding.figures`,
    `portfolio.ledgers`, `Project.budget_usd`), never converts it again,
    and the file totals it. Amounts in their own currency are not totalled:
    only their equivalents add up across currencies."""
    return Total(header, value)


# The label of the row of totals, in its first column that is not totalled.
TOTAL_LABEL = gettext_lazy("Total")


def neutralize(value):
    """Text that a spreadsheet would take for a formula (CSV/formula
    injection), prefixed with a single quote so that it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _values(columns: list[Column], rows: Iterable) -> Iterator[list]:
    for row in rows:
        yield [value(row) for _header, value in columns]


# --- CSV -------------------------------------------------------------------------


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
    # Control characters stripped first, so that what follows them cannot
    # become a formula.
    return neutralize(clean_text(str(value)))


def _csv_lines(columns: list[Column], rows: Iterable, language: str):
    # The response is written after the view has returned: the language is
    # set again for the headers and labels of every row.
    with translation.override(language):
        decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
        # Spreadsheets in languages with a decimal comma expect semicolons.
        writer = csv.writer(_Echo(), delimiter=";" if decimal_separator == "," else ",")
        # The byte order mark tells Excel the file is UTF-8 (accents).
        yield "\ufeff" + writer.writerow([str(header) for header, _value in columns])
        for values in _values(columns, rows):
            yield writer.writerow([_csv_cell(value, decimal_separator) for value in values])


def csv_response(columns: list[Column], rows: Iterable, *, stem: str) -> StreamingHttpResponse:
    """`rows` as CSV, streamed as they are read (pass an iterator)."""
    response = StreamingHttpResponse(
        _csv_lines(columns, rows, translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename(stem, "csv"))
    return response


# --- XLSX ------------------------------------------------------------------------

# Widths in characters: a column as wide as its header, within these bounds.
# Only the header is measured: in constant memory no row is kept to measure.
# The least fits a date or an amount in the millions; the most keeps a
# column of long texts (titles, summaries) from hiding the others.
XLSX_MIN_WIDTH = 12
XLSX_MAX_WIDTH = 50


def _xlsx_text(value: str) -> str:
    # Control characters and non-characters are not allowed in the file
    # format (rows older than the check of forms may hold them); removed
    # first, so that what follows them cannot become a formula.
    text = neutralize(clean_text(value))
    # A carriage return left would be written as "_x000D_", which Excel reads
    # back but openpyxl (our own imports) does not: line ends become the line
    # feed that a cell breaks on, as an XML parser would read them anyway.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _write_xlsx_cell(sheet, row: int, column: int, value, styles: dict) -> None:
    # Each kind of value by its own method: XlsxWriter's write() would guess
    # from the text what it holds.
    if isinstance(value, str):
        value = _xlsx_text(value)
    if value is None or value == "":
        # Empty text as an empty cell, not a cell holding "".
        sheet.write_blank(row, column, None)
    elif isinstance(value, str):
        sheet.write_string(row, column, value)
    elif isinstance(value, Decimal):
        sheet.write_number(row, column, value, styles["amount"])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, styles["date"])
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    else:
        sheet.write_number(row, column, value)


class _Totals:
    """The sums of the columns to total, kept as the rows are written: a
    few numbers whatever the rows, and a total that is the sum of the cells
    above it even if money is recorded while the file is written."""

    def __init__(self, columns: list[Column]):
        self.positions = [i for i, column in enumerate(columns) if isinstance(column, Total)]
        self.sums = dict.fromkeys(self.positions, Decimal(0))

    def add(self, values: list) -> None:
        for position in self.positions:
            if values[position] is not None:
                self.sums[position] += values[position]

    def label_position(self, width: int) -> int | None:
        return next((i for i in range(width) if i not in self.sums), None)


def _write_xlsx(file, columns: list[Column], rows: Iterable, *, title: str, tmpdir: str) -> None:
    workbook = xlsxwriter.Workbook(
        file,
        {
            # Each row goes to a file in `tmpdir` as soon as the next one is
            # started, instead of staying in memory until the end.
            "constant_memory": True,
            "tmpdir": tmpdir,
            # Text stays text: no formula, link or number is made of it.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    styles = {
        "amount": workbook.add_format({"num_format": "#,##0.00"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(title[:31])
    for column, (header, _value) in enumerate(columns):
        text = _xlsx_text(str(header))
        sheet.set_column(column, column, min(max(len(text) + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH))
        sheet.write_string(0, column, text, bold)
    sheet.freeze_panes(1, 0)
    totals = _Totals(columns)
    last_row = 0
    for last_row, values in enumerate(_values(columns, rows), start=1):
        totals.add(values)
        for column, value in enumerate(values):
            _write_xlsx_cell(sheet, last_row, column, value, styles)
    # The filters sort and hide the rows, never the totals below them.
    sheet.autofilter(0, 0, last_row, len(columns) - 1)
    if totals.positions and last_row:
        _write_totals(workbook, sheet, last_row + 1, totals, len(columns))
    workbook.close()


def _write_totals(workbook, sheet, row: int, totals: _Totals, width: int) -> None:
    # Numbers, not formulas: a formula is computed only when a spreadsheet
    # opens the file, and other readers (imports, scripts) see nothing.
    bold_amount = workbook.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
    label = totals.label_position(width)
    if label is not None:
        sheet.write_string(row, label, str(TOTAL_LABEL), workbook.add_format({"bold": True}))
    for position, amount in totals.sums.items():
        sheet.write_number(row, position, amount, bold_amount)


def xlsx_response(columns: list[Column], rows: Iterable, *, stem: str, title: str) -> FileResponse:
    """`rows` as an Excel workbook, written row by row to a temporary file
    and sent from it: the memory it takes does not grow with the rows."""
    # The workbook is written before the response is returned, in the
    # request's language (headers, labels). The file has no name on disk: it
    # goes when the response closes it (so no `with` here), or when writing
    # fails.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        # What XlsxWriter keeps on disk while writing, removed once the
        # workbook is written or has failed.
        with tempfile.TemporaryDirectory() as tmpdir:
            _write_xlsx(file, columns, rows, title=title, tmpdir=tmpdir)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=filename(stem, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )


# --- Reading an uploaded table ---------------------------------------------------

MAX_IMPORT_ROWS = 5000


def cell_text(value) -> str:
    """A cell as the text a person would type: dates as ISO dates, whole
    numbers without ".0", other numbers in full."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


# An .xlsx file is a ZIP archive of XML parts, and a small upload can hold
# parts that inflate to gigabytes (an archive bomb) and exhaust the server's
# memory while openpyxl parses them. The sizes the archive declares are
# checked before anything is inflated; they bind: Python's zipfile never
# inflates a part beyond its declared size (a part that lies stops there and
# fails its checksum).
# - 50 MB uncompressed in all: the largest import allowed (MAX_IMPORT_ROWS
#   rows of nine columns) is about 3 MB of XML, so this leaves room for wide
#   sheets, styles and the other parts of a workbook saved by Excel.
# - At most 100 times smaller compressed, for a part over 1 MB: the XML of
#   real cells compresses 5 to 25 times (each cell has its own reference);
#   only long runs of the same bytes, as bombs are made of, do far better.
#   Small parts (styles, an empty sheet) may compress as well as they like.
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 1024 * 1024


def check_archive(content: bytes) -> None:
    """Refuse an .xlsx archive that would inflate beyond the limits above."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(
            _("This file could not be read as an Excel workbook (.xlsx).")
        ) from error
    total = sum(part.file_size for part in parts)
    too_compressed = any(
        part.file_size > XLSX_RATIO_FROM
        and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if total > XLSX_MAX_UNCOMPRESSED or too_compressed:
        raise ValidationError(
            _(
                "This workbook would take %(size)s once opened, or is compressed beyond what "
                "a real spreadsheet is: it is refused. Save the data again in a new workbook, "
                "or as a CSV file."
            )
            % {"size": filesizeformat(total)}
        )


def _xlsx_rows(content: bytes) -> list[list[str]]:
    check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            _("This file could not be read as an Excel workbook (.xlsx).")
        ) from error
    sheet = workbook.worksheets[0]
    return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]


# The longest line a CSV import reads: a row of the longest import is a few
# hundred characters. A longer line is a mistake (or would fill the memory
# with millions of cells) and is refused before it is split into cells.
CSV_MAX_LINE = 100_000


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("This CSV file is not in UTF-8: save it again as “CSV UTF-8”.")
        ) from error
    if "\x00" in text:
        # A NUL is no character of a text file (and PostgreSQL stores none):
        # a binary file saved as .csv, or a CSV in UTF-16.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(
            _(
                "Line %(line)d of this file holds a NUL character: it is not a CSV file in "
                "UTF-8. Save it again as “CSV UTF-8”."
            )
            % {"line": line}
        )
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > CSV_MAX_LINE:
            raise ValidationError(
                _("Line %(line)d of this file is longer than %(max)s characters.")
                % {"line": number, "max": formats.number_format(CSV_MAX_LINE, force_grouping=True)}
            )
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[cell.strip() for cell in row] for row in reader]


def read_table(upload, columns: dict[str, list[str]]) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded CSV or XLSX file as (line number, {column: text}).

    `columns` maps each column's key to the headers accepted for it (in any
    case, in either language). The first row must hold the headers; empty rows
    are skipped. A file that cannot be read, lacks a column or has too many
    rows raises a ValidationError saying so.
    """
    content = upload.read()
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(content)
    elif name.endswith(".csv"):
        table = _csv_rows(content)
    else:
        raise ValidationError(_("Choose a CSV file or an Excel workbook (.xlsx)."))
    if not table:
        raise ValidationError(_("This file is empty."))
    accepted = {header.casefold(): key for key, headers in columns.items() for header in headers}
    positions = {}
    for position, header in enumerate(table[0]):
        key = accepted.get(header.strip().casefold())
        if key is not None:
            positions.setdefault(key, position)
    missing = [columns[key][0] for key in columns if key not in positions]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        rows.append(
            (
                number,
                {key: row[index] if index < len(row) else "" for key, index in positions.items()},
            )
        )
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(
            _("This file has %(count)d rows; import at most %(max)d at a time.")
            % {"count": len(rows), "max": MAX_IMPORT_ROWS}
        )
    return rows
