"""Converting amounts to US dollars at the UN operational rate of their month.
A missing rate is an error that names the currency and the month: never a
silent 1.0, never the rate of another month."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from funding.models import ExchangeRate

CENT = Decimal("0.01")


class MissingRate(ValidationError):
    def __init__(self, currency: str, month: datetime.date):
        self.currency, self.month = currency, month
        super().__init__(
            _("No exchange rate for %(currency)s in %(month)s: record that month's UN rate first.")
            % {"currency": currency, "month": date_format(month, "YEAR_MONTH_FORMAT")},
            code="missing_rate",
        )


def units_per_usd(currency: str, *, on: datetime.date) -> Decimal:
    """The UN rate of `currency` for the month of `on`: units of it per US
    dollar (1 for the dollar itself)."""
    if currency == "USD":
        return Decimal("1")
    month = on.replace(day=1)
    rate = (
        ExchangeRate.objects.filter(currency=currency, month=month)
        .values_list("units_per_usd", flat=True)
        .first()
    )
    if rate is None:
        raise MissingRate(currency, month)
    return rate


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` in US dollars at `rate` (units per dollar), to the cent."""
    return (amount / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def to_usd(amount: Decimal, currency: str, *, on: datetime.date) -> Decimal:
    """`amount` of `currency` in US dollars at the rate of the month of `on`, to the cent."""
    if currency == "USD":
        return amount
    return convert(amount, units_per_usd(currency, on=on))
