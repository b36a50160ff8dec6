"""Money as CSV and XLSX: contributions and rates as their lists filter them,
and a mechanism's ledger by project. Headers in the reader's language, amounts
as numbers, no formulas."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from funding.models import Mechanism
from portfolio import exports, ledgers
from regions.models import Region
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _csv_text(response) -> str:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads the accents
    return text[1:]


def _csv(response, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_csv_text(response)), delimiter=delimiter))


def _xlsx(response) -> list[list]:
    """The header and the rows, within the auto-filter: not the totals below."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    last = int(sheet.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return [list(row) for row in sheet.iter_rows(max_row=last, values_only=True)]


def _records(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def sweden_contribution(db):
    contribution = ContributionFactory(
        donor=OrganisationFactory(name="Royaume de Suède", acronym="SE"),
        earmark_region=Region.objects.get(code="ML-7"),
        earmark_pillar="social_cohesion",
        amount=Decimal("1234567.89"),
        pledged_on=datetime.date(2024, 1, 15),
        reference="CONV-SE-2024",
    )
    DepositFactory(contribution=contribution, amount=Decimal("500000.50"))
    FundingApprovalFactory(
        contribution=contribution,
        project=ProjectFactory(mechanism=contribution.mechanism),
        amount=Decimal("200000"),
    )
    return contribution


# --- Contributions ----------------------------------------------------------------------


def test_contributions_csv_is_french_with_semicolons_and_decimal_commas(
    client_for, viewer, sweden_contribution
):
    response = client_for(viewer).get("/funding/contributions/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="contributions-' in response["Content-Disposition"]
    rows = _csv(response, ";")
    assert {"Mécanisme", "Devise"} <= set(rows[0])
    assert len(rows) == 2
    row = rows[1]
    assert "1234567,89" in row
    assert "500000,50" in row
    assert "300000,50" in row  # available: received − approved
    assert "2024-01-15" in row


def test_contributions_csv_in_english(client_for, viewer, sweden_contribution):
    rows = _csv(_english(client_for(viewer)).get("/funding/contributions/export.csv"), ",")

    assert _records(rows) == [
        {
            "Donor": "Royaume de Suède",
            "Mechanism": "TF",
            "Earmarked region": "Gao",
            "Earmarked pillar": "Social cohesion",
            "Pledged on": "2024-01-15",
            "Pledged amount": "1234567.89",
            "Currency": "USD",
            "Pledged (USD)": "1234567.89",
            "Received (USD)": "500000.50",
            "Approved (USD)": "200000.00",
            "Available (USD)": "300000.50",
            "Agreement reference": "CONV-SE-2024",
        }
    ]


def test_contributions_xlsx_holds_numbers_and_dates(client_for, viewer, sweden_contribution):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 1, 1), units_per_usd=600)
    xof = ContributionFactory(
        amount=Decimal("300000000"), currency="XOF", amount_usd=Decimal("500000")
    )
    DepositFactory(
        contribution=xof, amount=Decimal("6000000"), amount_usd=Decimal("10000"), is_increase=True
    )

    response = _english(client_for(viewer)).get("/funding/contributions/export.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="contributions-' in response["Content-Disposition"]
    records = {record["Currency"]: record for record in _records(_xlsx(response))}
    assert records["USD"]["Pledged amount"] == pytest.approx(1234567.89)
    assert records["USD"]["Available (USD)"] == pytest.approx(300000.50)
    assert records["USD"]["Pledged on"] == datetime.datetime(2024, 1, 15)
    # An increase of the pledge raises it, in its currency and in dollars.
    assert records["XOF"]["Pledged amount"] == 306000000
    assert records["XOF"]["Pledged (USD)"] == 510000
    assert records["XOF"]["Earmarked region"] is None


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_contribution_exports_have_the_filtered_rows_only(client_for, viewer, extension):
    ContributionFactory.create_batch(27)
    ContributionFactory(mechanism=Mechanism.objects.get(code="pbf"))
    ContributionFactory(pledged_on=datetime.date(2023, 5, 1))
    client = client_for(viewer)
    query = {"mechanism": "tf", "year": 2024, "page": 2}

    page = client.get("/funding/contributions/", query)
    response = client.get(f"/funding/contributions/export.{extension}", query)

    rows = _csv(response, ";") if extension == "csv" else _xlsx(response)
    assert page.context["totals"]["count"] == 27
    assert len(rows) - 1 == 27


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_contribution_exports_neutralize_formulas(client_for, viewer, extension):
    ContributionFactory(donor=OrganisationFactory(name='=HYPERLINK("http://x")'), reference="+1+1")

    response = client_for(viewer).get(f"/funding/contributions/export.{extension}")

    rows = _csv(response, ";") if extension == "csv" else _xlsx(response)
    assert '\'=HYPERLINK("http://x")' in rows[1]
    assert "'+1+1" in rows[1]


def test_contribution_exports_need_signing_in(client):
    for extension in ("csv", "xlsx"):
        response = client.get(f"/funding/contributions/export.{extension}")
        assert response.status_code == 302


# --- Exchange rates ----------------------------------------------------------------------


def test_rates_csv_has_months_as_year_month_and_french_decimals(client_for, viewer):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 3, 1), units_per_usd="605.25")

    response = client_for(viewer).get("/funding/rates/export.csv")

    assert 'filename="taux-de-change-' in response["Content-Disposition"]
    rows = _csv(response, ";")
    assert rows[0][0] == "Devise"
    assert rows[1] == ["XOF", "2024-03", "605,250000"]


