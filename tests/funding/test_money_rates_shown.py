"""Every money row keeps the rate its US dollar equivalent was fixed at, and
every money line shows its amount, its equivalent and that rate: on the
project's money, on the contribution's page, and on each confirmation before
recording. What is left to transfer is in the approvals' currency, apart from
any exchange-rate difference."""

import datetime
import importlib
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from funding import rates, services
from funding.models import (
    Contribution,
    Deposit,
    ExchangeRate,
    Expenditure,
    FundingApproval,
    Mechanism,
    Tranche,
)
from tests.factories import (
    ContributionFactory,
    DepositFactory,
    ExchangeRateFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
    TrancheFactory,
)

MARCH, APRIL, MAY = (datetime.date(2026, month, 1) for month in (3, 4, 5))
PATHS = {
    "approval": "/projects/{pk}/money/approvals/new/",
    "tranche": "/projects/{pk}/money/tranches/new/",
    "expenditure": "/projects/{pk}/money/expenditures/new/",
}
MODELS = {"approval": FundingApproval, "tranche": Tranche, "expenditure": Expenditure}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 20, 10, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def xof_rates(db):
    """The CFA franc in the spring of 2026: 641.33, then 640, then 640.767 to the dollar."""
    ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("641.33"))
    ExchangeRateFactory(currency="XOF", month=APRIL, units_per_usd=Decimal("640"))
    ExchangeRateFactory(currency="XOF", month=MAY, units_per_usd=Decimal("640.767"))


def _xof_project():
    """A QIP budgeted at 24,000,000 XOF (within the ceiling at March's rate)."""
    return ProjectFactory(
        budget_currency="XOF",
        budget_amount=Decimal("24000000"),
        planned_start=datetime.date(2026, 4, 1),
        planned_end=datetime.date(2026, 8, 31),
    )


def _approve(project, by, amount="24000000", day=datetime.date(2026, 3, 12)):
    return services.approve_funding(
        project,
        by=by,
        amount=Decimal(amount),
        currency="XOF",
        approved_on=day,
        decision_reference="PRC-2026-012",
    )[0]


def _transfer(project, by, amount, day):
    return services.record_tranche(
        project, by=by, amount=Decimal(amount), currency="XOF", paid_on=day, reference="TRF"
    )[0]


def _project_with(kind, by):
    """An XOF project with what `kind` needs recorded before it."""
    project = _xof_project()
    if kind != "approval":
        _approve(project, by)
    if kind == "expenditure":
        _transfer(project, by, "19200000", datetime.date(2026, 4, 3))
    return project


# --- A project's money ----------------------------------------------------------------

PROJECT_LINES = {
    "approval": (
        {"amount": "24000000", "approved_on": "2026-03-12", "decision_reference": "PRC-2026-012"},
        MARCH,
        "24,000,000.00\xa0XOF",
        "37,422.23\xa0USD at 641.33 XOF per USD (UN rate of March 2026)",
    ),
    "tranche": (
        {"amount": "19200000", "paid_on": "2026-04-03", "reference": "TRF-2026-0042"},
        APRIL,
        "19,200,000.00\xa0XOF",
        "30,000.00\xa0USD at 640 XOF per USD (UN rate of April 2026)",
    ),
    "expenditure": (
        {"amount": "4800000", "spent_on": "2026-05-05", "category": "supplies"},
        MAY,
        "4,800,000.00\xa0XOF",
        "7,491.02\xa0USD at 640.767 XOF per USD (UN rate of May 2026)",
    ),
}


@pytest.mark.parametrize("kind", ["approval", "tranche", "expenditure"])
def test_each_project_money_line_shows_its_usd_and_rate_before_and_after_recording(
    client_for, fund_manager, xof_rates, kind
):
    project = _project_with(kind, fund_manager)
    fields, month, amount, usd = PROJECT_LINES[kind]
    data = {"token": str(uuid.uuid4()), "currency": "XOF", **fields}
    client = client_for(fund_manager)
    path = PATHS[kind].format(pk=project.pk)

    confirmation = client.post(path, data)

    assert confirmation.templates[0].name == "funding/confirm.html"
    assert f"{amount} — {usd}" in confirmation.text
    assert not MODELS[kind].objects.filter(amount=Decimal(fields["amount"])).exists()

    assert client.post(path, {**data, "confirmed": "yes"}).status_code == 302
    row = MODELS[kind].objects.get(amount=Decimal(fields["amount"]))
    assert row.units_per_usd == ExchangeRate.objects.get(currency="XOF", month=month).units_per_usd
    page = client.get(f"/projects/{project.pk}/").text
    assert amount in page and usd in page


