"""How far a plan's priorities are covered by projects and their money.

For each priority: the number of its projects, the money approved for them
and spent on them in US dollars (each amount's equivalent fixed at the rate
of its date, as the ledgers count them), the priority's estimated cost, and
coverage, approved ÷ estimated cost (`portfolio.figures.coverage_rate`): a gap
under the threshold of settings, over-programmed over 100 %
(`portfolio.figures.coverage_state`). A priority without a cost and without
any project is a gap too.

Each sum is its own correlated subquery over one chain of reverse relations
(priority → projects → approvals, or → expenditure): joining two money tables
in one aggregate would count each row of one once per row of the other. The
priorities' figures are one query, kept in the figures cache until the data
change (`core.cached_figures`); the plan's totals are added up from them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core import cached_figures
from portfolio.figures import coverage_rate, coverage_state
from projects.models import Project
from regions.models import PlanPriority, PlanUpdate, PriorityProgress, RegionalPlan
from reviews.models import ReviewStatus

ZERO = Decimal("0")
USD = models.DecimalField(max_digits=18, decimal_places=2)
COUNT = models.IntegerField()

# The money of a project, through the reverse relations of the funding app's
# FundingApproval.project and Expenditure.project.
APPROVED = "funding_approvals__amount_usd"
SPENT = "expenditures__amount_usd"


def _total(model: type[models.Model], aggregate, *, output_field=USD, default=ZERO):
    """`aggregate` (over a relation of `model`) for the outer `model` row, as
    a correlated subquery reading `default` where there is nothing to sum
    (`default=None` keeps the database's NULL)."""
    rows = (
        model._default_manager.filter(pk=OuterRef("pk"))
        .order_by()
        .values("pk")
        .annotate(total=aggregate)
        .values("total")
    )
    subquery = Subquery(rows, output_field=output_field)
    if default is None:
        return subquery
    return Coalesce(subquery, Value(default), output_field=output_field)


def _with_project_totals(priorities: QuerySet, *, published_only: bool = False) -> QuerySet:
    """Priorities with the number of their projects, the projects' budgets
    in US dollars (those budgeted in dollars), and the money approved for
    them and spent on them in US dollars; with `published_only`, of their
    published projects only (what partners read: `reviews.visibility`). One
    query."""
    # Every figure a correlated subquery, none a join of the outer query: a
    # GROUP BY over the joined projects made PostgreSQL run the money
    # subqueries once per project instead of once per priority.
    of = Q(projects__status__in=Project.PUBLISHED_STATES) if published_only else None
    return priorities.annotate(
        project_count=_total(
            PlanPriority, Count("projects", filter=of), output_field=COUNT, default=0
        ),
        budget_usd=_total(PlanPriority, Sum("projects__budget_usd", filter=of), default=None),
        approved_usd=_total(PlanPriority, Sum(f"projects__{APPROVED}", filter=of)),
        spent_usd=_total(PlanPriority, Sum(f"projects__{SPENT}", filter=of)),
    )


PRIORITY_FIGURES = ("project_count", "budget_usd", "approved_usd", "spent_usd")
NO_PROJECT = {"project_count": 0, "budget_usd": None, "approved_usd": ZERO, "spent_usd": ZERO}


def _priority_figures(plan: RegionalPlan, *, published_only: bool) -> dict[int, dict]:
    """The figures of each of the plan's priorities by primary key: one query,
    or none while cached (`core.cached_figures`)."""

    def compute():
        priorities = _with_project_totals(plan.priorities.order_by(), published_only=published_only)
        return {row.pop("pk"): row for row in priorities.values("pk", *PRIORITY_FIGURES)}

    scope = "published" if published_only else "all"
    return cached_figures.cached("coverage", compute, plan.pk, scope)


def priorities_with_totals(
    plan: RegionalPlan, priorities: QuerySet | None = None, *, published_only: bool = False
) -> list:
    """The plan's priorities (or `priorities`, a queryset of them with what it
    may prefetch) in code order, each with the number of its projects
    (`project_count`), their budgets in US dollars (`budget_usd`, those
    budgeted in dollars), the money approved for them and spent on them in US
    dollars (`approved_usd`, `spent_usd`) and `coverage`, approved ÷ estimated
    cost. A priority without any project is a gap. With `published_only`, of
    the published projects only (what partners read)."""
    figures = _priority_figures(plan, published_only=published_only)
    rows = list((plan.priorities.all() if priorities is None else priorities).order_by("code"))
    for priority in rows:
        for name, value in figures.get(priority.pk, NO_PROJECT).items():
            setattr(priority, name, value)
        priority.coverage = coverage_rate(priority.approved_usd, priority.estimated_cost_usd)
        priority.coverage_state = coverage_state(priority.coverage)
        if priority.coverage is None and not priority.project_count:
            priority.coverage_state = "gap"  # no cost to measure against, and nothing done
    return rows


def _set_plan_totals(plan: RegionalPlan, priorities: list) -> None:
    """The totals of the coverage table, on the plan: estimated cost (none
    where no priority has one), projects, priorities without any project,
    approved and spent in US dollars."""
    costs = [p.estimated_cost_usd for p in priorities if p.estimated_cost_usd is not None]
    plan.total_estimated_usd = sum(costs, ZERO) if costs else None
    plan.total_projects = sum(p.project_count for p in priorities)
    plan.total_gaps = sum(1 for p in priorities if p.coverage_state == "gap")
    plan.total_over = sum(1 for p in priorities if p.coverage_state == "over")
    plan.total_approved_usd = sum((p.approved_usd for p in priorities), ZERO)
    plan.total_spent_usd = sum((p.spent_usd for p in priorities), ZERO)


@dataclass
class Coverage:
    """A plan, with the totals of its coverage (`plan.total_*`), and its
    priorities with their coverage figures, in code order."""

    plan: RegionalPlan
    priorities: list[PlanPriority]

    @property
    def gap_threshold(self) -> int:
        return settings.COVERAGE_GAP_THRESHOLD

    @property
    def rate(self) -> Decimal | None:
        return coverage_rate(self.plan.total_approved_usd, self.plan.total_estimated_usd)


def plan_coverage(
    plan: RegionalPlan, priorities: QuerySet | None = None, *, published_only: bool = False
) -> Coverage:
    """The coverage of `plan` by priority: one query for the priorities (plus
    the prefetches `priorities`, a queryset of the plan's priorities, may
    carry), and one for their figures while not cached. The plan gets the
    table's totals. With `published_only`, of the published projects only."""
    rows = priorities_with_totals(plan, priorities, published_only=published_only)
    _set_plan_totals(plan, rows)
    return Coverage(plan=plan, priorities=rows)


def projects_with_money() -> QuerySet:
    """Projects with their mechanism and the money approved for them and
    spent on them in US dollars, in code order. One query."""
    return (
        Project.objects.select_related("mechanism")
        .annotate(
            approved_usd=_total(Project, Sum(APPROVED)),
            spent_usd=_total(Project, Sum(SPENT)),
        )
        .order_by("code")
    )


def plan_report_coverage(plan: RegionalPlan, *, published_only: bool = False) -> Coverage:
    """The plan's coverage, each priority with its projects and their money
    (`priority.projects.all()`; with `published_only`, the published ones):
    two queries."""
    projects = projects_with_money()
    if published_only:
        projects = projects.filter(status__in=Project.PUBLISHED_STATES)
    priorities = plan.priorities.prefetch_related(Prefetch("projects", queryset=projects))
    return plan_coverage(plan, priorities, published_only=published_only)


def latest_approved_update(plan: RegionalPlan) -> PlanUpdate | None:
    """The approved update of the latest period, with its progress on each
    priority: two queries (one without any approved update)."""
    progress = PriorityProgress.objects.select_related("priority")
    return (
        plan.updates.filter(review_status=ReviewStatus.APPROVED)
        .select_related("reviewed_by")
        .prefetch_related(Prefetch("progress", queryset=progress))
        .order_by("-period_end", "-pk")
        .first()
    )
