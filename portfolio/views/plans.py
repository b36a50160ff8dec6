"""One regional plan's page and its printable report: its priorities with
their coverage by projects and money (`portfolio.coverage`), its updates,
documents and history."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import access as accounts_access
from core import render_cache
from core.cached_figures import cached
from portfolio import coverage, maps, reporting, results
from projects.due_links import rows_for
from projects.models import Project
from regions import access, services
from regions.models import RegionalPlan
from reviews import rules as review_rules
from reviews import services as review_services
from reviews import views as review_views
from reviews import visibility

Status = RegionalPlan.Status


# A priority lists its first projects by code; the projects list, filtered by
# the priority, shows them all (a plan may have thousands).
PROJECTS_PER_PRIORITY = 20


def _first_projects(plan: RegionalPlan, *, published_only: bool) -> dict[int, list]:
    """The first projects of each of the plan's priorities (only the published
    ones for partners and viewers), by its primary key: one query (a window
    over each priority), or none while cached."""
    projects = Project.objects.order_by("code")
    if published_only:
        projects = projects.filter(status__in=Project.PUBLISHED_STATES)
    first = projects[:PROJECTS_PER_PRIORITY]
    priorities = plan.priorities.prefetch_related(
        Prefetch("projects", queryset=first, to_attr="first_projects")
    )
    return {priority.pk: priority.first_projects for priority in priorities}


def _coverage_of(plan: RegionalPlan, *, published_only: bool) -> coverage.Coverage:
    """The plan's coverage (`portfolio.coverage`: its priorities with their
    figures, the plan with its totals), each priority with the first projects
    the reader may read (with `published_only`, the published ones)."""
    plan_coverage = coverage.plan_coverage(plan, published_only=published_only)
    first = cached(
        "first-projects",
        lambda: _first_projects(plan, published_only=published_only),
        plan.pk,
        "published" if published_only else "all",
    )
    for priority in plan_coverage.priorities:
        priority.first_projects = first.get(priority.pk, [])
    return plan_coverage


@login_required
@require_safe
def plan_detail(request, pk):
    user = request.user
    plan = visibility.check_visible(user, access.get_plan(pk))
    editor = access.can_edit_plan(user, plan)
    context = {
        "plan": plan,
        "can_edit": editor and plan.is_editable,
        "can_send": editor and plan.status == Status.DRAFT,
        "can_add_update": editor and plan.status == Status.VALIDATED,
        "can_decide": accounts_access.is_headquarters_officer(user),
        # The four-eyes rule depends on the person: decided outside the
        # sections kept for everyone alike.
        "can_review": plan.awaits_review and review_rules.may_review(user, plan),
        # Why it was returned, above the kept sections (none for partners).
        "return_event": review_views.return_event(user, plan),
        "sections": render_cache.section(
            "plan",
            "portfolio/_plan_sections.html",
            lambda: _sections_context(
                plan,
                user,
                can_edit=editor and plan.is_editable,
                can_edit_results=editor and plan.status != Status.ARCHIVED,
            ),
            plan.pk,
            accounts_access.audience(user),
        ),
    }
    return render(request, "portfolio/plan_detail.html", context)


def _sections_context(
    plan: RegionalPlan, user, *, can_edit: bool, can_edit_results: bool = False
) -> dict:
    """What the sections of the plan's page show `user`: the same for
    everyone of their audience (`accounts.access.audience`)."""
    published_only = visibility.reads_published_only(user, plan.region)
    plan_coverage = _coverage_of(plan, published_only=published_only)
    return {
        "plan": plan,
        "coverage": plan_coverage,
        "priorities": plan_coverage.priorities,
        "updates": visibility.visible(plan.updates.all(), user),
        "documents": plan.documents.select_related("uploaded_by"),
        "history": services.plan_history(plan),
        "can_edit": can_edit,
        # The updates the plan owes by today (internal: the section is kept per
        # audience, for the day).
        "sees_due_reports": accounts_access.sees_due_reports(user),
        "due_rows": (
            rows_for(user, reporting.due_for_plan(plan, today=timezone.localdate()))
            if accounts_access.sees_due_reports(user)
            else []
        ),
        # Results by priority; their pages change them until the plan is archived.
        "results": results.plan_results(plan, published_only=published_only),
        "can_edit_results": can_edit_results,
        "events": (
            review_services.timeline(plan) if accounts_access.sees_review_comments(user) else []
        ),
    }


@login_required
@require_safe
def plan_report(request, pk):
    # Whoever reads the plan reads its report.
    plan = get_object_or_404(RegionalPlan.objects.select_related("region"), pk=pk)
    visibility.check_visible(request.user, plan)
    published_only = visibility.reads_published_only(request.user, plan.region)
    # The coverage gives the plan its totals.
    context = {
        "plan": plan,
        "coverage": coverage.plan_report_coverage(plan, published_only=published_only),
        "update": coverage.latest_approved_update(plan),
        "results": results.plan_results(plan, published_only=published_only),
        # Where the plan's projects are, on an A4 map of its region (three queries).
        "points": _plan_points(request.user, plan, published_only=published_only),
    }
    return render(request, "portfolio/plan_report.html", context)


def _plan_points(user, plan: RegionalPlan, *, published_only: bool):
    projects = Project.objects.filter(priority__plan=plan)
    if published_only:
        projects = projects.filter(status__in=Project.PUBLISHED_STATES)
    return maps.project_points(
        projects,
        exact=maps.sees_exact_coordinates(user),
        colour_by="status",
        limit=maps.REGION_POINTS,
        focus=plan.region.code,
    )
