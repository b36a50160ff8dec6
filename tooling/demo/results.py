"""Demo results that roll up: each priority of the demo plans gets an outcome
indicator per kind of indicator its projects measure (same title and unit),
with yearly targets over the plan; the projects' indicators contribute to it
with their own yearly targets. The demo's indicator reports give the total
reached since the start (`tooling.demo.projects`), so they count by their
latest approved report.

Runs after the projects have reported and the plans are validated (outcome
indicators change until a plan is archived). Idempotent: a priority that has
outcome indicators, an indicator that contributes or has targets, is left
as it is."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from projects import services as project_services
from projects.models import Aggregation, Indicator
from regions import services as region_services
from regions.models import RegionalPlan
from tooling.demo.plans import PLANS

# An outcome's overall target: a little above what its projects aim at together.
AMBITION = Decimal("1.1")


def _years(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar years from `start` to `end`, cut to them."""
    return [
        (max(start, datetime.date(year, 1, 1)), min(end, datetime.date(year, 12, 31)))
        for year in range(start.year, end.year + 1)
    ]


def _milestone(target: Decimal, start: datetime.date, end: datetime.date, by: datetime.date):
    """`target` pro rata of the days from `start` to `by` over `start`–`end`,
    to the unit: the value to have reached by `by` on a straight course."""
    share = Decimal((by - start).days + 1) / Decimal((end - start).days + 1)
    return (target * min(share, Decimal(1))).quantize(Decimal(1), ROUND_HALF_UP)


def _yearly_targets(add, target: Decimal, start: datetime.date, end: datetime.date) -> None:
    for period_start, period_end in _years(start, end):
        add(
            period_start=period_start,
            period_end=period_end,
            value=_milestone(target, start, end, period_end),
        )


@transaction.atomic
def seed_results() -> int:
    """Give the demo plans' priorities their outcome indicators and link the
    projects' indicators to them; returns the number of outcome indicators
    created."""
    created = 0
    for code, data in PLANS.items():
        plan = (
            RegionalPlan.objects.filter(region__code=code, title__startswith=data["title"])
            .exclude(status=RegionalPlan.Status.ARCHIVED)
            .first()
        )
        if plan is None:
            continue
        author = User.objects.get(username=data["user"])
        for priority in plan.priorities.order_by("code"):
            if priority.outcome_indicators.exists():
                continue
            created += _seed_priority(plan, priority, author)
    return created


def _seed_priority(plan: RegionalPlan, priority, author) -> int:
    indicators = Indicator.objects.filter(
        project__priority=priority, outcome__isnull=True
    ).select_related("project")
    kinds = (
        indicators.values("title", "unit").annotate(targets=Sum("target")).order_by("title", "unit")
    )
    for kind in kinds:
        outcome = region_services.create_outcome(
            priority,
            by=author,
            title=kind["title"],
            unit=kind["unit"],
            baseline=Decimal(0),
            target=(kind["targets"] * AMBITION).quantize(Decimal(1), ROUND_HALF_UP),
        )
        _yearly_targets(
            partial(region_services.create_outcome_target, outcome, by=author),
            outcome.target,
            plan.period_start,
            plan.period_end,
        )
        for indicator in indicators.filter(title=kind["title"], unit=kind["unit"]):
            project_services.edit_indicator(
                indicator, by=author, outcome=outcome, aggregation=Aggregation.LATEST
            )
            project = indicator.project
            if not indicator.targets.exists():
                _yearly_targets(
                    partial(project_services.create_indicator_target, indicator, by=author),
                    indicator.target,
                    project.actual_start or project.planned_start,
                    project.actual_end or project.planned_end,
                )
    return len(kinds)
