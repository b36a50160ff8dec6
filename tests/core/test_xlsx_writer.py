"""The XLSX writer of every export (`core.spreadsheets.xlsx_response`): cells
of the right kind and format, text that stays text, a header row that stays
in view and filters, and a memory that does not grow with the rows."""

import datetime
import io
import tempfile
import tracemalloc
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import spreadsheets
from core.spreadsheets import xlsx_response

# Closing a response, as the server does once the file is sent, signals the
# end of the request, and Django then checks its database connections.
pytestmark = pytest.mark.django_db

COLUMNS = [
    ("Code", lambda row: row["code"]),
    ("Budget", lambda row: row["budget"]),
    ("Planned start", lambda row: row["start"]),
    ("Beneficiaries", lambda row: row["people"]),
    ("Implementing partner of the project", lambda row: row["partner"]),
]
ROW = {
    "code": "QIP-2024-GAO-014",
    "budget": Decimal("48250.50"),
    "start": datetime.date(2024, 2, 1),
    "people": 375,
    "partner": None,
}


def _download(response) -> bytes:
    content = b"".join(response.streaming_content)
    response.close()
    return content


def _sheet(columns, rows, title="Projects"):
    response = xlsx_response(columns, rows, stem="projets", title=title)
    return load_workbook(io.BytesIO(_download(response))).worksheets[0]


def _text_sheet(*texts):
    return _sheet([("Title", lambda row: row)], texts)


# --- Cells ---------------------------------------------------------------------------


def test_numbers_and_dates_are_written_as_such_with_their_formats():
    sheet = _sheet(COLUMNS, [ROW])

    code, budget, start, people, partner = sheet[2]
    assert (code.value, code.data_type) == ("QIP-2024-GAO-014", "s")
    assert budget.value == pytest.approx(48250.50)
    assert budget.number_format == "#,##0.00"
    assert start.value == datetime.datetime(2024, 2, 1)
    assert start.is_date
    assert start.number_format == "yyyy-mm-dd"
    assert (people.value, people.data_type) == (375, "n")
    assert partner.value is None


@pytest.mark.parametrize("formula", ["=1+1", "+33 6 12", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_text_that_a_spreadsheet_would_run_is_quoted_and_stays_text(formula):
    cell = _text_sheet(formula)["A2"]

    assert cell.data_type == "s"
    assert cell.value == "'" + formula.replace("\r", "\n")


@pytest.mark.parametrize("text", ["https://example.org", "0123", "1e5", "2024-02-01", "TRUE"])
def test_text_that_looks_like_a_link_or_a_number_stays_text(text):
    cell = _text_sheet(text)["A2"]

    assert (cell.value, cell.data_type) == (text, "s")
    assert cell.hyperlink is None


def test_control_characters_are_removed_before_neutralizing():
    sheet = _text_sheet("Marché\x01 de Gao\ufffe", "\x01=1+1", "one\r\ntwo")

    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Marché de Gao",
        "'=1+1",
        "one\ntwo",
    ]


def test_empty_text_is_an_empty_cell():
    sheet = _sheet(COLUMNS, [{**ROW, "code": "", "partner": "\x01"}])

    assert sheet["A2"].value is None
    assert sheet["E2"].value is None


# --- Header row ----------------------------------------------------------------------


def test_header_is_bold_frozen_and_filters_the_rows():
    sheet = _sheet(COLUMNS, [ROW, {**ROW, "code": "QIP-2024-GAO-015"}])

    assert [cell.value for cell in sheet[1]] == [header for header, _value in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"


def test_a_file_without_rows_still_has_its_header_and_filter():
    sheet = _sheet(COLUMNS, [])

    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:E1"


def test_columns_are_as_wide_as_their_header_within_bounds():
    long_header = "A header far longer than any column should ever be shown" * 2
    sheet = _sheet([("Id", lambda row: 1), (long_header, lambda row: 2)], [None])

    # (Excel adds some padding to the width given in characters.)
    assert sheet.column_dimensions["A"].width == pytest.approx(spreadsheets.XLSX_MIN_WIDTH, abs=1)
    assert sheet.column_dimensions["B"].width == pytest.approx(spreadsheets.XLSX_MAX_WIDTH, abs=1)
    wide = _sheet([("Implementing partner", lambda row: 1)], [None])
    assert wide.column_dimensions["A"].width == pytest.approx(
        len("Implementing partner") + 2, abs=1
    )


def test_headers_are_in_the_language_active_when_the_file_is_made():
    columns = [(gettext_lazy("Title"), lambda row: row)]

    with translation.override("fr"):
        response = xlsx_response(columns, ["Forage"], stem="projets", title="Projets")

    sheet = load_workbook(io.BytesIO(_download(response))).worksheets[0]
    assert sheet.title == "Projets"
    assert sheet["A1"].value == "Titre"


# --- The response --------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2025, 3, 14, 10, tzinfo=datetime.UTC))
def test_the_file_is_streamed_as_a_download_named_after_the_day():
    response = xlsx_response(COLUMNS, [ROW], stem="projets", title="Projects")

    assert response.streaming
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="projets-2025-03-14.xlsx"'
    assert int(response["Content-Length"]) == len(_download(response))


def test_the_file_goes_when_the_response_is_closed():
    response = xlsx_response(COLUMNS, [ROW], stem="projets", title="Projects")
    file = response.file_to_stream

    assert not file.closed
    response.close()
    assert file.closed


def test_nothing_is_left_on_disk_when_writing_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield ROW
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        xlsx_response(COLUMNS, rows(), stem="projets", title="Projects")

    assert list(tmp_path.iterdir()) == []


def test_nothing_is_left_on_disk_once_the_file_is_sent(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    _download(xlsx_response(COLUMNS, [ROW] * 3, stem="projets", title="Projects"))

    assert list(tmp_path.iterdir()) == []


# --- Memory --------------------------------------------------------------------------

WIDE_COLUMNS = [
    (f"Column {number}", lambda row, number=number: row[number % len(row)]) for number in range(10)
]


def _rows(count: int):
    # Made one at a time, as a queryset's iterator() hands them out.
    for number in range(count):
        yield (
            f"QIP-2024-GAO-{number:05d}",
            f"Réhabilitation du point d'eau {number}",
            Decimal(number) / 4,
            datetime.date(2024, 1, 1) + datetime.timedelta(days=number % 365),
            number,
        )


def _peak_memory(count: int) -> int:
    tracemalloc.start()
    try:
        response = xlsx_response(WIDE_COLUMNS, _rows(count), stem="t", title="Table")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    response.close()
    return peak


def test_memory_does_not_grow_with_the_rows():
    _peak_memory(100)  # imports and caches of the first call, not measured

    small, large = _peak_memory(2_000), _peak_memory(20_000)

    # Ten times the rows: a writer that keeps them (openpyxl's normal mode)
    # takes several times the memory; this one the same, give or take.
    assert large < 1.5 * small, (small, large)
