"""Filters of the project list and its exports (django-filter), and the rows
they start from."""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.db.models.lookups import IContains
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from coordination.models import Organisation
from core import cached_figures
from core.lists import SEARCH_MAX_LENGTH, YearFilter, sorting
from funding.models import Mechanism, Window
from projects.models import MAX_BUDGET, GenderMarker, Project, status_rank
from regions.filters import NO_CERCLE
from regions.models import Cercle, Pillar, PlanPriority, Region

PAGE_SIZES = (25, 50, 100)

# (model field, query parameter, label) of the columns the list sorts on.
SORTS = [
    ("code", "code", _("Code")),
    ("title", "title", _("Title")),
    ("region__name_fr", "region", _("Region")),
    ("status_rank", "status", _("Status")),
    ("planned_start", "start", _("Planned start")),
    ("planned_end", "end", _("Planned end")),
    ("budget_amount", "budget", _("Budget")),
]


def listed_projects():
    """The rows of the list and its exports, before filtering: what every row
    shows is joined, the beneficiaries are added up by the database, and the
    status is ranked in the order of the workflow (for sorting)."""
    return Project.objects.for_list().annotate(
        beneficiary_total=F("women") + F("men") + F("girls") + F("boys"),
        status_rank=status_rank(),
    )


class QuickSelect(forms.Select):
    """A select that writes its options in Python instead of rendering a
    template for each: the same markup, for the filter form's lists, where the
    templates took most of the list page's time. Choices are flat (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        # The widget's attributes without its options' contexts.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = set(self.format_value(value))
        # Every value and label escaped, as format_html would, at a tenth of its cost.
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) in chosen else ""}>'
            f"{escape(label)}</option>"
            for choice, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(widget["attrs"]),
            mark_safe(options),  # nosec B308 B703: escaped above
        )


class CachedChoiceIterator(ModelChoiceIterator):
    """The options of a model choice, read from the figures cache
    (`core.cached_figures`) as (primary key, label) in the current
    language, instead of a query and a model instance for each at every
    page. What is submitted is still checked against the database."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self._options()

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self._options()) + extra

    def _options(self) -> list[tuple[int, str]]:
        field = self.field
        return cached_figures.cached(
            "choices",
            lambda: [(obj.pk, field.label_from_instance(obj)) for obj in self.queryset],
            field.cache_name,
            get_language(),
        )


class LabelledChoiceField(ModelChoiceField):
    """A model choice whose options are labelled by the given function (and
    which may offer a choice of "none", django-filter's `null_label`), kept
    in the figures cache under `cache_name` (see `CachedChoiceIterator`)."""

    iterator = CachedChoiceIterator

    def __init__(self, *args, label_from_instance=str, cache_name, **kwargs):
        self.cache_name = cache_name
        super().__init__(*args, **kwargs)
        self.label_from_instance = label_from_instance


class LabelledChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LabelledChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)


