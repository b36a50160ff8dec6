"""What every list page shares: translated sort choices, the filtered and
paginated page, the bound on searches, a year filter."""

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


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


class YearFilter(django_filters.NumberFilter):
    # A whole year, bounded so that it always makes a valid date.
    field_class = forms.IntegerField
