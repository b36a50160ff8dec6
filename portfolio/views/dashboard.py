"""The home dashboard: the portfolio at a glance for everyone, and what awaits
the signed-in person (figures in `portfolio.dashboard`)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.people import queries as people
from accounts.roles import Role
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
    editable = list(region_access.editable_regions(user))  # by name
    first_regions = sorted(region.code for region in editable)
    home_regions = tuple(editable) if _lands_on_own_regions(user) else ()
    published_only = visibility.reads_published_only(user)
    # Without a region in the address, the staff of a regional office land
    # on their office's regions; `?region=` (empty) is the whole country.
    selection = Selection(regions=home_regions, published_only=published_only)
    form = DashboardFilter(request.GET or None, home_regions=home_regions)
    if form.is_valid():
        selection = Selection(
            year=form.cleaned_data["year"],
            regions=form.cleaned_data["region"] if "region" in request.GET else home_regions,
            published_only=published_only,
        )
    home = ",".join(first_regions) if home_regions else ""
    if form.is_bound and not form.is_valid():
        # The form with its errors, for this request alone.
        portfolio = render_cache.render_section(
            PORTFOLIO_TEMPLATE, _portfolio_context(form, selection, first_regions, home_regions)
        )
    else:
        # The same for everyone who reads the same projects, with the same
        # regions first and the same office; the form shows the selection,
        # as checked.
        portfolio = render_cache.section(
            "dashboard-portfolio",
            PORTFOLIO_TEMPLATE,
            lambda: _portfolio_context(
                DashboardFilter(
                    initial={"year": selection.year, "region": selection.region_value},
                    home_regions=home_regions,
                ),
                selection,
                first_regions,
                home_regions,
            ),
            selection.year or "",
            selection.region_codes,
            "published" if published_only else "all",
            ",".join(first_regions),
            home,
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
        selection.region_codes,
        "published" if selection.published_only else "all",
        "exact" if exact else "withheld",
        measure,
        colour,
    )


def _maps_context(selection: Selection, measure: str, colour: str, *, exact: bool) -> dict:
    """Four queries: the regions, the figure by region, the locations, the
    cercles of projects without a location."""
    # The region is kept even when empty: without it, the staff of a
    # regional office would be taken back to their own regions.
    kept = [("region", selection.region_value)]
    if selection.year:
        kept.insert(0, ("year", selection.year))
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


def _lands_on_own_regions(user) -> bool:
    """The staff of a regional office land on their office's regions."""
    return access.role_of(user) in (Role.HEAD_OF_OFFICE, Role.REGIONAL_OFFICER)


def _portfolio_context(
    form, selection: Selection, first_regions: list[str], home_regions: tuple
) -> dict:
    figures = dashboard_figures.portfolio(selection, first_regions=set(first_regions))
    return {
        "form": form,
        "selection": selection,
        **figures,
        "charts": _charts(figures),
        **_region_links(selection, home_regions),
    }


def _region_links(selection: Selection, home_regions: tuple) -> dict:
    """One click to the whole country from a region, and back to the
    office's regions from the country, for the same year."""
    year = [("year", selection.year)] if selection.year else []
    links = {}
    if selection.regions:
        links["country_url"] = _dashboard_url([*year, ("region", "")])
    if home_regions and selection.regions != home_regions:
        home = Selection(regions=home_regions)
        links["home_url"] = _dashboard_url([*year, ("region", home.region_value)])
        names = ", ".join(region.name for region in home_regions)
        links["home_label"] = (
            _("Back to %(region)s") % {"region": names}
            if len(home_regions) == 1
            else _("Back to your office's regions (%(regions)s)") % {"regions": names}
        )
    return links


def _dashboard_url(parameters: list[tuple]) -> str:
    return f"{reverse('dashboard')}?{urlencode(parameters)}"


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
            row_header=_("Status"),
        ),
        "region": bar_chart(
            _("Projects by region"),
            [(region.name, [region.count]) for region in regions],
            series=count_series,
            axis_label=_("Number of projects"),
            row_header=_("Region"),
            urls=[region.get_absolute_url() for region in regions],
        ),
        "pillar": bar_chart(
            _("Projects by pillar"),
            [(str(label), [count]) for label, count in figures["by_pillar"]],
            series=count_series,
            axis_label=_("Number of projects"),
            row_header=_("Pillar"),
        ),
        "money": bar_chart(
            _("Money by mechanism (USD)"),
            [
                (row["mechanism"].acronym, [row["approved"], row["transferred"], row["spent"]])
                for row in mechanisms
            ],
            series=money_series,
            axis_label=_("US dollars"),
            row_header=_("Mechanism"),
            urls=[row["mechanism"].get_absolute_url() for row in mechanisms],
        ),
    }
