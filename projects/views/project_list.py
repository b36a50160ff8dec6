"""The portal's main list of projects, filtered, sorted and paginated, with
its totals, and the same filtered rows as CSV and XLSX."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_filters import CharFilter

from accounts import access as accounts_access
from accounts.security_log import logs_export
from core import cached_figures, render_cache, saved_filters
from projects import exports, iati, maps
from projects.filters import (
    SORTS,
    PageSizeForm,
    ProjectFilter,
    is_unfiltered,
    page_size,
)
from projects.models import Project
from regions import access as region_access

# Past this many projects, the unfiltered list shows PostgreSQL's estimate of
# their number instead of counting every row at each request; below it the
# count is cheap and an estimate would only blur it.
ESTIMATE_ABOVE = 10_000
# The first pages of each choice of filters are kept for everyone of the same
# audience (`core.render_cache`); later ones are rendered at each request.
KEPT_PAGES = 10
# What a saved filter of the list may hold: its filters and the page size.
SAVED_PARAMS = (*ProjectFilter.base_filters, "page_size")


def _filters(request) -> ProjectFilter:
    """The filter set of the request, without its rows (`_rows`): a kept
    table needs only the filters checked."""
    return ProjectFilter(request.GET, queryset=Project.objects.none())


def _rows(request, filterset: ProjectFilter):
    """The rows `filterset` selects among the projects the user may read
    (`projects.exports.readable_rows`, shared with the list's files)."""
    return exports.readable_rows(request.user, filterset)


def estimated_count(model) -> int | None:
    """The planner's estimate of the rows of `model`'s table (PostgreSQL's
    `pg_class.reltuples`, kept by autovacuum and ANALYZE): one catalogue read
    instead of a scan. None elsewhere, or for a table never analysed."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


def _about(number: int) -> int:
    """`number` to three significant figures: 123,456 is about 123,000."""
    return round(number, 3 - len(str(number)))


def _totals(projects, *, unfiltered: bool) -> tuple[dict, bool]:
    """The number of projects listed, the sum of their budgets in US dollars
    and the number of budgets without an equivalent yet
    (`ProjectQuerySet.budget_totals`), in one query; and whether the number
    is an estimate.

    For the whole list of a large table on PostgreSQL, the number is the
    planner's estimate and the sums, read from the budgets' index, are kept
    in the figures cache until a project changes; a filtered list, or a small
    table, is counted exactly."""
    estimate = estimated_count(Project) if unfiltered else None
    if estimate is not None and estimate > ESTIMATE_ABOVE:
        every = cached_figures.cached(
            "project-list-sums", lambda: projects.budget_totals(count=False)
        )
        return {**every, "count": _about(estimate)}, True
    return projects.budget_totals(), False


class EstimatedPage(Page):
    """A page of a list whose length is an estimate: it has a next page when
    a row follows it, whatever the estimate says."""

    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def next_page_number(self) -> int:
        return self.number + 1

    def end_index(self) -> int:
        return self.start_index() + len(self) - 1


class EstimatedPaginator(Paginator):
    """Pages through a list whose length (`count`) is an estimate: any page
    number is accepted, and each page reads one row more than it shows, to
    know whether another follows (the estimate may be short of the end)."""

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise InvalidPage from error
        if number < 1:
            raise InvalidPage
        return number

    def page(self, number) -> EstimatedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return EstimatedPage(
            rows[: self.per_page], number, self, has_more=len(rows) > self.per_page
        )

    def get_page(self, number) -> EstimatedPage:
        try:
            return self.page(number)
        except InvalidPage:
            return self.page(1)


def _page(request, projects, totals: dict, estimated: bool):
    """The requested page of `projects` (the last one for a number past the
    end); with an estimated count, past the real end the list is counted
    after all. Returns (page, estimated)."""
    size = page_size(request.GET)
    number = request.GET.get("page")
    if estimated:
        page = EstimatedPaginator(projects, size).get_page(number)
        if page.object_list or page.number == 1:
            page.paginator.count = totals["count"]
            return page, True
        totals["count"] = projects.count()
    paginator = Paginator(projects, size)
    # The totals have counted the rows already.
    paginator.count = totals["count"]
    return paginator.get_page(number), False


def _columns(filterset) -> dict:
    """Sortable column → (the ordering its header link asks for, aria-sort)."""
    current = (filterset.form.cleaned_data.get("ordering") or [""])[0]
    columns = {}
    for _field, param, _label in SORTS:
        if current == param:
            columns[param] = (f"-{param}", "ascending")
        elif current == f"-{param}":
            columns[param] = (param, "descending")
        else:
            columns[param] = (param, None)
    return columns


def _table_context(request, filterset, projects, query: QueryDict) -> dict:
    """What the table shows: its page of rows, the totals, the sort links."""
    # The whole table's estimate serves only those who read every project.
    whole_table = is_unfiltered(filterset) and accounts_access.sees_every_draft(request.user)
    totals, estimated = _totals(projects, unfiltered=whole_table)
    page, estimated = _page(request, projects, totals, estimated)
    listed = query.copy()
    listed.pop("page", None)
    return {
        "page_obj": page,
        "totals": totals,
        # The page then says "about" the number of projects.
        "count_is_estimate": estimated,
        "columns": _columns(filterset),
        # The active filters, as chips above the table (core.lists.active_filters).
        "filter": filterset,
        # The empty list says whether filters left nothing.
        "filtered": filterset.form.has_changed(),
        # The links of the headers, exports and pages keep the filters.
        "query": query,
        "querystring": listed.urlencode(),
    }


def _asked(request) -> QueryDict:
    """The request's query without empty values, in its own order (the links
    of a rendered page keep it)."""
    query = QueryDict(mutable=True)
    for name in request.GET:
        values = [value for value in request.GET.getlist(name) if value]
        if values:
            query.setlist(name, values)
    return query


def _without_pages(query: QueryDict) -> str:
    files = query.copy()
    for name in ("page", "page_size"):
        files.pop(name, None)
    return files.urlencode()


def _key(query: QueryDict) -> str:
    """The same filters in any order are the same page."""
    return render_cache.digest(urlencode(sorted(query.lists()), doseq=True))


def _keepable(query: QueryDict, filterset) -> bool:
    """Whether the page of `query` may be kept for others of the same
    audience: every value checked, none typed freely (a search, a partner's
    name: each would be a key of its own), one of the first pages. Else it
    is rendered for its request alone."""
    if not filterset.is_valid():
        return False
    text = {name for name, field in filterset.filters.items() if isinstance(field, CharFilter)}
    known = set(filterset.filters) | {"page", "page_size"}
    if any(name in text or name not in known for name in query):
        return False
    page = query.get("page", "1")
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= KEPT_PAGES):
        return False
    return "page_size" not in query or query["page_size"] == str(page_size(query))


def _rendered(request, query: QueryDict, parts: tuple, *, partial: bool) -> str:
    """The table (`partial`) or the whole list: filters, table and the button
    to create a project; kept for others when the query may be (`_keepable`)."""
    filterset = _filters(request)
    keep = _keepable(query, filterset)

    def section(name: str, template: str, context) -> str:
        if keep:
            return render_cache.section(name, template, context, *parts)
        return render_cache.render_section(template, context())

    table = section(
        "project-table",
        "projects/_project_table.html",
        lambda: _table_context(request, filterset, _rows(request, filterset), query),
    )
    if partial:
        return table
    return section(
        "project-list",
        "projects/_project_list_content.html",
        lambda: {
            "filter": filterset,
            "page_size_form": PageSizeForm(initial={"page_size": page_size(query)}),
            "table": table,
            "can_create": region_access.editable_regions(request.user).exists(),
            # The files hold every row of the filters, on no page.
            "querystring": _without_pages(query),
            "region_map": _region_map(request, filterset, query),
        },
    )


def _region_map(request, filterset, query: QueryDict, *, oob: bool = False) -> str:
    """The listed projects, or the US dollars approved for them, by region
    (`projects.maps`): two queries. Swapped out of band when htmx refreshes
    the table (`oob`), so that the map follows the filters too."""
    measure = maps.measure_of(query)
    hidden = [(name, value) for name, values in query.lists() for value in values]
    context = {
        "map": maps.projects_choropleth(measure, _rows(request, filterset)),
        "measure_choice": maps.measure_choice(reverse("projects:list"), measure, hidden),
        "oob": oob,
    }
    return render_to_string("projects/_project_map.html", context)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def project_list(request):
    """The list's filters and table are kept for everyone of the same
    audience and the same filters (`core.render_cache`): a kept page is shown
    without even checking the filters again, which were checked when it was
    kept; any other is checked, then kept or rendered."""
    query = _asked(request)
    parts = (accounts_access.audience(request.user), _key(query))
    # htmx swaps only the table, except when it restores a page from history.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    html = render_cache.kept("project-table" if partial else "project-list", *parts)
    if html is None:
        html = _rendered(request, query, parts, partial=partial)
    if partial:
        region_map = _region_map(request, _filters(request), query, oob=True)
        return HttpResponse(html + _export_links(query) + region_map)
    # The person's own saved filters, in the slot of the page kept for all.
    html = saved_filters.shown_in(html, request, reverse("projects:list"), SAVED_PARAMS)
    return render(request, "projects/project_list.html", {"content": html})


def _export_links(query: QueryDict) -> str:
    """The header's links to the list's files, with the filters htmx has just
    applied to the table: swapped out of band, since the header stays."""
    links = render_to_string(
        "core/_export_links.html",
        {
            "csv_url": reverse("projects:export_csv"),
            "xlsx_url": reverse("projects:export_xlsx"),
            "iati_url": reverse("projects:export_iati"),
            "querystring": _without_pages(query),
        },
    )
    return format_html('<span id="project-export-links" hx-swap-oob="true">{}</span>', links)


# The list as CSV and XLSX, with each project's money: the read layer's
# (`portfolio.views.project_exports`), at this list's addresses.


@login_required
@require_safe
@logs_export("projects_iati")
def export_iati(request):
    return iati.iati_response(exports.requested(request))
