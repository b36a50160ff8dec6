"""Money as people read it: in the locale's format, with its currency
(`1 234 567,89 USD` in French, `1,234,567.89 USD` in English)."""

from decimal import Decimal

from django.utils.formats import number_format


def format_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    # A no-break space keeps the amount and its currency on one line.
    return f"{number_format(amount, 2, force_grouping=True)}\u00a0{currency}"


def delivery_rate(spent: Decimal | None, transferred: Decimal | None) -> Decimal | None:
    """Spent over transferred, as a percentage; none when nothing was transferred."""
    if not transferred:
        return None
    return (spent or Decimal("0")) * 100 / transferred
