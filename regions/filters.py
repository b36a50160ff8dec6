"""Filters of the regions app's list pages (django-filter)."""

import datetime

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from regions.models import Pillar, PlanPriority, Region, RegionalPlan


def sorting(sorts, *, filter_class=django_filters.OrderingFilter):
    """Sorting on `sorts` ((model field, query parameter, label), ...), with
    choices given lazily so that they follow each request's language (the
    default ones are fixed in the language of start-up). Shared by every list."""
    return filter_class(
        label=_("Sort by"),
        fields={field: param for field, param, _label in sorts},
        choices=[(param, label) for _field, param, label in sorts]
        + [
            (f"-{param}", format_lazy(_("{field} (descending)"), field=label))
            for _field, param, label in sorts
        ],
    )


def filtered_page(request, filterset, *, per_page: int) -> dict:
    """The context every filtered list shows: the filter form, the requested
    page of rows (the last one for a page number out of range) and the query
    string without `page`, for the pagination links. With an invalid filter
    the form shows the error and the list nothing, rather than rows the person
    did not ask for."""
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter": filterset,
        "page_obj": Paginator(rows, per_page).get_page(request.GET.get("page")),
        "querystring": query.urlencode(),
    }


# The longest search a list accepts. Longer text is refused with a message by
# the filter form: a search of the whole text of a page is a mistake or an
# attack, and SQLite refuses LIKE patterns over 50,000 bytes.
SEARCH_MAX_LENGTH = 200

# The value of the projects list's cercle filter that selects the projects
# without any cercle (the region page links to it).
NO_CERCLE = "none"


class YearFilter(django_filters.NumberFilter):
    # A whole year, bounded so that it always makes a valid date.
    field_class = forms.IntegerField


# (model field, query parameter, label) of the columns the list sorts on.
SORTS = [
    ("region__name_fr", "region", _("Region")),
    ("period_start", "period_start", _("Period start")),
    ("status", "status", _("Status")),
    ("title", "title", _("Title")),
]


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("All regions")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RegionalPlan.Status.choices, empty_label=_("Any status")
    )
    period = YearFilter(
        label=_("Year"),
        method="covering_year",
        min_value=1960,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"),
        choices=Pillar.choices,
        empty_label=_("Any pillar"),
        method="with_pillar",
    )
    ordering = sorting(SORTS)

    class Meta:
        model = RegionalPlan
        fields = ["q", "region", "status", "period", "pillar"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(context_analysis__icontains=value))

    def covering_year(self, queryset, name, value):
        return queryset.filter(
            period_start__lte=datetime.date(value, 12, 31),
            period_end__gte=datetime.date(value, 1, 1),
        )

    def with_pillar(self, queryset, name, value):
        # A subquery rather than a join: a join on priorities would repeat each
        # plan once per matching priority and inflate the list's totals.
        return queryset.filter(pk__in=PlanPriority.objects.filter(pillar=value).values("plan_id"))
