from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

from funding.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="USD"):
    """`{{ amount|money:"XOF" }}`: the amount in the locale's format, with its currency."""
    return format_money(amount, currency)


@register.filter
def percent(value):
    """`{{ rate|percent }}`: a percentage with one decimal, or a dash."""
    if value is None:
        return "—"
    # number_format cuts the extra decimals off; round them first.
    value = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(value, 1, force_grouping=True)}\u00a0%"