class SuggestingInput(forms.TextInput):
    """A text input that suggests, as one types, the names the view
    `suggestions` (a URL name) finds for the text: htmx sends the input under
    its own name and fills its datalist with the options answered. Without
    JavaScript, a plain text input."""

    def __init__(self, suggestions: str, attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        datalist = f"{attrs.get('id', name)}_suggestions"
        attrs = {
            **attrs,
            "list": datalist,
            "autocomplete": "off",
            "hx-get": reverse(self.suggestions),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{datalist}",
            "hx-sync": "this:replace",
            # Not inherited from the form: suggestions are no page of the history.
            "hx-push-url": "false",
        }
        # hx-disable: the options hold names that people typed.
        return format_html(
            '{}<datalist id="{}" hx-disable></datalist>',
            super().render(name, value, attrs, renderer),
            datalist,
        )


def partner_named(text: str, prefix: str = "") -> Q:
    """The organisations (at `prefix`, e.g. "implementing_partner__") whose
    acronym or name contains `text`, whatever the case."""
    return Q(**{f"{prefix}acronym__icontains": text}) | Q(**{f"{prefix}name__icontains": text})


def person_named(text: str, prefix: str = "") -> Q:
    """The people (at `prefix`) whose username, first name, last name, or
    full name as the portal shows it ("Aminata Touré") contains `text`,
    whatever the case."""
    full_name = Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name")
    return (
        Q(**{f"{prefix}username__icontains": text})
        | Q(**{f"{prefix}first_name__icontains": text})
        | Q(**{f"{prefix}last_name__icontains": text})
        | Q(IContains(full_name, text))
    )


# Primary keys are 64-bit integers: longer numbers are text.
_KEY_DIGITS = 18


def _by_key_or_text(model, field: str, value: str, named) -> Q:
    """The projects whose `field` (a foreign key to `model`) is the record
    named `value`. The filters were lists of options, whose values were
    primary keys that old links and bookmarks still hold: a number that is
    the key of a record keeps exactly its projects. Any other text is
    looked for in the names (`named`: `partner_named`, `person_named`)."""
    if (
        value.isascii()
        and value.isdigit()
        and len(value) <= _KEY_DIGITS
        and model._default_manager.filter(pk=int(value)).exists()
    ):
        return Q(**{field: int(value)})
    return named(value, prefix=f"{field}__")


# How many names a suggestion lists at most.
SUGGESTIONS = 10


def suggested_partners(projects: QuerySet, text: str) -> QuerySet:
    """The first organisations named `text` that implement one of `projects`
    (those the person may read): the others would never select a row."""
    implemented = Exists(projects.filter(implementing_partner=OuterRef("pk")))
    return Organisation.objects.filter(implemented, partner_named(text))[:SUGGESTIONS]


def suggested_focal_points(projects: QuerySet, text: str) -> QuerySet:
    """The first people named `text` who are the focal point of one of
    `projects` (those the person may read)."""
    followed = Exists(projects.filter(focal_point=OuterRef("pk")))
    people = get_user_model().objects.filter(followed, person_named(text))
    return people.order_by("last_name", "first_name", "username")[:SUGGESTIONS]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen columns, then by code, so that rows with equal
    values keep one order from page to page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value if param], "code")


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Code, title or summary")}),
    )
    # The lists of choices are kept in the figures cache (LabelledChoiceFilter).
    region = LabelledChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
        cache_name="regions",
    )
    # Cercles and priorities repeat their names from one region to the next
    # (a cercle of Gao in Gao, AXE-1 in every plan): the region tells them apart.
    cercle = LabelledChoiceFilter(
        label=_("Cercle"),
        field_name="cercles",
        queryset=Cercle.objects.select_related("region"),
        label_from_instance=lambda cercle: f"{cercle.region.name} · {cercle.name}",
        empty_label=_("All cercles"),
        null_label=_("No cercle recorded"),
        null_value=NO_CERCLE,
        cache_name="cercles",
    )
    mechanism = LabelledChoiceFilter(
        label=_("Mechanism"),
        queryset=Mechanism.objects.all(),
        empty_label=_("All mechanisms"),
        cache_name="mechanisms",
    )
    window = LabelledChoiceFilter(
        label=_("Window"),
        queryset=Window.objects.select_related("mechanism"),
        empty_label=_("All windows"),
        cache_name="windows",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Project.Status.choices,
        empty_label=_("Any status"),
        widget=QuickSelect,
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"),
        field_name="priority__pillar",
        choices=Pillar.choices,
        empty_label=_("Any pillar"),
        widget=QuickSelect,
    )
    priority = LabelledChoiceFilter(
        label=_("Plan priority"),
        queryset=PlanPriority.objects.select_related("plan__region").order_by(
            "plan__region__name_fr", "-plan__period_start", "code"
        ),
        label_from_instance=lambda priority: f"{priority.plan.region.name} · {priority}",
        empty_label=_("All priorities"),
        cache_name="priorities",
    )
    # Hundreds of partners and focal points: typed text rather than a list of
    # options, with suggestions as one types (`SuggestingInput`).
    implementing_partner = django_filters.CharFilter(
        label=_("Implementing partner"),
        method="by_partner",
        max_length=SEARCH_MAX_LENGTH,
        widget=SuggestingInput(
            "projects:suggest_partners", attrs={"placeholder": _("Acronym or name")}
        ),
    )
    focal_point = django_filters.CharFilter(
        label=_("Focal point"),
        method="by_focal_point",
        max_length=SEARCH_MAX_LENGTH,
        widget=SuggestingInput(
            "projects:suggest_focal_points", attrs={"placeholder": _("Name or username")}
        ),
    )
    gender_marker = django_filters.ChoiceFilter(
        label=_("Gender marker"),
        choices=GenderMarker.choices,
        empty_label=_("Any marker"),
        widget=QuickSelect,
    )
    year = YearFilter(
        label=_("Year"),
        method="running_in_year",
        min_value=1960,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    budget_min = django_filters.NumberFilter(
        label=_("Budget from"),
        field_name="budget_amount",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_BUDGET,
        max_digits=14,
        decimal_places=2,
        help_text=_("In the project's currency."),
    )
    budget_max = django_filters.NumberFilter(
        label=_("Budget up to"),
        field_name="budget_amount",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_BUDGET,
        max_digits=14,
        decimal_places=2,
        help_text=_("In the project's currency."),
    )
    ordering = sorting(SORTS, filter_class=StableOrderingFilter)

    class Meta:
        model = Project
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value)
        )

    def by_partner(self, queryset, name, value):
        return queryset.filter(
            _by_key_or_text(Organisation, "implementing_partner", value, partner_named)
        )

    def by_focal_point(self, queryset, name, value):
        return queryset.filter(
            _by_key_or_text(get_user_model(), "focal_point", value, person_named)
        )

    def running_in_year(self, queryset, name, value):
        return queryset.filter(
            planned_start__lte=datetime.date(value, 12, 31),
            planned_end__gte=datetime.date(value, 1, 1),
        )


def is_unfiltered(filterset) -> bool:
    """Whether a valid filter set selects every project (it may sort them)."""
    if not filterset.is_valid():
        return False
    return all(
        value in EMPTY_VALUES
        for name, value in filterset.form.cleaned_data.items()
        if name != "ordering"
    )


class PageSizeForm(forms.Form):
    page_size = forms.TypedChoiceField(
        label=_("Rows per page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
    )


def page_size(query) -> int:
    """The page size asked for in `query`, or the first one for anything else."""
    form = PageSizeForm(query)
    return form.cleaned_data["page_size"] if form.is_valid() else PAGE_SIZES[0]
