"""Exchange rates by month: the list, recording a month's rate and correcting
one through the confirmation step, for each role."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from funding.models import Contribution, ExchangeRate
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import ContributionFactory, ExchangeRateFactory

READERS = ["hq_user", "fund_manager", "gao_officer", "viewer", "no_role_user", "admin_user"]
MONEY_MANAGERS = ["fund_manager", "admin_user"]
OTHERS = ["hq_user", "gao_officer", "viewer"]
CONFIRMED = {"confirmed": "yes"}
SIGN_IN = "/accounts/login/"
MARCH = datetime.date(2024, 3, 1)

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _errors(response) -> dict:
    return response.context["form"].errors


def _rate_data(**changes) -> dict:
    return {"currency": "XOF", "month": "2024-03", "units_per_usd": "605.25"} | changes


def _rows(response) -> list[tuple[str, datetime.date]]:
    return [(rate.currency, rate.month) for rate in response.context["page_obj"].object_list]


# --- Reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_signed_in_role_reads_the_rates(client_for, request, role):
    ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("605.25"))

    response = _english(client_for(request.getfixturevalue(role))).get("/funding/rates/")

    assert response.status_code == 200
    assert "March 2024" in response.text
    assert "605.25" in response.text


def test_rate_page_explains_that_recorded_amounts_keep_their_equivalent(client_for, viewer):
    text = _english(client_for(viewer)).get("/funding/rates/").text

    assert "Amounts already recorded keep the US dollar equivalent fixed at their date" in text


def test_rates_are_listed_latest_month_first(client_for, viewer):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 1, 1))
    ExchangeRateFactory(currency="EUR", month=MARCH)
    ExchangeRateFactory(currency="XOF", month=MARCH)

    response = client_for(viewer).get("/funding/rates/")

    assert _rows(response) == [
        ("EUR", MARCH),
        ("XOF", MARCH),
        ("XOF", datetime.date(2024, 1, 1)),
    ]


def test_rates_filter_by_currency_and_year(client_for, viewer):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2023, 12, 1))
    ExchangeRateFactory(currency="XOF", month=MARCH)
    ExchangeRateFactory(currency="EUR", month=MARCH)
    client = client_for(viewer)

    assert _rows(client.get("/funding/rates/", {"currency": "XOF", "year": 2024})) == [
        ("XOF", MARCH)
    ]
    assert _rows(client.get("/funding/rates/", {"year": 2023})) == [
        ("XOF", datetime.date(2023, 12, 1))
    ]
    invalid = client.get("/funding/rates/", {"currency": "USD"})  # the dollar has no rate
    assert invalid.context["filter"].form.errors and not _rows(invalid)


def test_rates_are_shown_50_a_page(client_for, viewer):
    for year in (2021, 2022, 2023, 2024, 2025):
        for month in range(1, 13):
            ExchangeRateFactory(currency="XOF", month=datetime.date(year, month, 1))
    client = client_for(viewer)

    first = client.get("/funding/rates/", {"currency": "XOF"})
    second = client.get("/funding/rates/", {"currency": "XOF", "page": 2})

    assert len(_rows(first)) == 50
    assert _rows(first)[0] == ("XOF", datetime.date(2025, 12, 1))
    assert len(_rows(second)) == 10
    assert "currency=XOF&amp;page=2" in first.text


def test_correct_and_record_links_only_for_money_managers(client_for, fund_manager, viewer):
    rate = ExchangeRateFactory()

    managers = client_for(fund_manager).get("/funding/rates/").text
    readers = client_for(viewer).get("/funding/rates/").text

    assert f"/funding/rates/{rate.pk}/edit/" in managers
    assert "/funding/rates/new/" in managers
    assert f"/funding/rates/{rate.pk}/edit/" not in readers
    assert "/funding/rates/new/" not in readers


@pytest.mark.parametrize("n", [1, 12])
def test_rate_list_query_count_does_not_grow(
    client_for, fund_manager, django_assert_num_queries, n
):
    for month in range(1, n + 1):
        ExchangeRateFactory(currency="XOF", month=datetime.date(2024, month, 1))
    client = client_for(fund_manager)
    # After the navigation's queries: the count for the paginator, the page of rates.
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 2 + 1):
        response = client.get("/funding/rates/", {"currency": "XOF"})
    assert len(_rows(response)) == n


# --- Recording a rate -------------------------------------------------------------------


@pytest.mark.parametrize("role", MONEY_MANAGERS)
def test_money_managers_record_a_rate_once_confirmed(client_for, request, role):
    client = _english(client_for(request.getfixturevalue(role)))
    assert client.get("/funding/rates/new/").status_code == 200

    unconfirmed = client.post("/funding/rates/new/", _rate_data())
    assert not ExchangeRate.objects.exists()
    assert "Record the rate of XOF for March 2024?" in unconfirmed.text
    response = client.post("/funding/rates/new/", _rate_data() | CONFIRMED)

    assert response.status_code == 302
    assert response.url == "/funding/rates/"
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.month, rate.units_per_usd) == ("XOF", MARCH, Decimal("605.25"))
    assert "The exchange rate was recorded." in _messages(client.get(response.url))


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_record_a_rate(client_for, request, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get("/funding/rates/new/").status_code == 403
    assert client.post("/funding/rates/new/", _rate_data() | CONFIRMED).status_code == 403
    assert not ExchangeRate.objects.exists()


def test_anonymous_visitor_cannot_reach_the_rate_forms(client):
    rate = ExchangeRateFactory(units_per_usd=Decimal("600"))

    for url in ("/funding/rates/new/", f"/funding/rates/{rate.pk}/edit/"):
        assert client.get(url).url.startswith(SIGN_IN)
        assert client.post(url, _rate_data() | CONFIRMED).url.startswith(SIGN_IN)
    assert ExchangeRate.objects.get().units_per_usd == Decimal("600")


def test_a_french_rate_is_understood(client_for, fund_manager):
    client_for(fund_manager).post(
        "/funding/rates/new/", _rate_data(units_per_usd="605,25") | CONFIRMED
    )

    assert ExchangeRate.objects.get().units_per_usd == Decimal("605.25")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"units_per_usd": "0"}, "units_per_usd", "A rate must be more than zero."),
        ({"units_per_usd": "-3"}, "units_per_usd", "A rate must be more than zero."),
        ({"units_per_usd": "six cents"}, "units_per_usd", "Enter a rate, e.g. 605,25 or 605.25."),
        ({"month": "mars 2024"}, "month", "Enter a month as YYYY-MM, e.g. 2026-03."),
        ({"month": "2024-13"}, "month", "Enter a month as YYYY-MM, e.g. 2026-03."),
        ({"currency": "USD"}, "currency", "Select a valid choice. USD is not one of"),
    ],
)
def test_bad_rate_is_refused_with_a_clear_message(
    client_for, fund_manager, changes, field, message
):
    response = _english(client_for(fund_manager)).post(
        "/funding/rates/new/", _rate_data(**changes) | CONFIRMED
    )

    assert response.status_code == 200
    assert any(error.startswith(message) for error in _errors(response)[field])
    assert message in response.text
    assert not ExchangeRate.objects.exists()


def test_a_months_rate_already_recorded_is_not_overwritten_but_linked(client_for, fund_manager):
    rate = ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("600"))

    response = _english(client_for(fund_manager)).post(
        "/funding/rates/new/", _rate_data() | CONFIRMED
    )

    assert response.status_code == 200
    assert _errors(response)["month"] == ["The rate of XOF for March 2024 is already recorded."]
    assert f'href="/funding/rates/{rate.pk}/edit/"' in response.text
    assert ExchangeRate.objects.get().units_per_usd == Decimal("600")


# --- Correcting a rate ------------------------------------------------------------------


@pytest.mark.parametrize("role", MONEY_MANAGERS)
def test_money_managers_correct_a_rate_once_confirmed(client_for, request, role):
    rate = ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("600"))
    client = _english(client_for(request.getfixturevalue(role)))
    url = f"/funding/rates/{rate.pk}/edit/"
    form = client.get(url)
    assert form.context["form"]["units_per_usd"].value() == Decimal("600")

    client.post(url, {"units_per_usd": "605.25"})
    assert ExchangeRate.objects.get().units_per_usd == Decimal("600")
    # The currency and month of a rate are not the correction's to change.
    response = client.post(url, _rate_data(currency="EUR", month="2020-01") | CONFIRMED)

    assert response.url == "/funding/rates/"
    corrected = ExchangeRate.objects.get()
    assert (corrected.currency, corrected.month, corrected.units_per_usd) == (
        "XOF",
        MARCH,
        Decimal("605.25"),
    )
    assert "The exchange rate was corrected." in _messages(client.get(response.url))


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_correct_a_rate(client_for, request, role):
    rate = ExchangeRateFactory(units_per_usd=Decimal("600"))
    client = client_for(request.getfixturevalue(role))
    url = f"/funding/rates/{rate.pk}/edit/"

    assert client.get(url).status_code == 403
    assert client.post(url, _rate_data() | CONFIRMED).status_code == 403
    assert ExchangeRate.objects.get().units_per_usd == Decimal("600")


def test_a_correction_of_zero_is_refused(client_for, fund_manager):
    rate = ExchangeRateFactory(units_per_usd=Decimal("600"))

    response = _english(client_for(fund_manager)).post(
        f"/funding/rates/{rate.pk}/edit/", {"units_per_usd": "0"} | CONFIRMED
    )

    assert "A rate must be more than zero." in response.text
    assert ExchangeRate.objects.get().units_per_usd == Decimal("600")


def test_a_correction_leaves_the_amounts_already_recorded_as_they_were(client_for, fund_manager):
    rate = ExchangeRateFactory(currency="XOF", month=MARCH, units_per_usd=Decimal("600"))
    ContributionFactory(
        amount=Decimal("600000000"),
        currency="XOF",
        amount_usd=Decimal("1000000"),
        pledged_on=datetime.date(2024, 3, 5),
    )

    client_for(fund_manager).post(
        f"/funding/rates/{rate.pk}/edit/", {"units_per_usd": "500"} | CONFIRMED
    )

    assert ExchangeRate.objects.get().units_per_usd == Decimal("500")
    assert Contribution.objects.get().amount_usd == Decimal("1000000")
