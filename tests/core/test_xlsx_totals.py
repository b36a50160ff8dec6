"""Totals of the amount columns an export declares (`core.spreadsheets.Total`,
`usd`): one row below the rows, out of the auto-filter, summed as written."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import spreadsheets

pytestmark = pytest.mark.django_db

COLUMNS = [
    ("Code", lambda row: row[0]),
    ("Currency", lambda row: row[1]),
    spreadsheets.usd("Approved (USD)", lambda row: row[2]),
    spreadsheets.Total("Spent (USD)", lambda row: row[3]),
]


def _sheet(rows):
    response = spreadsheets.xlsx_response(COLUMNS, iter(rows), stem="test", title="Test")
    content = b"".join(response.streaming_content)
    response.close()
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_the_row_of_totals_follows_the_rows_out_of_the_auto_filter():
    sheet = _sheet(
        [
            ("A", "XOF", Decimal("10.10"), Decimal("1.00")),
            ("B", "EUR", Decimal("20.25"), None),
            ("C", "USD", Decimal("0.01"), Decimal("2.50")),
        ]
    )

    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet.freeze_panes == "A2"
    total = [cell.value for cell in sheet[5]]
    assert total[0] == "Total"
    assert total[1] is None
    assert total[2] == pytest.approx(30.36)
    assert total[3] == pytest.approx(3.50)
    assert sheet["C5"].font.b and sheet["C5"].number_format == "#,##0.00"
    assert sheet.max_row == 5


def test_an_empty_file_has_no_totals():
    sheet = _sheet([])

    assert sheet.max_row == 1
    assert [cell.value for cell in sheet[1]] == [
        "Code",
        "Currency",
        "Approved (USD)",
        "Spent (USD)",
    ]


def test_a_file_without_amounts_to_total_ends_with_its_rows():
    response = spreadsheets.xlsx_response(
        [("Code", lambda row: row)], iter(["A", "B"]), stem="test", title="Test"
    )
    content = b"".join(response.streaming_content)
    response.close()

    assert load_workbook(io.BytesIO(content)).worksheets[0].max_row == 3


def test_the_csv_has_no_row_of_totals():
    response = spreadsheets.csv_response(
        COLUMNS, iter([("A", "XOF", Decimal("1.00"), Decimal("1.00"))]), stem="test"
    )

    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2