def test_rates_show_at_most_four_decimals_in_the_readers_format(
    client, client_for, fund_manager, reader
):
    ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("641.333333"))
    project = _xof_project()
    _approve(project, fund_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client_for(reader).get(f"/projects/{project.pk}/").text

    assert "37\xa0422,04\xa0USD" in page
    assert "641,3333 XOF" in page and "641,333333" not in page
    assert "mars 2026" in page


def test_usd_amounts_show_no_rate(client_for, fund_manager):
    project = ProjectFactory()
    client = client_for(fund_manager)
    data = {
        "token": str(uuid.uuid4()),
        "currency": "USD",
        "amount": "5000",
        "approved_on": "2026-03-12",
        "decision_reference": "PRC-2026-013",
        "contribution": "",
    }

    confirmation = client.post(PATHS["approval"].format(pk=project.pk), data).text
    client.post(PATHS["approval"].format(pk=project.pk), {**data, "confirmed": "yes"})
    page = client.get(f"/projects/{project.pk}/").text

    assert "5,000.00\xa0USD" in confirmation and "5,000.00\xa0USD" in page
    assert "per USD" not in confirmation and "per USD" not in page
    assert FundingApproval.objects.get().units_per_usd == 1


# --- Left to transfer -----------------------------------------------------------------


def test_an_approval_fully_transferred_at_later_rates_leaves_nothing_to_transfer(
    client_for, fund_manager, reader, xof_rates
):
    # 24,000,000 XOF approved in March (37,422.23 USD), transferred in April
    # and May at those months' rates (30,000.00 + 7,491.02 = 37,491.02 USD).
    project = _xof_project()
    _approve(project, fund_manager)
    _transfer(project, fund_manager, "19200000", datetime.date(2026, 4, 3))
    _transfer(project, fund_manager, "4800000", datetime.date(2026, 5, 4))

    page = client_for(reader).get(f"/projects/{project.pk}/").text

    assert '0.00\xa0XOF <span class="muted">(0.00\xa0USD at the approvals\' rate)</span>' in page
    assert "exchange-rate difference between approval and transfers: -68.79\xa0USD" in page
    assert page.count("68.79") == 1  # never as a balance left to transfer
    assert list(Tranche.objects.order_by("paid_on").values_list("units_per_usd", "amount_usd")) == [
        (Decimal("640"), Decimal("30000.00")),
        (Decimal("640.767"), Decimal("7491.02")),
    ]


def test_what_is_left_is_in_dollars_at_the_approvals_rate(client_for, fund_manager, xof_rates):
    project = _xof_project()
    _approve(project, fund_manager)
    _transfer(project, fund_manager, "19200000", datetime.date(2026, 4, 3))

    form = client_for(fund_manager).get(PATHS["tranche"].format(pk=project.pk)).text

    # 4,800,000 of 24,000,000 XOF left: a fifth of the 37,422.23 USD approved.
    # The tranche, at April's 640 rather than March's 641.33, took 30,000.00
    # USD of the other four fifths' 29,937.78.
    assert "4,800,000.00\xa0XOF" in form
    assert "(7,484.45\xa0USD at the approvals' rate)" in form
    assert "exchange-rate difference between approval and transfers: -62.22\xa0USD" in form


def test_money_converted_at_one_rate_shows_no_exchange_rate_difference(
    client_for, fund_manager, reader, xof_rates
):
    # All in March: the cent the rounding of each equivalent leaves is no
    # exchange-rate difference.
    project = _xof_project()
    _approve(project, fund_manager)
    _transfer(project, fund_manager, "19200000", datetime.date(2026, 3, 20))
    _transfer(project, fund_manager, "4800000", datetime.date(2026, 3, 25))

    page = client_for(reader).get(f"/projects/{project.pk}/").text

    assert "(0.00\xa0USD at the approvals' rate)" in page
    assert "exchange-rate difference" not in page


# --- Contributions and deposits -------------------------------------------------------


@pytest.fixture
def euro_rates(db):
    ExchangeRateFactory(currency="EUR", month=MARCH, units_per_usd=Decimal("0.923456"))
    ExchangeRateFactory(currency="EUR", month=APRIL, units_per_usd=Decimal("0.91"))


def _contribution_data(**changes) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "donor": OrganisationFactory(name="République fédérale d'Allemagne").pk,
        "mechanism": Mechanism.objects.get(code="tf").pk,
        "earmark_region": "",
        "earmark_pillar": "",
        "amount": "250000",
        "currency": "EUR",
        "pledged_on": "2026-03-10",
        "reference": "CONV-2026-01",
        "notes": "",
    }
    return data | changes


