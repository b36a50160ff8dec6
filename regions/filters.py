"""Filters of the regions app's list pages (django-filter)."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.lists import SEARCH_MAX_LENGTH, YearFilter, sorting
from regions.models import Pillar, PlanPriority, Region, RegionalPlan

# The value of the projects list's cercle filter that selects the projects
# without any cercle (the region page links to it).
NO_CERCLE = "none"


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
