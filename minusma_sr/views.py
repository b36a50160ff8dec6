from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import access, security_log
from minusma_sr import audit
from minusma_sr import dashboard as dashboard_figures
from minusma_sr.charts import bar_chart
from minusma_sr.dashboard import DashboardFilter, Selection


@login_required
@require_safe
def dashboard(request):
    """The portfolio at a glance, filtered by year and region, and what awaits
    the signed-in person."""
    form = DashboardFilter(request.GET or None)
    selection = Selection()
    if form.is_valid():
        selection = Selection(year=form.cleaned_data["year"], region=form.cleaned_data["region"])
    first_regions = set(access.editable_regions(request.user).values_list("code", flat=True))
    figures = dashboard_figures.portfolio(selection, first_regions=first_regions)
    context = {
        "form": form,
        "selection": selection,
        **figures,
        "charts": _charts(figures),
        **dashboard_figures.personal(request.user),
        "role": access.role_of(request.user),
    }
    return render(request, "minusma_sr/dashboard.html", context)


def _charts(figures: dict) -> dict:
    count_series = [(_("Projects"), "series-1")]
    money_series = [
        (_("Approved"), "series-1"),
        (_("Transferred"), "series-2"),
        (_("Spent"), "series-3"),
    ]
    regions = figures["by_region"]
    mechanisms = figures["by_mechanism"]
    return {
        "status": bar_chart(
            _("Projects by status"),
            [(str(label), [count]) for label, count in figures["by_status"]],
            series=count_series,
            axis_label=_("Number of projects"),
        ),
        "region": bar_chart(
            _("Projects by region"),
            [(region.name, [region.count]) for region in regions],
            series=count_series,
            axis_label=_("Number of projects"),
            urls=[region.get_absolute_url() for region in regions],
        ),
        "pillar": bar_chart(
            _("Projects by pillar"),
            [(str(label), [count]) for label, count in figures["by_pillar"]],
            series=count_series,
            axis_label=_("Number of projects"),
        ),
        "money": bar_chart(
            _("Money by mechanism (USD)"),
            [
                (row["mechanism"].acronym, [row["approved"], row["transferred"], row["spent"]])
                for row in mechanisms
            ],
            series=money_series,
            axis_label=_("US dollars"),
            urls=[row["mechanism"].get_absolute_url() for row in mechanisms],
        ),
    }


@require_safe
@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise.

    Needs no sign-in and creates no session.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- Audit and refusals ------------------------------------------------------------------


@login_required
@require_safe
def audit_log(request):
    """Who changed what, across every record kept in history: for
    administrators (staff superusers)."""
    if not audit.can_read(request.user):
        raise PermissionDenied
    form = audit.AuditFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        page_obj, entries = None, []
    else:
        criteria = audit.Criteria.from_form(form) if form.is_bound else audit.Criteria()
        page_obj, entries = audit.changes_page(criteria, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "entries": entries,
        "querystring": query.urlencode(),
    }
    return render(request, "minusma_sr/audit.html", context)


def permission_denied(request, exception):
    """The 403 page (`handler403`), each refusal recorded in the security log."""
    security_log.log_event(
        "permission_denied", request=request, method=request.method, reason=str(exception)
    )
    return defaults.permission_denied(request, exception)
