"""The money figures, defined once: what each one counts and how the derived
ones are computed. Every page, export and report takes them from here, or
from the read layer (`portfolio`) that sums them across apps; the glossary
page (`portfolio.figures.glossary`) says the same in words.

    pledged            the contributions' pledges, raised by deposits marked as increases
    received           deposits
    approved           funding approvals of projects
    transferred        tranches paid to implementing partners
    spent              expenditure reported
    available          received − approved: what may still be approved
    left to transfer   approved − transferred, in the approval's currency
    delivery rate      spent ÷ transferred, cumulative

Amounts in another currency count through their US dollar equivalent, fixed at
the rate of their date when they were recorded.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, Func, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from funding.models import MONEY_DIGITS


def available(received: Decimal, approved: Decimal) -> Decimal:
    """What may still be approved: received − approved."""
    return received - approved


def left_to_transfer(approved: Decimal, transferred: Decimal) -> Decimal:
    """What is approved and not yet transferred, in the approval's own
    currency (a project's approvals and tranches share it). Never negative:
    tranches never exceed approvals."""
    return max(approved - transferred, Decimal("0"))


def delivery_rate(spent: Decimal | None, transferred: Decimal | None) -> Decimal | None:
    """Spent over transferred, cumulative, as a percentage; none when nothing
    was transferred. Both amounts must cover the same span: a year's spending
    over another year's transfers is no rate."""
    if not transferred:
        return None
    return (spent or Decimal("0")) * 100 / transferred


ZERO = Decimal("0")
USD_FIELD = DecimalField(max_digits=18, decimal_places=MONEY_DIGITS["decimal_places"])
FIGURES = ["pledged", "received", "approved", "transferred", "spent"]


def total(queryset: QuerySet, field: str = "amount_usd"):
    """The sum of `field` over `queryset` (filtered on OuterRef), as a
    correlated subquery that reads 0 where there are no rows."""
    sums = queryset.order_by().annotate(_sum=Func(F(field), function="SUM")).values("_sum")
    return Coalesce(Subquery(sums, output_field=USD_FIELD), Value(ZERO), output_field=USD_FIELD)


@dataclass
class Figures:
    """One row of a ledger."""

    pledged: Decimal = ZERO
    received: Decimal = ZERO
    approved: Decimal = ZERO
    transferred: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return available(self.received, self.approved)

    @property
    def delivery_rate(self) -> Decimal | None:
        return delivery_rate(self.spent, self.transferred)
