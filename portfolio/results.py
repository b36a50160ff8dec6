"""Results that roll up: what a plan's priorities achieved, from the approved
reports of the project indicators that contribute to their outcome indicators.

The rules, each defined here once for every page that shows them (the plan
page, its printable report, the region page):

- Only approved indicator reports count (`review_status == "approved"`).
- A project indicator contributes to at most one outcome indicator of a
  priority of a plan of its project's region (`projects.models.contribution_problems`).
  What it brings as of a day is computed from its approved reports whose
  period ends by that day, by its aggregation method:
  *sum*, the sum of their values (each report counts its own period);
  *average*, their mean; *latest*, the value of the one whose period ends
  last (each report gives the total so far); *not aggregable*, nothing: the
  indicator is listed among the contributions but not added up.
- An outcome indicator's achievement as of a day is the sum of what its
  contributing indicators bring (projects add up); none while none of them
  has an approved report by that day ("no data").
- Targets per period are milestones: the value to have reached by the end
  of the period. "Achieved" for a period is the achievement as of its end.
- Status of an outcome indicator: *no data* without any approved report of a
  contributing indicator; *on track* when achieved to date is at least the
  target of the latest period that has ended (the day after its end has
  come); otherwise *behind*. Periods still running are not held against
  anybody. An indicator without targets per period has one period, the
  plan's, with its overall target. A priority is *behind* when any of its
  outcome indicators is, *on track* when at least one has data and none is
  behind, and has *no data* otherwise.
- People reached by a priority's projects are the dashboard's figure
  (`projects.models.ProjectQuerySet.beneficiaries_reached`), by priority.

Every sum is made by the database: a plan costs six queries (its priorities,
their outcome indicators, the targets, the contributions, and the people
reached by priority and in all), whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Avg, Case, OuterRef, Prefetch, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cached_figures import cached
from projects.models import SEXES, Aggregation, Indicator, IndicatorReport, Project
from regions.models import OutcomeIndicator, OutcomeTarget, PlanPriority, RegionalPlan
from reviews.models import ReviewStatus

NUMBER = models.DecimalField(max_digits=24, decimal_places=4)
# A priority none of whose projects has an approved progress report.
NO_PEOPLE = dict.fromkeys((*SEXES, "total"), 0)


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    BEHIND = "behind", _("behind")
    NO_DATA = "no_data", _("no data")


def _brought(as_of) -> Case:
    """What a contributing indicator (the outer row) brings as of `as_of` (a
    day, an outer reference to one, or None for all its approved reports),
    by its aggregation method; NULL for one not aggregable or without any
    approved report by then."""
    reports = IndicatorReport.objects.filter(
        indicator=OuterRef("pk"), review_status=ReviewStatus.APPROVED
    )
    if as_of is not None:
        reports = reports.filter(period_end__lte=as_of)
    grouped = reports.order_by().values("indicator")
    total = Subquery(grouped.annotate(total=Sum("value")).values("total"), output_field=NUMBER)
    mean = Subquery(grouped.annotate(mean=Avg("value")).values("mean"), output_field=NUMBER)
    latest = Subquery(
        reports.order_by("-period_end", "-pk").values("value")[:1], output_field=NUMBER
    )
    return Case(
        When(aggregation=Aggregation.SUM, then=total),
        When(aggregation=Aggregation.AVERAGE, then=mean),
        When(aggregation=Aggregation.LATEST, then=latest),
        default=Value(None, output_field=NUMBER),
        output_field=NUMBER,
    )


def _contributions(*, published_only: bool):
    rows = Indicator.objects.all()
    if published_only:
        # Partners and viewers: the published projects only (reviews.visibility).
        rows = rows.filter(project__status__in=Project.PUBLISHED_STATES)
    return rows


def _achieved(outcome, as_of, *, published_only: bool) -> Subquery:
    """The sum of what the contributing indicators of `outcome` (an outer
    reference to an outcome indicator) bring as of `as_of`."""
    rows = (
        _contributions(published_only=published_only)
        .filter(outcome=outcome)
        .exclude(aggregation=Aggregation.NONE)
        .annotate(brought=_brought(as_of))
        .order_by()
        .values("outcome")
        .annotate(total=Sum("brought"))
        .values("total")
    )
    return Subquery(rows, output_field=NUMBER)


def status_of(achieved: Decimal | None, expected: Decimal) -> Status:
    """The status of an outcome indicator (see the module's rules)."""
    if achieved is None:
        return Status.NO_DATA
    return Status.ON_TRACK if achieved >= expected else Status.BEHIND


def combined_status(statuses: list[Status]) -> Status:
    """A priority's status from those of its outcome indicators."""
    if Status.BEHIND in statuses:
        return Status.BEHIND
    if Status.ON_TRACK in statuses:
        return Status.ON_TRACK
    return Status.NO_DATA


@dataclass
class OutcomeResult:
    """An outcome indicator with its achievement to date, what was expected
    by today and its status; `periods`, its targets each with `achieved` (as
    of the period's end) and `ended`; `contributions`, the contributing
    project indicators with their project and `achieved` to date."""

    indicator: OutcomeIndicator
    achieved: Decimal | None
    expected: Decimal
    status: Status
    periods: list[OutcomeTarget]
    contributions: list[Indicator]

    @property
    def projects(self) -> list[Project]:
        """The contributing projects, each once, in code order."""
        seen = {}
        for contribution in self.contributions:
            seen.setdefault(contribution.project_id, contribution.project)
        return sorted(seen.values(), key=lambda project: project.code)


@dataclass
class PriorityResult:
    priority: PlanPriority
    outcomes: list[OutcomeResult]
    status: Status
    reached: dict


@dataclass
class PlanResults:
    """A plan's results by priority (in code order), and the people reached
    by the projects of all its priorities."""

    plan: RegionalPlan
    priorities: list[PriorityResult] = field(default_factory=list)
    reached: dict = field(default_factory=dict)


def _expected(outcome: OutcomeIndicator, plan: RegionalPlan, today: datetime.date) -> Decimal:
    """The target of the latest period over by `today` (the plan's overall
    target at its end, without targets per period); zero before any."""
    ended = [target for target in outcome.targets.all() if target.period_end < today]
    if ended:
        return max(ended, key=lambda target: target.period_end).value
    if not outcome.targets.all() and plan.period_end < today:
        return outcome.target
    return Decimal("0")


def plan_results(
    plan: RegionalPlan, *, published_only: bool = False, today: datetime.date | None = None
) -> PlanResults:
    """`plan`'s results by priority (see the module's rules); with
    `published_only`, of the published projects only (what partners read).
    Six queries whatever the number of priorities, indicators and reports."""
    today = today or timezone.localdate()
    # 2. The outcome indicators with their achievement to date.
    outcomes = OutcomeIndicator.objects.annotate(
        achieved=_achieved(OuterRef("pk"), None, published_only=published_only)
    ).order_by("pk")
    # 3. Their targets, each with the achievement as of its period's end.
    targets = OutcomeTarget.objects.annotate(
        achieved=_achieved(
            OuterRef("indicator"), OuterRef(OuterRef("period_end")), published_only=published_only
        )
    ).order_by("period_start", "pk")
    # 4. The contributing project indicators, each with what it brings to date.
    contributions = (
        _contributions(published_only=published_only)
        .select_related("project")
        .annotate(achieved=_brought(None))
        .order_by("project__code", "pk")
    )
    # 1. The priorities.
    priorities = plan.priorities.order_by("code").prefetch_related(
        Prefetch("outcome_indicators", queryset=outcomes),
        Prefetch("outcome_indicators__targets", queryset=targets),
        Prefetch("outcome_indicators__contributions", queryset=contributions),
    )
    # 5 and 6. The people reached, as the dashboard counts them.
    projects = Project.objects.filter(priority__plan=plan)
    if published_only:
        projects = projects.filter(status__in=Project.PUBLISHED_STATES)
    reached = projects.beneficiaries_reached_by("priority")
    results = PlanResults(plan=plan, reached=projects.beneficiaries_reached())
    for priority in priorities:
        rows = []
        for outcome in priority.outcome_indicators.all():
            periods = list(outcome.targets.all())
            for period in periods:
                period.ended = period.period_end < today
            expected = _expected(outcome, plan, today)
            rows.append(
                OutcomeResult(
                    indicator=outcome,
                    achieved=outcome.achieved,
                    expected=expected,
                    status=status_of(outcome.achieved, expected),
                    periods=periods,
                    contributions=list(outcome.contributions.all()),
                )
            )
        results.priorities.append(
            PriorityResult(
                priority=priority,
                outcomes=rows,
                status=combined_status([row.status for row in rows]),
                reached=reached.get(priority.pk, NO_PEOPLE),
            )
        )
    return results


def cached_plan_results(plan: RegionalPlan, *, published_only: bool = False) -> PlanResults:
    """`plan_results` for today, kept in the figures cache until the data
    change (`core.cached_figures`): for the pages not already kept as a
    section."""
    today = timezone.localdate()
    return cached(
        "plan-results",
        lambda: plan_results(plan, published_only=published_only, today=today),
        plan.pk,
        "published" if published_only else "all",
        today.isoformat(),
    )
