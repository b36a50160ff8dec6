"""The project list as CSV and XLSX: the page's filtered rows, all of them,
headers in the reader's language, no sensitive coordinates, no formulas."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.conf import settings

from projects.models import Location
from regions.models import Cercle, Region
from tests.conftest import SIGNED_IN_QUERIES
from tests.factories import LocationFactory, PriorityFactory, ProjectFactory, UserFactory


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads the accents
    delimiter = ";" if response.wsgi_request.LANGUAGE_CODE == "fr" else ","
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def _xlsx(response) -> list[list]:
    """The header and the rows, within the auto-filter: not the totals below."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    last = int(sheet.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return [list(row) for row in sheet.iter_rows(max_row=last, values_only=True)]


def _by_code(rows: list[list]) -> dict[str, dict]:
    headers = rows[0]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}


# --- Content -------------------------------------------------------------------------


def test_csv_has_french_headers_and_the_project_by_default(client_for, reader):
    project = ProjectFactory(
        code="QIP-2024-GAO-014",
        title="Forage de Sossokoïra",
        budget_amount=Decimal("48250.50"),
        priority=PriorityFactory(code="AXE-2"),
    )
    project.cercles.set([Cercle.objects.get(name="Ansongo")])

    response = client_for(reader).get("/projects/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert {"Code", "Titre", "Région", "Statut"} <= set(rows[0])
    row = _by_code(rows)["QIP-2024-GAO-014"]
    assert row["Titre"] == "Forage de Sossokoïra"
    assert row["Région"] == "Gao"
    assert row["Cercles"] == "Ansongo"
    assert row["Budget"] == "48250,50"
    assert row["Devise"] == "USD"
    assert row["Bénéficiaires"] == "375"
    assert row["Début prévu"] == "2024-02-01"
    assert row["Axe prioritaire"].startswith("AXE-2 — ")


def test_csv_headers_and_numbers_are_in_english_with_the_language_cookie(client_for, reader):
    ProjectFactory(code="QIP-2024-GAO-014", budget_amount=Decimal("48250.50"), status="ongoing")
    client = client_for(reader)
    _english(client)

    rows = _csv(client.get("/projects/export.csv"))

    assert rows[0][:4] == ["Code", "Title", "Summary", "Region"]
    row = _by_code(rows)["QIP-2024-GAO-014"]
    assert (row["Budget"], row["Status"]) == ("48250.50", "ongoing")


def test_xlsx_holds_real_dates_and_numbers_under_headers_in_the_language(client_for, reader):
    ProjectFactory(
        code="QIP-2024-GAO-014",
        budget_amount=Decimal("48250.50"),
        actual_start=datetime.date(2024, 2, 15),
    )
    client = client_for(reader)

    french = _xlsx(client.get("/projects/export.xlsx"))
    _english(client)
    response = client.get("/projects/export.xlsx")
    english = _xlsx(response)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert {"Titre", "Région"} <= set(french[0])
    assert {"Title", "Region"} <= set(english[0])
    row = _by_code(english)["QIP-2024-GAO-014"]
    assert row["Planned start"] == datetime.datetime(2024, 2, 1)
    assert row["Actual start"] == datetime.datetime(2024, 2, 15)
    assert row["Actual end"] is None
    assert row["Budget"] == pytest.approx(48250.50)
    assert row["Beneficiaries"] == 375
    assert row["Gender marker"] == 0


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_has_the_same_rows_as_the_filtered_list(client_for, reader, extension):
    ProjectFactory.create_batch(30, status="ongoing")
    ProjectFactory.create_batch(3)
    ProjectFactory(status="ongoing", region=Region.objects.get(code="ML-5"))
    client = client_for(reader)
    query = {"status": "ongoing", "region": Region.objects.get(code="ML-7").pk}

    page = client.get("/projects/", {**query, "page": "2"})
    response = client.get(f"/projects/export.{extension}", {**query, "page": "2"})

    rows = _csv(response) if extension == "csv" else _xlsx(response)
    assert page.context["totals"]["count"] == 30
    assert len(rows) - 1 == 30
    assert len(page.context["page_obj"].object_list) == 5  # the page, not the export


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_keeps_the_list_order(client_for, reader, extension):
    for code, amount in (
        ("QIP-2024-GAO-001", "3"),
        ("QIP-2024-GAO-002", "1"),
        ("QIP-2024-GAO-003", "2"),
    ):
        ProjectFactory(code=code, budget_amount=Decimal(amount))

    response = client_for(reader).get(f"/projects/export.{extension}", {"ordering": "-budget"})

    rows = _csv(response) if extension == "csv" else _xlsx(response)
    assert [row[0] for row in rows[1:]] == [
        "QIP-2024-GAO-001",
        "QIP-2024-GAO-003",
        "QIP-2024-GAO-002",
    ]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_with_an_invalid_filter_has_headers_and_no_rows(client_for, reader, extension):
    ProjectFactory()

    response = client_for(reader).get(f"/projects/export.{extension}", {"year": "abc"})

    rows = _csv(response) if extension == "csv" else _xlsx(response)
    assert len(rows) == 1


# --- Locations -----------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_sensitive_coordinates_are_never_exported_even_to_staff(client_for, hq_user, extension):
    project = ProjectFactory(code="QIP-2024-GAO-014")
    LocationFactory(project=project, place="Marché de Gao")
    LocationFactory(
        project=project,
        place="Camp de Tassiga",
        latitude=Decimal("15.52314"),
        longitude=Decimal("0.71237"),
        sensitivity=Location.Sensitivity.SENSITIVE,
    )
    LocationFactory(project=project, place="Village", latitude=None, longitude=None)
    client = client_for(hq_user)
    _english(client)

    response = client.get(f"/projects/export.{extension}")

    rows = _csv(response) if extension == "csv" else _xlsx(response)
    locations = _by_code(rows)["QIP-2024-GAO-014"]["Locations"]
    assert locations == (
        "Camp de Tassiga (coordinates withheld); Marché de Gao (16.27170, -0.04470); Village"
    )
    everything = str(rows)
    assert "15.52314" not in everything and "0.71237" not in everything


# --- Formulas ------------------------------------------------------------------------

DANGEROUS = {
    "QIP-2024-GAO-001": '=HYPERLINK("http://example.org","clic")',
    "QIP-2024-GAO-002": "+1+1",
    "QIP-2024-GAO-003": "-2+3",
    "QIP-2024-GAO-004": "@SUM(A1:A2)",
    "QIP-2024-GAO-005": "\t=1+1",
    "QIP-2024-GAO-006": "\r=1+1",
}


def _dangerous_projects():
    for code, title in DANGEROUS.items():
        ProjectFactory(code=code, title=title, summary=title)
    ProjectFactory(code="QIP-2024-GAO-007", title="Titre - sans danger", summary="")


def test_csv_neutralizes_what_a_spreadsheet_would_run_as_a_formula(client_for, reader):
    _dangerous_projects()

    rows = _by_code(_csv(client_for(reader).get("/projects/export.csv")))

    for code, title in DANGEROUS.items():
        assert rows[code]["Titre"] == "'" + title
        assert rows[code]["Résumé"] == "'" + title
    assert rows["QIP-2024-GAO-007"]["Titre"] == "Titre - sans danger"


def test_xlsx_neutralizes_what_a_spreadsheet_would_run_as_a_formula(client_for, reader):
    _dangerous_projects()

    response = client_for(reader).get("/projects/export.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    for code, title in DANGEROUS.items():
        # (Some XML parsers read a carriage return back as a line feed.)
        assert cells[code].value.replace("\r", "\n") == "'" + title.replace("\r", "\n")
        assert cells[code].data_type == "s"  # text, not a formula
    assert cells["QIP-2024-GAO-007"].value == "Titre - sans danger"


def test_xlsx_drops_control_characters_before_neutralizing(client_for, reader):
    ProjectFactory(code="QIP-2024-GAO-001", title="\x01=1+1", summary="Ligne\x0bsuivante")

    response = client_for(reader).get("/projects/export.xlsx")

    assert response.status_code == 200
    row = _by_code(_xlsx(response))["QIP-2024-GAO-001"]
    assert (row["Titre"], row["Résumé"]) == ("'=1+1", "Lignesuivante")


# --- The file ------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2025, 3, 14, 10, tzinfo=datetime.UTC))
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_is_a_download_named_after_the_day(client_for, reader, extension):
    response = client_for(reader).get(f"/projects/export.{extension}")

    assert (
        response["Content-Disposition"] == f'attachment; filename="projets-2025-03-14.{extension}"'
    )


# --- Query counts --------------------------------------------------------------------


def _projects_with_rows(n: int) -> None:
    cercle = Cercle.objects.get(name="Ansongo")
    for _ in range(n):
        project = ProjectFactory(priority=PriorityFactory(), focal_point=UserFactory())
        project.cercles.set([cercle])
        LocationFactory(project=project)
        LocationFactory(project=project, sensitivity=Location.Sensitivity.SENSITIVE)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("n", [5, 60])
def test_export_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, extension, n
):
    client = client_for(gao_officer)
    _projects_with_rows(n)

    # The user's role (which projects they may read, `reviews.visibility`),
    # the projects (region, mechanism, window, partner, priority and focal
    # point joined), then their locations and their cercles, prefetched once
    # per batch of 2,000 projects. No navigation: the file is not a page.
    with django_assert_num_queries(SIGNED_IN_QUERIES + 4):
        response = client.get(f"/projects/export.{extension}", {"ordering": "title"})
        rows = _csv(response) if extension == "csv" else _xlsx(response)

    assert len(rows) == n + 1