def test_rates_xlsx_holds_the_rate_as_a_number_in_english(client_for, viewer):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 3, 1), units_per_usd="0.921234")

    response = _english(client_for(viewer)).get("/funding/rates/export.xlsx")

    assert 'filename="taux-de-change-' in response["Content-Disposition"]
    assert _xlsx(response) == [
        ["Currency", "Month", "Units per US dollar"],
        ["EUR", "2024-03", pytest.approx(0.921234)],
    ]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_rate_exports_have_the_filtered_rows_only(client_for, viewer, extension):
    for month in range(1, 13):
        ExchangeRateFactory(currency="XOF", month=datetime.date(2023, month, 1))
        ExchangeRateFactory(currency="EUR", month=datetime.date(2024, month, 1))
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 1, 1))

    response = client_for(viewer).get(
        f"/funding/rates/export.{extension}", {"currency": "XOF", "year": 2023}
    )

    rows = _csv(response, ";") if extension == "csv" else _xlsx(response)
    assert len(rows) - 1 == 12
    assert {row[0] for row in rows[1:]} == {"XOF"}


# --- A mechanism's ledger by project -------------------------------------------------------


@pytest.fixture
def qip_ledger(db):
    qip = Mechanism.objects.get(code="qip")
    usd = ProjectFactory(code="QIP-2024-GAO-001", mechanism=qip, status="ongoing")
    FundingApprovalFactory(project=usd, amount=Decimal("40000"))
    TrancheFactory(project=usd, amount=Decimal("32000"))
    ExpenditureFactory(project=usd, amount=Decimal("8000"))
    xof = ProjectFactory(
        code="QIP-2024-GAO-002",
        mechanism=qip,
        budget_amount=Decimal("24000000"),
        budget_currency="XOF",
        implementing_partner=None,
    )
    FundingApprovalFactory(
        project=xof, amount=Decimal("24000000"), currency="XOF", amount_usd=Decimal("40000")
    )
    ProjectFactory(code="TF-2024-GAO-001", mechanism=Mechanism.objects.get(code="tf"))
    return qip


def test_project_ledger_xlsx_has_both_currencies_and_the_delivery_rate(qip_ledger):
    with translation.override("en"):
        response = exports.project_ledger_xlsx(qip_ledger, ledgers.by_project(qip_ledger))

    assert 'filename="grand-livre-qip-' in response["Content-Disposition"]
    records = {record["Code"]: record for record in _records(_xlsx(response))}
    assert set(records) == {"QIP-2024-GAO-001", "QIP-2024-GAO-002"}
    usd = records["QIP-2024-GAO-001"]
    assert (usd["Region"], usd["Status"], usd["Currency"]) == ("Gao", "ongoing", "USD")
    assert (usd["Approved"], usd["Transferred"], usd["Spent"]) == (40000, 32000, 8000)
    assert (usd["Approved (USD)"], usd["Spent (USD)"]) == (40000, 8000)
    assert usd["Delivery rate (%)"] == 25
    xof = records["QIP-2024-GAO-002"]
    assert (xof["Budget"], xof["Approved"], xof["Approved (USD)"]) == (24000000, 24000000, 40000)
    assert xof["Implementing partner"] is None
    assert xof["Delivery rate (%)"] is None  # nothing transferred yet


def test_project_ledger_csv_is_french(qip_ledger):
    with translation.override("fr"):
        response = exports.project_ledger_csv(qip_ledger, ledgers.by_project(qip_ledger))

    assert 'filename="grand-livre-qip-' in response["Content-Disposition"]
    rows = _csv(response, ";")
    assert rows[0][:3] == ["Code", "Titre", "Région"]
    row = next(row for row in rows if row[0] == "QIP-2024-GAO-001")
    assert "40000,00" in row and "32000,00" in row and "25,00" in row
