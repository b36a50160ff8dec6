"""The files with amounts: US dollar columns and, in XLSX, their totals equal
to the figures their page shows (contributions, a donor's ledger, projects)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


def _totals(sheet) -> dict:
    """{header: total} of the row below the auto-filter."""
    headers = [cell.value for cell in sheet[1]]
    last = sheet.max_row
    assert sheet.auto_filter.ref.endswith(str(last - 1))
    assert sheet.cell(last, 1).value == "Total"
    return {
        header: Decimal(str(cell.value)).quantize(Decimal("0.01"))
        for header, cell in zip(headers, sheet[last], strict=True)
        if cell.value is not None and header != headers[0]
    }


@pytest.fixture
def donor(db):
    donor = OrganisationFactory(name="Royaume de Suède", acronym="SE")
    first = ContributionFactory(donor=donor, amount=Decimal("500000.00"))
    DepositFactory(contribution=first, amount=Decimal("300000.55"))
    second = ContributionFactory(donor=donor, amount=Decimal("250000.25"))
    DepositFactory(contribution=second, amount=Decimal("100000.00"))
    FundingApprovalFactory(
        contribution=first,
        mechanism=first.mechanism,
        project=ProjectFactory(mechanism=first.mechanism),
        amount=Decimal("40000.10"),
    )
    ContributionFactory(amount=Decimal("999.00"))  # another donor's
    return donor


def test_contributions_xlsx_totals_are_the_lists_totals(client_for, viewer, donor):
    client = client_for(viewer)

    page = client.get("/funding/contributions/")
    totals = _totals(_sheet(client.get("/funding/contributions/export.xlsx")))

    shown = page.context["totals"]
    assert totals == {
        "Annoncé (USD)": shown["pledged"],
        "Reçu (USD)": shown["received"],
        "Approuvé (USD)": shown["approved"],
        "Disponible (USD)": shown["available"],
    }


def test_a_donors_ledger_has_its_contributions_and_the_reports_totals(client_for, viewer, donor):
    client = client_for(viewer)

    report = client.get(f"/funding/donors/{donor.pk}/report/")
    sheet = _sheet(client.get(f"/funding/donors/{donor.pk}/ledger.xlsx"))

    assert sheet.max_row == 4  # the header, the donor's two contributions, the totals
    assert sheet.freeze_panes == "A2"
    shown = report.context["totals"]
    totals = _totals(sheet)
    assert totals["Annoncé (USD)"] == shown["pledged"] == Decimal("750000.25")
    assert totals["Reçu (USD)"] == shown["received"]
    assert totals["Approuvé (USD)"] == shown["approved"] == Decimal("40000.10")
    assert totals["Disponible (USD)"] == shown["available"]
    assert f"/funding/donors/{donor.pk}/ledger.csv" in report.content.decode()


def test_an_organisation_that_pledged_nothing_has_no_ledger(client_for, viewer):
    organisation = OrganisationFactory()

    response = client_for(viewer).get(f"/funding/donors/{organisation.pk}/ledger.csv")

    assert response.status_code == 404


def test_projects_xlsx_adds_the_money_in_usd_and_totals_the_lists_budget(client_for, reader):
    project = ProjectFactory(code="QIP-2024-GAO-001", budget_amount=Decimal("40000.00"))
    FundingApprovalFactory(project=project, amount=Decimal("32000.00"))
    TrancheFactory(project=project, amount=Decimal("25600.00"))
    ExpenditureFactory(project=project, amount=Decimal("10000.40"))
    ProjectFactory(code="QIP-2024-GAO-002", budget_amount=Decimal("12000.50"))
    client = client_for(reader)

    page = client.get("/projects/")
    sheet = _sheet(client.get("/projects/export.xlsx"))

    headers = [cell.value for cell in sheet[1]]
    budget = headers.index("Budget (USD)")  # (its translation is new)
    assert headers[budget + 1 : budget + 4] == [
        "Approuvé (USD)",
        "Transféré (USD)",
        "Dépensé (USD)",
    ]
    totals = list(_totals(sheet).values())
    assert totals[0] == page.context["totals"]["budget_usd"] == Decimal("52000.50")
    assert totals[1:] == [Decimal("32000.00"), Decimal("25600.00"), Decimal("10000.40")]


def test_projects_files_keep_a_fixed_number_of_queries_with_the_money(client_for, reader):
    client = client_for(reader)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/projects/export.xlsx")
        return len(queries)

    FundingApprovalFactory()
    few = count()
    for _ in range(5):
        project = ProjectFactory()
        FundingApprovalFactory(project=project)
        TrancheFactory(project=project)
    # The session and the user, the user's role, the projects with their
    # money (subqueries of the same query), their locations, their cercles.
    assert count() == few <= 6
