"""The filters of the list of people."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.lists import SEARCH_MAX_LENGTH, sorting

NO_ROLE = "none"

PEOPLE_SORTS = [
    ("last_name", "name", _("Name")),
    ("office__name", "office", _("Office")),
    ("last_login", "last_login", _("Last sign-in")),
]


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH)
    role = django_filters.ChoiceFilter(
        label=_("Role"), method="filter_role", empty_label=_("Any role")
    )
    active = django_filters.BooleanFilter(
        label=_("Active"),
        field_name="is_active",
        widget=forms.Select(
            choices=[("", _("Active or not")), ("true", _("Active")), ("false", _("Deactivated"))]
        ),
    )
    ordering = sorting(PEOPLE_SORTS)

    class Meta:
        model = User
        fields = ["q", "office", "role", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The offices come from the user model's field (their app is above
        # this one). Choices given here follow each request's language.
        self.filters["office"].label = _("Office")
        self.filters["office"].extra["empty_label"] = _("Any office")
        self.filters["role"].extra["choices"] = [
            *Role.choices,
            (NO_ROLE, _("No role")),
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(username__icontains=value)
            | Q(email__icontains=value)
        )

    def filter_role(self, queryset, name, value):
        if value == NO_ROLE:
            return queryset.filter(role_value__isnull=True)
        return queryset.filter(role_value=value)
