from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, Sum, When
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from regions.models import Office, Region, RegionalPlan
from regions.views.plans import with_project_totals

# A region's projects are reached through `region.projects`, the reverse side
# of the projects app's Project.region: this app never imports the one above.
USD_BUDGET = Sum("budget_amount", filter=Q(budget_currency="USD"))


def _regions_with_offices():
    # Two prefetches: the offices covering each region (with their heads) and
    # the cercles; neither grows with the number of regions.
    return Region.objects.prefetch_related(
        Prefetch("offices", queryset=Office.objects.select_related("head")),
        "cercles",
    )


def _projects_by_priority(region: Region) -> list[dict]:
    """The region's projects grouped by plan priority, those without one last,
    each group with its number of projects and their budgets in US dollars
    (summed by the database: two queries whatever the number of projects)."""
    groups = list(
        region.projects.values(
            "priority",
            "priority__code",
            "priority__title",
            "priority__plan",
            "priority__plan__title",
            "priority__plan__period_start",
        )
        .annotate(project_count=Count("pk"), budget_usd=USD_BUDGET)
        .order_by(
            F("priority__plan__period_start").desc(nulls_last=True),
            F("priority__code").asc(nulls_last=True),
        )
    )
    projects = defaultdict(list)
    for project in region.projects.only("code", "title", "region", "priority").order_by("code"):
        projects[project.priority_id].append(project)
    for group in groups:
        group["projects"] = projects[group["priority"]]
    return groups


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


@login_required
def region_list(request):
    return render(request, "regions/region_list.html", {"regions": _regions_with_offices()})


@login_required
def region_detail(request, code):
    region = get_object_or_404(_regions_with_offices(), code=code)
    plan = _plan_in_force(region)
    context = {
        "region": region,
        "project_groups": _projects_by_priority(region),
        "project_totals": region.projects.aggregate(count=Count("pk"), budget_usd=USD_BUDGET),
        "plan": plan,
        "plan_priorities": with_project_totals(plan.priorities.all()) if plan else None,
    }
    return render(request, "regions/region_detail.html", context)
