"""Filters of the coordination lists."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from coordination.models import CoordinationBody, Decision, Meeting, Organisation
from core.lists import SEARCH_MAX_LENGTH, sorting
from regions.models import Region

ORGANISATION_SORTS = [
    ("name", "name", _("Name")),
    ("acronym", "acronym", _("Acronym")),
    ("kind", "kind", _("Kind")),
    ("country", "country", _("Country")),
]


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("Any kind")
    )
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("Any country"))
    ordering = sorting(ORGANISATION_SORTS)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the countries some organisation has (one query), named in the
        # request's language, rather than the world's 250.
        used = (
            Organisation.objects.exclude(country="")
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        choices = [(code, countries.name(code)) for code in used]
        self.filters["country"].extra["choices"] = sorted(choices, key=lambda pair: pair[1])

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(acronym__icontains=value))


DECISION_SORTS = [
    ("due_date", "due_date", _("Due date")),
    ("status", "status", _("Status")),
    ("meeting__starts_at", "meeting", _("Meeting date")),
    ("meeting__body__name", "body", _("Body")),
]


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Decision.Status.choices, empty_label=_("Any status")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="overdue_only",
        widget=forms.Select(
            choices=[("", _("Overdue or not")), ("true", _("Overdue")), ("false", _("Not overdue"))]
        ),
    )
    body = django_filters.ModelChoiceFilter(
        label=_("Body"),
        field_name="meeting__body",
        queryset=CoordinationBody.objects.order_by("name"),
        empty_label=_("All bodies"),
    )
    owner_organisation = django_filters.ModelChoiceFilter(
        label=_("Owner (organisation)"),
        queryset=Organisation.objects.filter(decisions__isnull=False).distinct(),
        empty_label=_("Any organisation"),
    )
    owner_user = django_filters.ModelChoiceFilter(
        label=_("Owner (person)"),
        queryset=get_user_model().objects.filter(decisions__isnull=False).distinct(),
        empty_label=_("Anybody"),
    )
    ordering = sorting(DECISION_SORTS)

    class Meta:
        model = Decision
        fields = ["q", "status", "overdue", "body", "owner_organisation", "owner_user"]

    def search(self, queryset, name, value):
        return queryset.filter(text__icontains=value)

    def overdue_only(self, queryset, name, value):
        overdue = Decision.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


# --- Meetings --------------------------------------------------------------------

NATIONAL = "national"


def _upcoming_first(now) -> list:
    """The meetings to come, soonest first, then the past ones, latest first."""
    upcoming = Q(starts_at__gte=now)
    return [
        Case(When(upcoming, then=0), default=1).asc(),
        Case(When(upcoming, then=F("starts_at"))).asc(),
        F("starts_at").desc(),
        F("pk").desc(),
    ]


MEETING_ORDERS = {
    "newest": ["-starts_at", "-pk"],
    "oldest": ["starts_at", "pk"],
}


class MeetingFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    body = django_filters.ModelChoiceFilter(
        label=_("Body"),
        queryset=CoordinationBody.objects.order_by("name"),
        empty_label=_("All bodies"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), empty_label=_("All regions"), method="of_region"
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="starts_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    order = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[("newest", _("Latest first")), ("oldest", _("Earliest first"))],
        empty_label=_("Upcoming first"),
        method="keep",
    )

    class Meta:
        model = Meeting
        fields = ["q", "body", "region", "date_from", "date_to", "order"]
        form = MeetingFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "National", then the regions that have a body (one query), by code
        # in the query string so that links stay readable.
        regions = Region.objects.filter(coordination_bodies__isnull=False).distinct()
        choices = [(region.code, region.name) for region in regions]
        self.filters["region"].extra["choices"] = [(NATIONAL, _("National")), *choices]

    def search(self, queryset, name, value):
        text = Q(agenda__icontains=value) | Q(minutes__icontains=value)
        return queryset.filter(text | Q(place__icontains=value))

    def of_region(self, queryset, name, value: str):
        if value == NATIONAL:
            return queryset.filter(body__region__isnull=True)
        return queryset.filter(body__region__code=value)

    def keep(self, queryset, name, value):
        # The order is applied once every filter is (filter_queryset).
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        order = self.form.cleaned_data.get("order")
        return queryset.order_by(*MEETING_ORDERS.get(order) or _upcoming_first(timezone.now()))
