"""What every list page shares: translated sort choices, the filtered and
paginated page, the bound on searches, a year filter."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils import formats
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


# --- The filters a list shows as removable chips ------------------------------------------

# Query parameters that say how a list is shown, not which rows: no chip.
NOT_FILTERS = frozenset({"ordering", "page", "page_size"})


@dataclass(frozen=True)
class Chip:
    """One active filter: its field's label, the value as the form offers it,
    and the list's address without that value."""

    field: str
    value: str
    url: str


def _shown(field: forms.Field, raw: str, cleaned) -> str:
    """How the form names the value `raw` of `field`: a choice's label (not a
    primary key), a date or number in the reader's format, typed text as is."""
    if isinstance(cleaned, Model):
        # The record the field's own validation has read: no further query.
        label_from_instance = getattr(field, "label_from_instance", str)
        return str(label_from_instance(cleaned))
    choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {}
        for value, label in choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update((str(choice), text) for choice, text in label)
            else:
                labels[str(value)] = label
        if raw in labels:
            return str(labels[raw])
    if isinstance(cleaned, datetime.date | int | float | Decimal):
        return str(formats.localize(cleaned))
    if isinstance(cleaned, str) and cleaned:
        return cleaned
    return raw


def _values(data, name: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    return list(value) if isinstance(value, list | tuple) else [value]


def active_filters(form: forms.Form, action: str = "") -> list[Chip]:
    """The valid filters `form` was sent, one chip for each value, each with
    the address `action` keeps with the other filters only (and the first
    page). A value the form refuses gets no chip: the form shows its error."""
    if not form.is_bound:
        return []
    form.is_valid()  # Validates once: the list's view has, mostly.
    cleaned = getattr(form, "cleaned_data", {})
    query = QueryDict(mutable=True)
    for name in form.data:
        values = [value for value in _values(form.data, name) if value]
        if values and name != "page":
            query.setlist(name, values)
    chips = []
    for bound in form:
        name = bound.html_name
        if name in NOT_FILTERS or bound.is_hidden or bound.name not in cleaned:
            continue
        values = query.getlist(name)
        cleaned_values = cleaned[bound.name]
        for raw in values:
            value = cleaned_values
            if len(values) > 1 or isinstance(cleaned_values, QuerySet | list | tuple):
                # One chip per value chosen: its record, or the value itself.
                value = next(
                    (item for item in cleaned_values if str(getattr(item, "pk", item)) == raw),
                    raw,
                )
            rest = query.copy()
            rest.setlist(name, [other for other in values if other != raw])
            if not rest.getlist(name):
                del rest[name]
            chips.append(
                Chip(
                    field=str(bound.label),
                    value=_shown(bound.field, raw, value),
                    url=f"{action}?{rest.urlencode()}" if rest else action or "?",
                )
            )
    return chips


# --- The main filters, and the advanced ones folded away -----------------------------------

# The filters a list shows open, when it has them: what people filter by
# most. The others fold away under "More filters", open when one is set.
MAIN_FILTERS = ("q", "region", "status", "mechanism")
# A form this short shows all its filters.
FOLD_ABOVE = 3


@dataclass(frozen=True)
class FilterGroups:
    main: list
    advanced: list
    # Whether the advanced filters show open: one of them is set, or wrong.
    advanced_open: bool


def filter_groups(form: forms.Form, extra=None) -> FilterGroups:
    """The bound fields of `form` (and `extra`, a field of another form shown
    with them), split into the main filters and the advanced ones. A list
    without any of the main filters keeps its first two fields open."""
    fields = [bound for bound in form if not bound.is_hidden]
    hidden = [bound for bound in form if bound.is_hidden]
    if isinstance(extra, forms.BoundField):
        fields.append(extra)
    if len(fields) <= FOLD_ABOVE:
        return FilterGroups(main=hidden + fields, advanced=[], advanced_open=False)
    main = [bound for bound in fields if bound.name in MAIN_FILTERS] or fields[:2]
    advanced = [bound for bound in fields if bound not in main]
    data = form.data if form.is_bound else {}
    advanced_open = any(
        bound.errors or any(value for value in _values(data, bound.html_name) if value)
        for bound in advanced
        # Sorting is no filter: a sorted list keeps them folded.
        if bound.html_name in data and bound.html_name not in NOT_FILTERS
    )
    return FilterGroups(main=hidden + main, advanced=advanced, advanced_open=advanced_open)
