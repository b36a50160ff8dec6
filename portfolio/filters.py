"""Filters of the open-data list (django-filter)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.lists import YearFilter
from funding.models import Mechanism
from projects.models import Project
from regions.models import Region


class OpenProjectFilter(django_filters.FilterSet):
    """The filters of the open list, by readable keys (a region's ISO code, a
    mechanism's code) so that links to a filtered list read well."""

    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=_("All regions"),
    )
    mechanism = django_filters.ModelChoiceFilter(
        label=_("Mechanism"),
        queryset=Mechanism.objects.all(),
        to_field_name="code",
        empty_label=_("All mechanisms"),
    )
    year = YearFilter(
        label=_("Year"),
        method="running_in_year",
        min_value=1960,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Project
        fields = ["region", "mechanism", "year"]

    def running_in_year(self, queryset, name, value):
        return queryset.filter(
            planned_start__lte=datetime.date(value, 12, 31),
            planned_end__gte=datetime.date(value, 1, 1),
        )
