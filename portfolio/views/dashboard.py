"""The home dashboard: the portfolio at a glance for everyone, and what awaits
the signed-in person (figures in `portfolio.dashboard`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.people import queries as people
from core import render_cache
from funding.models import FundingApproval
from portfolio import dashboard as dashboard_figures
from portfolio import maps
from portfolio.charts import bar_chart
from portfolio.dashboard import DashboardFilter, Selection
from projects import maps as project_maps
from regions import access as region_access
from reviews import queue, visibility

PORTFOLIO_TEMPLATE = "portfolio/_dashboard_portfolio.html"


@login_required
@require_safe
def dashboard(request):
    """The portfolio at a glance, filtered by year and region, and what awaits
    the signed-in person."""
    user = request.user
    form = DashboardFilter(request.GET or None)
    published_only = visibility.reads_published_only(user)
    selection = Selection(published_only=published_only)
    if form.is_valid():
        selection = Selection(
            year=form.cleaned_data["year"],
            region=form.cleaned_data["region"],
            published_only=published_only,
        )
    first_regions = sorted(region_access.editable_regions(user).values_list("code", flat=True))
    if form.is_bound and not form.is_valid():
        # The form with its errors, for this request alone.
        portfolio = render_cache.render_section(
            PORTFOLIO_TEMPLATE, _portfolio_context(form, selection, first_regions)
        )
    else:
        # The same for everyone who reads the same projects, with the same
        # regions first; the form shows the selection, as checked.
        portfolio = render_cache.section(
            "dashboard-portfolio",
            PORTFOLIO_TEMPLATE,
            lambda: _portfolio_context(
                DashboardFilter(initial={"year": selection.year, "region": selection.region}),
                selection,
                first_regions,
            ),
            selection.year or "",
            selection.region.code if selection.region else "",
            "published" if published_only else "all",
            ",".join(first_regions),
        )
    role = access.role_of(user)
    context = {
        "role": role,
        "is_administrator": access.is_administrator(user),
        # Someone without a role is told who can give them one.
        "role_givers": (
            people.role_givers(user) if role is None and not access.is_administrator(user) else []
        ),
        # What awaits this person, kept for them alone.
        "personal": render_cache.section(
            "dashboard-personal",
            "portfolio/_dashboard_personal.html",
            lambda: {
                **dashboard_figures.personal(user),
                "review_queue_count": queue.pending_count(user),
            },
            user.pk,
        ),
        "portfolio": portfolio,
        "maps": _maps(request, selection),
    }
    return render(request, "portfolio/dashboard.html", context)


def _maps(request, selection: Selection):
    """The regions filled by projects or approved money, and the projects'
    locations, for the selection: kept for everyone who reads the same
    projects, the same coordinates and the same choices."""
    measure = maps.measure_of(request.GET)
    colour = maps.colour_of(request.GET)
    exact = maps.sees_exact_coordinates(request.user)
    return render_cache.section(
        "dashboard-maps",
        "portfolio/_dashboard_maps.html",
        lambda: _maps_context(selection, measure, colour, exact=exact),
        selection.year or "",
        selection.region.code if selection.region else "",
        "published" if selection.published_only else "all",
        "exact" if exact else "withheld",
        measure,
        colour,
    )


def _maps_context(selection: Selection, measure: str, colour: str, *, exact: bool) -> dict:
    """Four queries: the regions, the figure by region, the locations, the
    cercles of projects without a location."""
    kept = [
        ("year", selection.year or ""),
        ("region", selection.region.code if selection.region else ""),
    ]
    kept = [(name, value) for name, value in kept if value]
    action = reverse("dashboard")
    if measure == project_maps.Measure.APPROVED:
        values = project_maps.approved_by_region(selection.money(FundingApproval, "approved_on"))
    else:
        values = project_maps.projects_by_region(selection.projects())
    drawn = maps.regions()
    return {
        "choropleth": maps.choropleth(measure, values, regions_drawn=drawn),
        "measure_choice": maps.measure_choice(
            action, measure, [*kept, (maps.COLOUR_PARAM, colour)]
        ),
        "points": maps.project_points(
            selection.projects(),
            exact=exact,
            colour_by=colour,
            limit=maps.DASHBOARD_POINTS,
            regions_drawn=drawn,
        ),
        "colour_choice": maps.colour_choice(action, colour, [*kept, (maps.MEASURE_PARAM, measure)]),
    }


def _portfolio_context(form, selection: Selection, first_regions: list[str]) -> dict:
    figures = dashboard_figures.portfolio(selection, first_regions=set(first_regions))
    return {"form": form, "selection": selection, **figures, "charts": _charts(figures)}


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
