"""One region's page: its offices, the plan in force with its coverage, its
projects by cercle, its money by mechanism and its coordination bodies; and
its printable report, with the same figures and an A4 map."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Case, Count, Prefetch, Q, Sum, When
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import access as accounts_access
from coordination.models import Meeting
from core import render_cache
from core.cached_figures import cached
from funding.figures import delivery_rate
from portfolio import coverage, maps, reporting, results
from projects.due_links import rows_for
from projects.models import Project
from regions.filters import NO_CERCLE
from regions.models import Region, RegionalPlan
from reviews import visibility

# The region's money by financing mechanism, each figure through its own
# reverse relation of the projects: summing two money tables joined in one
# query would count each row of one once per row of the other.
MONEY_RELATIONS = {
    "approved": "funding_approvals__amount_usd",
    "transferred": "tranches__amount_usd",
    "spent": "expenditures__amount_usd",
}


# Each cercle lists its first projects by code; the projects list, filtered by
# the region and the cercle, shows them all (a region may have thousands).
PROJECTS_PER_CERCLE = 20


def _projects_by_cercle(region: Region, *, published_only: bool) -> list[dict]:
    """The region's cercles that have projects, by name, then the projects
    without any cercle: for each group its number of projects, its first
    `PROJECTS_PER_CERCLE` by code (each with its mechanism and plan priority)
    and the address of the projects list showing all of them. A project with
    several cercles is under each. Four queries whatever the number of
    projects: the cercles with their counts, their first projects (a window
    over the cercle, by the database), and the count and first projects of
    those without a cercle."""
    of_region = Project.objects.filter(region=region).select_related("mechanism", "priority")
    in_region = Q(projects__region=region)
    if published_only:
        # Partners and viewers: the published projects only (reviews.visibility).
        of_region = of_region.filter(status__in=Project.PUBLISHED_STATES)
        in_region &= Q(projects__status__in=Project.PUBLISHED_STATES)
    first = of_region.order_by("code")[:PROJECTS_PER_CERCLE]
    cercles = (
        region.cercles.annotate(project_count=Count("projects", filter=in_region))
        .filter(project_count__gt=0)
        .order_by("name", "pk")
        .prefetch_related(Prefetch("projects", queryset=first, to_attr="first_projects"))
    )
    list_url = reverse("projects:list")
    groups = [
        {
            "cercle": cercle.name,
            "count": cercle.project_count,
            "projects": cercle.first_projects,
            "url": f"{list_url}?{urlencode({'region': region.pk, 'cercle': cercle.pk})}",
        }
        for cercle in cercles
    ]
    without = of_region.filter(cercles=None)
    count = without.count()
    if count:
        groups.append(
            {
                "cercle": None,
                "count": count,
                "projects": list(without.order_by("code")[:PROJECTS_PER_CERCLE]),
                "url": f"{list_url}?{urlencode({'region': region.pk, 'cercle': NO_CERCLE})}",
            }
        )
    return groups


def _money_by_mechanism(region: Region) -> list[dict]:
    """For each mechanism with money in the region: approved, transferred and
    spent in US dollars (one grouped query per figure, whatever the number of
    projects or amounts) and the delivery rate, spent over transferred as a
    percentage (none where nothing was transferred)."""
    mechanisms: dict[str, dict] = {}
    for figure, amount in MONEY_RELATIONS.items():
        grouped = (
            region.projects.values("mechanism__code", "mechanism__acronym")
            .annotate(total=Sum(amount))
            .filter(total__isnull=False)
            .order_by()
        )
        for row in grouped:
            code = row["mechanism__code"]
            money = mechanisms.setdefault(
                code,
                {
                    "code": code,
                    "acronym": row["mechanism__acronym"],
                    **dict.fromkeys(MONEY_RELATIONS, Decimal("0")),
                },
            )
            money[figure] = row["total"]
    for money in mechanisms.values():
        transferred = money["transferred"]
        money["delivery_rate"] = delivery_rate(money["spent"], transferred)
    return sorted(mechanisms.values(), key=lambda money: money["code"])


def _plan_in_force(region: Region) -> RegionalPlan | None:
    """The validated plan covering today, or else the latest validated one."""
    today = timezone.localdate()
    covers_today = When(period_start__lte=today, period_end__gte=today, then=True)
    return (
        region.plans.filter(status=RegionalPlan.Status.VALIDATED)
        .annotate(in_force=Case(covers_today, default=False, output_field=BooleanField()))
        .order_by("-in_force", "-period_start")
        .first()
    )


def _bodies_with_next_meeting(region: Region):
    """The region's coordination bodies, each with its next meeting, if any,
    as `body.next_meetings` (a list of at most one): two queries whatever the
    number of bodies or meetings."""
    upcoming = Meeting.objects.upcoming().only("body", "starts_at", "place")[:1]
    return region.coordination_bodies.order_by("name").prefetch_related(
        Prefetch("meetings", queryset=upcoming, to_attr="next_meetings")
    )


def _region_map(region: Region, *, published_only: bool, exact: bool, colour: str):
    """The region's projects that the reader reads, as points on its map."""
    projects = Project.objects.filter(region=region)
    if published_only:
        projects = projects.filter(status__in=Project.PUBLISHED_STATES)
    return maps.project_points(
        projects, exact=exact, colour_by=colour, limit=maps.REGION_POINTS, focus=region.code
    )


