"""Money as people read it: in the locale's format, with its currency
(`1 234 567,89 USD` in French, `1,234,567.89 USD` in English)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext


def rounded(amount, places: int) -> Decimal:
    """`amount` rounded half up to `places` decimals (number_format would
    cut the extra decimals off instead)."""
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cents(amount) -> Decimal | None:
    """A sum as the database returns it, to the cent (some databases return
    sums of subqueries with more or fewer decimals)."""
    return None if amount is None else rounded(amount, 2)


def format_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    # A no-break space keeps the amount and its currency on one line.
    return f"{number_format(rounded(amount, 2), 2, force_grouping=True)}\u00a0{currency}"


def format_rate(units_per_usd: Decimal) -> str:
    """A rate as people read it: at most four decimals, in the locale's
    format (641,33 in French, 641.33 in English)."""
    return number_format(rounded(units_per_usd, 4).normalize(), force_grouping=True)


def format_whole(amount: Decimal | None) -> str:
    """An amount in whole units, grouped in the locale's way, for tables whose
    caption gives the currency."""
    if amount is None:
        return ""
    return number_format(rounded(amount, 0), 0, force_grouping=True)


def rate_text(units_per_usd: Decimal, currency: str, month) -> str:
    """The rate an amount is converted at, as people read it: "641,33 XOF per
    USD (UN rate of March 2026)"."""
    return gettext("%(rate)s %(currency)s per USD (UN rate of %(month)s)") % {
        "rate": format_rate(units_per_usd),
        "currency": currency,
        "month": date_format(month, "YEAR_MONTH_FORMAT"),
    }
