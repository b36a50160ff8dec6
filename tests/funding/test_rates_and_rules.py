import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from funding import rates, rules
from funding.models import ExchangeRate, Mechanism, Window

MARCH = datetime.date(2024, 3, 1)


@pytest.fixture
def xof_march(db):
    return ExchangeRate.objects.create(currency="XOF", month=MARCH, units_per_usd=Decimal("600"))


def test_an_amount_is_converted_at_the_rate_of_its_month_to_the_cent(xof_march):
    assert rates.to_usd(Decimal("1000000"), "XOF", on=datetime.date(2024, 3, 20)) == Decimal(
        "1666.67"
    )
    assert rates.to_usd(Decimal("12.34"), "USD", on=MARCH) == Decimal("12.34")


def test_a_missing_rate_is_an_error_naming_the_currency_and_month(xof_march):
    with translation.override("en"), pytest.raises(rates.MissingRate) as missing:
        rates.to_usd(Decimal("1000"), "XOF", on=datetime.date(2024, 4, 2))

    assert "XOF" in missing.value.messages[0]
    assert "April 2024" in missing.value.messages[0]
    with pytest.raises(rates.MissingRate):
        rates.to_usd(Decimal("1000"), "EUR", on=MARCH)  # another currency's rate is no help


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"units_per_usd": Decimal("0")}, "positive"),
        ({"month": datetime.date(2024, 3, 15)}, "day one"),
    ],
)
def test_database_refuses_a_rate_that_is_not_positive_or_not_a_month(fields, name):
    values = {"currency": "EUR", "month": MARCH, "units_per_usd": Decimal("0.92"), **fields}

    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(**values)
    assert not ExchangeRate.objects.exists(), name


def test_database_refuses_two_rates_for_one_currency_and_month(xof_march):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(currency="XOF", month=MARCH, units_per_usd=Decimal("610"))


def _qip_problems(budget, currency, *, on=MARCH):
    return rules.check_project(
        mechanism=Mechanism.objects.get(code="qip"),
        window=None,
        budget=Decimal(budget),
        currency=currency,
        start=datetime.date(2024, 3, 1),
        end=datetime.date(2024, 6, 30),
        on=on,
    )


def test_a_qip_in_cfa_francs_is_checked_against_the_ceiling_in_dollars(xof_march):
    assert _qip_problems("25000000", "XOF") == []  # USD 41,666.67
    with translation.override("en"):
        problems = _qip_problems("36000000", "XOF")  # USD 60,000.00

    assert len(problems) == 1
    assert problems == [
        "36,000,000.00\xa0XOF is 60,000.00\xa0USD at 600 XOF per USD (UN rate of March 2024): "
        "more than the 50,000\xa0USD a QIP project may cost."
    ]
    assert problems[0].concerns == "budget"
    assert problems[0].figures["budget_usd"] == Decimal("60000.00")
    assert problems[0].figures["units_per_usd"] == Decimal("600")


def test_a_qip_in_another_currency_without_a_rate_is_refused_naming_the_rate(db):
    with translation.override("en"):
        problems = _qip_problems("25000000", "XOF")

    assert problems and "No exchange rate for XOF in March 2024" in problems[0]


def test_a_trust_fund_project_needs_no_rate(db):
    problems = rules.check_project(
        mechanism=Mechanism.objects.get(code="tf"),
        window=None,
        budget=Decimal("900000"),
        currency="EUR",
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2026, 12, 31),
        on=MARCH,
    )

    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("window", "months", "allowed"),
    [("irf", 18, True), ("irf", 19, False), ("prf", 36, True), ("prf", 37, False)],
)
def test_pbf_windows_limit_the_duration(window, months, allowed):
    start = datetime.date(2024, 1, 1)
    index = start.month - 1 + months
    end = datetime.date(start.year + index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)

    problems = rules.check_project(
        mechanism=Mechanism.objects.get(code="pbf"),
        window=Window.objects.get(code=window),
        budget=Decimal("1000000"),
        currency="USD",
        start=start,
        end=end,
    )

    assert (problems == []) is allowed


@pytest.mark.django_db
def test_a_pbf_project_without_a_window_is_refused_naming_the_windows():
    with translation.override("en"):
        problems = rules.check_project(
            mechanism=Mechanism.objects.get(code="pbf"),
            window=None,
            budget=Decimal("1000000"),
            currency="USD",
            start=datetime.date(2024, 1, 1),
            end=datetime.date(2030, 12, 31),  # longer than either window allows
        )

    assert len(problems) == 1
    assert "must name their window" in problems[0]


def test_a_mechanism_without_windows_needs_none(db):
    assert _qip_problems("40000", "USD") == []