def _points(request, region: Region, *, published_only: bool):
    """The region's projects as points on its map, kept for everyone who
    reads the same projects and coordinates (three queries when drawn: the
    locations, the cercles of projects without one, the regions)."""
    colour = maps.colour_of(request.GET)
    exact = maps.sees_exact_coordinates(request.user)

    def context() -> dict:
        return {
            "points": _region_map(
                region, published_only=published_only, exact=exact, colour=colour
            ),
            "colour_choice": maps.colour_choice(region.get_absolute_url(), colour, []),
        }

    return render_cache.section(
        "region-points",
        "portfolio/_region_points.html",
        context,
        region.pk,
        "published" if published_only else "all",
        "exact" if exact else "withheld",
        colour,
    )


@login_required
@require_safe
def region_detail(request, code):
    region = get_object_or_404(Region.objects.with_offices(), code=code)
    plan = _plan_in_force(region)
    published_only = visibility.reads_published_only(request.user, region)
    context = {
        "region": region,
        "plan": plan,
        "coverage": (coverage.plan_coverage(plan, published_only=published_only) if plan else None),
        # Results by priority of the plan in force (`portfolio.results`), cached.
        "results": (
            results.cached_plan_results(plan, published_only=published_only) if plan else None
        ),
        # Sums over the region's projects, kept in the figures cache.
        "cercle_groups": cached(
            "region-cercles",
            lambda: _projects_by_cercle(region, published_only=published_only),
            region.pk,
            "published" if published_only else "all",
        ),
        "project_totals": cached(
            "region-totals",
            lambda: region.projects.budget_totals(),
            region.pk,
        ),
        "money": cached("region-money", lambda: _money_by_mechanism(region), region.pk),
        "points": _points(request, region, published_only=published_only),
        "bodies": _bodies_with_next_meeting(region),
        # What the region's office still owes headquarters: staff only.
        "sees_due_reports": accounts_access.sees_due_reports(request.user),
        "due_rows": (
            rows_for(request.user, reporting.awaited_in_region(region, today=timezone.localdate()))
            if accounts_access.sees_due_reports(request.user)
            else []
        ),
    }
    return render(request, "portfolio/region_detail.html", context)


@login_required
@require_safe
def region_report(request, code):
    """The region on A4 paper: the plan in force with its coverage and results
    by priority, where the region's projects are, and its money by mechanism,
    the same figures as the region's page."""
    region = get_object_or_404(Region.objects.with_offices(), code=code)
    plan = _plan_in_force(region)
    published_only = visibility.reads_published_only(request.user, region)
    context = {
        "region": region,
        "plan": plan,
        "coverage": (
            coverage.plan_report_coverage(plan, published_only=published_only) if plan else None
        ),
        "results": (
            results.cached_plan_results(plan, published_only=published_only) if plan else None
        ),
        "money": cached("region-money", lambda: _money_by_mechanism(region), region.pk),
        "points": _region_map(
            region,
            published_only=published_only,
            exact=maps.sees_exact_coordinates(request.user),
            colour="status",
        ),
    }
    return render(request, "portfolio/region_report.html", context)
