from django import template
from django.utils.formats import number_format

from funding.money import format_money, format_whole, rounded

register = template.Library()


@register.filter
def money(amount, currency="USD"):
    """`{{ amount|money:"XOF" }}`: the amount in the locale's format, with its currency."""
    return format_money(amount, currency)


@register.filter
def whole(amount):
    """`{{ amount|whole }}`: whole units, for ledger tables whose caption names the currency."""
    return format_whole(amount)


@register.filter
def percent(value):
    """`{{ rate|percent }}`: a percentage with one decimal, or a dash."""
    if value is None:
        return "—"
    return f"{number_format(rounded(value, 1), 1, force_grouping=True)}\u00a0%"
