"""Filters of the funding lists and their exports (django-filter), and the
rows they start from."""

import django_filters
from django import forms
from django.db.models import F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from coordination.models import Organisation
from core.lists import YearFilter, sorting
from funding.figures import total
from funding.models import (
    RATED_CURRENCIES,
    Contribution,
    Currency,
    Deposit,
    ExchangeRate,
    FundingApproval,
    Mechanism,
)
from regions.models import Region

NOT_EARMARKED = "none"


def listed_contributions() -> QuerySet:
    """The rows of the contribution list, its exports and its page, before
    filtering: donor, mechanism and earmark joined, and each contribution's
    figures summed by the database in the same query.

        pledged_amount  the pledge raised by the deposits marked as increases,
                        in the contribution's currency (pledged_usd in USD)
        received_*      its deposits
        approved_usd    the funding approvals charged to it
        available_usd   received − approved
    """
    own = {"contribution": OuterRef("pk")}
    deposits = Deposit.objects.filter(**own)
    increases = deposits.filter(is_increase=True)
    return (
        Contribution.objects.select_related("donor", "mechanism", "earmark_region")
        .annotate(
            increased_amount=total(increases, "amount"),
            received_amount=total(deposits, "amount"),
            received_usd=total(deposits),
            approved_usd=total(FundingApproval.objects.filter(**own)),
        )
        .annotate(
            pledged_amount=F("amount") + F("increased_amount"),
            pledged_usd=F("amount_usd") + total(increases),
            available_usd=F("received_usd") - F("approved_usd"),
        )
    )


class _Stable(django_filters.OrderingFilter):
    """Sorts by the chosen columns, then by `tie_breaker`, so that rows with
    equal values keep one order from page to page."""

    tie_breaker = "-pk"

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        return qs.order_by(*ordering, self.tie_breaker)


# (model field, query parameter, label) of the columns the list sorts on.
CONTRIBUTION_SORTS = [
    ("pledged_on", "pledged_on", _("Pledge date")),
    ("donor__name", "donor", _("Donor")),
    ("mechanism__code", "mechanism", _("Mechanism")),
    ("pledged_usd", "pledged", _("Pledged (USD)")),
    ("received_usd", "received", _("Received (USD)")),
    ("available_usd", "available", _("Available (USD)")),
]


class ContributionFilter(django_filters.FilterSet):
    # Mechanisms, donors and regions by their code or number in the query
    # string; their choices are read once per request, which also validates.
    mechanism = django_filters.ChoiceFilter(
        label=_("Mechanism"), field_name="mechanism__code", empty_label=_("All mechanisms")
    )
    donor = django_filters.ChoiceFilter(label=_("Donor"), empty_label=_("All donors"))
    region = django_filters.ChoiceFilter(
        label=_("Earmarked for the region"), empty_label=_("Any earmark"), method="earmarked_for"
    )
    year = YearFilter(
        label=_("Year of pledge"),
        field_name="pledged_on",
        lookup_expr="year",
        min_value=1960,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    currency = django_filters.ChoiceFilter(
        label=_("Currency"), choices=Currency.choices, empty_label=_("Any currency")
    )
    ordering = sorting(CONTRIBUTION_SORTS, filter_class=_Stable)

    class Meta:
        model = Contribution
        fields = ["mechanism", "donor", "region", "year", "currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["mechanism"].extra["choices"] = [
            (mechanism.code, mechanism.acronym) for mechanism in Mechanism.objects.all()
        ]
        # Only the organisations that pledged something, not every partner.
        donors = (
            Organisation.objects.filter(contributions__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        )
        self.filters["donor"].extra["choices"] = [(str(pk), name) for pk, name in donors]
        regions = [(region.code, region.name) for region in Region.objects.in_scope()]
        self.filters["region"].extra["choices"] = [(NOT_EARMARKED, _("Not earmarked")), *regions]

    def earmarked_for(self, queryset, name, value: str):
        if value == NOT_EARMARKED:
            return queryset.filter(earmark_region__isnull=True)
        return queryset.filter(earmark_region__code=value)


class RateFilter(django_filters.FilterSet):
    currency = django_filters.ChoiceFilter(
        label=_("Currency"), choices=RATED_CURRENCIES, empty_label=_("Every currency")
    )
    year = YearFilter(
        label=_("Year"),
        field_name="month",
        lookup_expr="year",
        min_value=1960,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "year"]


def listed_rates() -> QuerySet:
    """The rates of the list and its exports: latest month first."""
    return ExchangeRate.objects.order_by("-month", "currency")