def test_a_contribution_shows_its_usd_and_rate_before_and_after_recording(
    client_for, fund_manager, euro_rates
):
    client = client_for(fund_manager)
    data = _contribution_data()
    line = "270,722.16\xa0USD at 0.9235 EUR per USD (UN rate of March 2026)"

    confirmation = client.post("/funding/contributions/new/", data)
    client.post("/funding/contributions/new/", data | {"confirmed": "yes"})

    assert f"250,000.00\xa0EUR — {line}" in confirmation.text
    contribution = Contribution.objects.get()
    assert contribution.units_per_usd == Decimal("0.923456")
    assert contribution.amount_usd == Decimal("270722.16")
    page = client.get(f"/funding/contributions/{contribution.pk}/").text
    assert "250,000.00\xa0EUR" in page and line in page


def test_editing_a_contribution_confirms_and_keeps_its_new_rate(
    client_for, fund_manager, euro_rates
):
    contribution = ContributionFactory(
        currency="EUR",
        amount=Decimal("250000"),
        amount_usd=Decimal("270722.16"),
        units_per_usd=Decimal("0.923456"),
        pledged_on=datetime.date(2026, 3, 10),
    )
    client = client_for(fund_manager)
    path = f"/funding/contributions/{contribution.pk}/edit/"
    data = {
        "version": contribution.version,
        "donor": contribution.donor_id,
        "mechanism": contribution.mechanism_id,
        "earmark_region": "",
        "earmark_pillar": "",
        "amount": "273000",
        "currency": "EUR",
        "pledged_on": "2026-04-02",
        "reference": "",
        "notes": "",
    }

    confirmation = client.post(path, data).text
    client.post(path, data | {"confirmed": "yes"})

    assert (
        "273,000.00\xa0EUR — 300,000.00\xa0USD at 0.91 EUR per USD (UN rate of April 2026)"
        in confirmation
    )
    contribution.refresh_from_db()
    assert (contribution.amount_usd, contribution.units_per_usd) == (
        Decimal("300000.00"),
        Decimal("0.91"),
    )


def test_each_deposit_shows_its_usd_and_rate_before_and_after_recording(
    client_for, fund_manager, euro_rates
):
    contribution = ContributionFactory(
        currency="EUR",
        amount=Decimal("250000"),
        amount_usd=Decimal("270722.16"),
        units_per_usd=Decimal("0.923456"),
        pledged_on=datetime.date(2026, 3, 10),
    )
    client = client_for(fund_manager)
    path = f"/funding/contributions/{contribution.pk}/deposits/new/"
    data = {
        "token": str(uuid.uuid4()),
        "amount": "91000",
        "currency": "EUR",
        "received_on": "2026-04-15",
        "reference": "VIR-2026-118",
        "is_increase": "",
    }

    confirmation = client.post(path, data).text
    client.post(path, data | {"confirmed": "yes"})

    assert (
        "91,000.00\xa0EUR — 100,000.00\xa0USD at 0.91 EUR per USD (UN rate of April 2026)"
        in confirmation
    )
    deposit = Deposit.objects.get()
    assert (
        deposit.units_per_usd == ExchangeRate.objects.get(currency="EUR", month=APRIL).units_per_usd
    )
    page = client.get(f"/funding/contributions/{contribution.pk}/").text
    assert "91,000.00\xa0EUR" in page and "100,000.00\xa0USD" in page
    assert "at 0.91 EUR per USD (UN rate of April 2026)" in page


