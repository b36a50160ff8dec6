"""The confirmation of money in another currency than the dollar shows, beside
the amount, its US dollar equivalent and the rate used (its value, its month
and that it is the UN rate), in the reader's language; once recorded, the
project's or contribution's money shows the same dollars. Without the rate of
the month, the form says so and nothing is written."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from funding.models import Contribution, Mechanism, Tranche
from funding.money import format_money
from tests.factories import (
    ExchangeRateFactory,
    FundingApprovalFactory,
    OrganisationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10, 0), tick=False):
        yield


def _in(language, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _xof_project():
    project = ProjectFactory(
        budget_currency="XOF",
        budget_amount=Decimal("24000000"),
        planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2026, 8, 31),
    )
    FundingApprovalFactory(
        project=project,
        currency="XOF",
        amount=Decimal("24000000"),
        amount_usd=Decimal("37422.23"),
        units_per_usd=Decimal("641.33"),
        approved_on=datetime.date(2026, 3, 12),
    )
    return project


def _tranche(**changes):
    return {
        "token": str(uuid.uuid4()),
        "amount": "19200000",
        "currency": "XOF",
        "paid_on": "2026-04-03",
        "reference": "TRF-2026-0042",
        "step": "",
    } | changes


def test_a_tranche_in_cfa_francs_shows_dollars_and_rate_in_french_then_the_same_dollars(
    client_for, fund_manager
):
    ExchangeRateFactory(currency="XOF", month=APRIL, units_per_usd=Decimal("640"))
    project = _xof_project()
    client = _in("fr", client_for(fund_manager))
    path = f"/projects/{project.pk}/money/tranches/new/"

    confirmation = client.post(path, _tranche()).text

    assert "19\xa0200\xa0000,00\xa0XOF — 30\xa0000,00\xa0USD" in confirmation
    assert "640 XOF" in confirmation and "avril 2026" in confirmation
    assert not Tranche.objects.exists()

    client.post(path, _tranche(confirmed="yes"))
    tranche = Tranche.objects.get()
    with_usd = format_money(tranche.amount_usd, "USD")
    assert with_usd == "30\xa0000,00\xa0USD"  # the ledger's figure is the one confirmed
    assert with_usd in client.get(f"/projects/{project.pk}/").text


def test_a_contribution_in_euros_shows_dollars_and_rate_then_the_same_dollars(
    client_for, fund_manager
):
    ExchangeRateFactory(currency="EUR", month=MARCH, units_per_usd=Decimal("0.923456"))
    client = _in("en", client_for(fund_manager))
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

    confirmation = client.post("/funding/contributions/new/", data).text
    client.post("/funding/contributions/new/", data | {"confirmed": "yes"})

    line = "250,000.00\xa0EUR — 270,722.16\xa0USD at 0.9235 EUR per USD (UN rate of March 2026)"
    assert line in confirmation
    contribution = Contribution.objects.get()
    assert format_money(contribution.amount_usd, "USD") == "270,722.16\xa0USD"
    page = client.get(f"/funding/contributions/{contribution.pk}/").text
    assert "270,722.16\xa0USD" in page


def test_without_the_rate_of_its_month_the_form_says_so_and_nothing_is_written(
    client_for, fund_manager
):
    project = _xof_project()  # no rate of the CFA franc for April 2026
    client = _in("en", client_for(fund_manager))
    path = f"/projects/{project.pk}/money/tranches/new/"

    form = client.get(path).text
    response = client.post(path, _tranche())

    missing = "No exchange rate for XOF in April 2026: record that month&#x27;s UN rate first."
    assert missing in form  # said before anything is typed
    assert response.templates[0].name == "projects/money_form.html"
    assert "No exchange rate for XOF in April 2026" in " ".join(
        response.context["form"].errors["paid_on"]
    )
    assert not Tranche.objects.exists()


def test_the_form_shows_the_rate_of_the_month(client_for, fund_manager):
    ExchangeRateFactory(currency="XOF", month=APRIL, units_per_usd=Decimal("640"))
    project = _xof_project()

    form = _in("en", client_for(fund_manager)).get(f"/projects/{project.pk}/money/tranches/new/")

    assert "This month: 640 XOF per USD (UN rate of April 2026)." in form.text
