"""The portal's main list of projects, filtered, sorted and paginated, with
its totals, and the same filtered rows as CSV and XLSX."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from accounts import access
from projects import exports, iati
from projects.filters import SORTS, PageSizeForm, ProjectFilter, listed_projects, page_size
from projects.models import Currency

USD = Q(budget_currency=Currency.USD)


def _filtered(request):
    """The filter set of the request and the rows it selects."""
    filterset = ProjectFilter(request.GET, queryset=listed_projects())
    # With an invalid filter the form shows the error and the list nothing,
    # rather than rows the person did not ask for.
    projects = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, projects


def _totals(projects) -> dict:
    # One query. Only US dollar budgets are added up: the others wait for
    # the exchange rates, and are counted so that the page says so.
    return projects.aggregate(
        count=Count("pk"),
        budget_usd=Sum("budget_amount", filter=USD),
        not_converted=Count("pk", filter=~USD),
    )


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


@login_required
@require_safe
@vary_on_headers("HX-Request")
def project_list(request):
    filterset, projects = _filtered(request)
    totals = _totals(projects)
    paginator = Paginator(projects, page_size(request.GET))
    # The totals have counted the rows already.
    paginator.count = totals["count"]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page_size_form": PageSizeForm(initial={"page_size": paginator.per_page}),
        "page_obj": paginator.get_page(request.GET.get("page")),
        "totals": totals,
        "columns": _columns(filterset),
        "querystring": query.urlencode(),
    }
    # htmx swaps only the table, except when it restores a page from history.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "projects/_project_table.html", context)
    context["can_create"] = access.editable_regions(request.user).exists()
    return render(request, "projects/project_list.html", context)


@login_required
@require_safe
def export_csv(request):
    return exports.csv_response(_filtered(request)[1])


@login_required
@require_safe
def export_xlsx(request):
    return exports.xlsx_response(_filtered(request)[1])


@login_required
@require_safe
def export_iati(request):
    return iati.iati_response(_filtered(request)[1])