def test_an_imported_contribution_keeps_its_rate(client_for, fund_manager, euro_rates):
    OrganisationFactory(name="Allemagne", acronym="GIZ")
    content = (
        "Donor,Mechanism,Pledged amount,Currency,Pledge date,Earmarked region,"
        "Earmarked pillar,Agreement reference,Notes\n"
        "GIZ,tf,250000,EUR,2026-03-10,,,AGR-1,\n"
    )
    upload = SimpleUploadedFile("file.csv", content.encode(), "text/csv")

    client_for(fund_manager).post("/funding/contributions/import/", {"file": upload})

    assert Contribution.objects.get().units_per_usd == Decimal("0.923456")


def test_money_rows_written_at_scale_keep_their_rates(db):
    call_command("seed_scale", "--projects", "12", "--yes", stdout=None)

    for model in (Contribution, Deposit, FundingApproval, Tranche, Expenditure):
        rows = list(model.objects.all())
        assert rows
        for row in rows:
            assert row.units_per_usd == rates.units_per_usd(row.currency, on=row.date), row
            assert row.amount_usd == rates.convert(row.amount, row.units_per_usd), row


# --- The rows recorded before the rate was kept ---------------------------------------

fill_rates_used = importlib.import_module("funding.migrations.0008_money_rate_used").fill_rates_used


def test_the_migration_gives_rows_recorded_before_it_the_rate_they_were_fixed_at(
    fund_manager, xof_rates
):
    project = _xof_project()
    # Rows as they were recorded before the rate was kept: the default of 1.
    approval = FundingApprovalFactory(
        project=project,
        currency="XOF",
        amount=Decimal("24000000"),
        amount_usd=Decimal("37422.23"),
        units_per_usd=1,
        approved_on=datetime.date(2026, 3, 12),
    )
    tranche = TrancheFactory(
        project=project,
        currency="XOF",
        amount=Decimal("19200000"),
        amount_usd=Decimal("30000.00"),
        units_per_usd=1,
        paid_on=datetime.date(2026, 4, 3),
    )
    # No rate of the euro for January: amount ÷ equivalent.
    deposit = DepositFactory(
        contribution__currency="EUR",
        contribution__amount=Decimal("5000"),
        contribution__amount_usd=Decimal("5400.00"),
        contribution__units_per_usd=1,
        amount=Decimal("1000"),
        amount_usd=Decimal("1083.37"),
        units_per_usd=1,
        received_on=datetime.date(2026, 1, 20),
    )
    in_dollars = ContributionFactory()
    # April's rate corrected after the tranche was recorded: the tranche's
    # equivalent stays at the rate it was fixed at.
    with time_machine.travel(datetime.datetime(2026, 6, 21, 10, 0), tick=False):
        services.record_rate(by=fund_manager, currency="XOF", month=APRIL, units_per_usd=645)
    assert {approval.units_per_usd, tranche.units_per_usd, deposit.units_per_usd} == {1}

    fill_rates_used(apps, None)

    for row in (approval, tranche, deposit, deposit.contribution, in_dollars):
        row.refresh_from_db()
    assert approval.units_per_usd == Decimal("641.33")
    assert tranche.units_per_usd == Decimal("640")
    assert deposit.units_per_usd == Decimal("0.923046")  # 1000 / 1083.37
    assert deposit.contribution.units_per_usd == Decimal("0.925926")  # 5000 / 5400
    assert in_dollars.units_per_usd == 1
    # Their history says the same.
    assert approval.history.get().units_per_usd == Decimal("641.33")
    assert tranche.history.get().units_per_usd == Decimal("640")
