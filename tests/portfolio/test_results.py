"""The roll-up of results (portfolio.results): how each aggregation method
counts a contributing indicator's approved reports, the achievement per
period, the status, and a cost in queries that does not grow with the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.results import Status, plan_results
from projects.models import Aggregation, Project
from reviews.models import ReviewStatus
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    PlanFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
)
from tests.factories_results import OutcomeIndicatorFactory, OutcomeTargetFactory

pytestmark = pytest.mark.django_db

APPROVED = ReviewStatus.APPROVED
TODAY = datetime.date(2025, 1, 15)


def _contribution(outcome, aggregation, values, *, status=APPROVED, project=None):
    """A project indicator contributing to `outcome`, with a report per
    quarter of 2024 for each value (the first quarter first)."""
    project = project or ProjectFactory(
        priority=outcome.priority,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
    )
    indicator = IndicatorFactory(project=project, outcome=outcome, aggregation=aggregation)
    for quarter, value in enumerate(values):
        start = datetime.date(2024, 3 * quarter + 1, 1)
        end = datetime.date(2024 + (quarter == 3), (3 * quarter + 4) % 12 or 12, 1)
        IndicatorReportFactory(
            indicator=indicator,
            period_start=start,
            period_end=end - datetime.timedelta(days=1),
            value=Decimal(value),
            review_status=status,
        )
    return indicator


def _outcome_result(outcome, **kwargs):
    results = plan_results(outcome.priority.plan, today=kwargs.pop("today", TODAY), **kwargs)
    (priority,) = results.priorities
    (row,) = priority.outcomes
    return priority, row


@pytest.mark.parametrize(
    ("aggregation", "achieved"),
    [
        (Aggregation.SUM, Decimal("600")),  # 100 + 200 + 300
        (Aggregation.AVERAGE, Decimal("200")),  # their mean
        (Aggregation.LATEST, Decimal("300")),  # the last quarter's
    ],
)
def test_each_aggregation_method_counts_the_approved_reports_its_way(aggregation, achieved):
    outcome = OutcomeIndicatorFactory()
    _contribution(outcome, aggregation, [100, 200, 300])

    _priority, row = _outcome_result(outcome)

    assert row.achieved == achieved
    assert row.contributions[0].achieved == achieved


def test_an_indicator_that_is_not_aggregable_is_listed_but_not_added_up():
    outcome = OutcomeIndicatorFactory()
    counted = _contribution(outcome, Aggregation.LATEST, [100, 250])
    listed = _contribution(outcome, Aggregation.NONE, [7000, 8000])

    _priority, row = _outcome_result(outcome)

    assert row.achieved == Decimal("250")
    assert {c.pk for c in row.contributions} == {counted.pk, listed.pk}
    assert {p.pk for p in row.projects} == {counted.project_id, listed.project_id}


def test_projects_add_up_whatever_their_methods():
    outcome = OutcomeIndicatorFactory()
    _contribution(outcome, Aggregation.SUM, [100, 100])
    _contribution(outcome, Aggregation.LATEST, [40, 90])
    _contribution(outcome, Aggregation.AVERAGE, [10, 30])

    _priority, row = _outcome_result(outcome)

    assert row.achieved == Decimal("200") + Decimal("90") + Decimal("20")


@pytest.mark.parametrize(
    "status", [ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED]
)
def test_only_approved_reports_count(status):
    outcome = OutcomeIndicatorFactory()
    indicator = _contribution(outcome, Aggregation.SUM, [100])
    IndicatorReportFactory(
        indicator=indicator,
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 6, 30),
        value=Decimal("5000"),
        review_status=status,
    )

    _priority, row = _outcome_result(outcome)

    assert row.achieved == Decimal("100")


def test_without_any_approved_report_there_is_no_data():
    outcome = OutcomeIndicatorFactory()
    _contribution(outcome, Aggregation.SUM, [100, 200], status=ReviewStatus.SUBMITTED)

    priority, row = _outcome_result(outcome)

    assert row.achieved is None
    assert row.status == priority.status == Status.NO_DATA


def test_each_period_shows_what_was_achieved_by_its_end():
    outcome = OutcomeIndicatorFactory()
    first_half = OutcomeTargetFactory(
        indicator=outcome,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 6, 30),
        value=Decimal("250"),
    )
    second_half = OutcomeTargetFactory(
        indicator=outcome,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal("800"),
    )
    _contribution(outcome, Aggregation.SUM, [100, 200, 300, 150])
    _contribution(outcome, Aggregation.LATEST, [10, 20, 30, 40])

    _priority, row = _outcome_result(outcome)

    assert [(period.pk, period.achieved) for period in row.periods] == [
        (first_half.pk, Decimal("300") + Decimal("20")),
        (second_half.pk, Decimal("750") + Decimal("40")),
    ]


def test_on_track_when_the_target_of_the_latest_ended_period_is_reached():
    outcome = OutcomeIndicatorFactory(target=Decimal("1000"))
    OutcomeTargetFactory(
        indicator=outcome,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal("500"),
    )
    # Still running on the day: not held against anybody.
    OutcomeTargetFactory(
        indicator=outcome,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        value=Decimal("1000"),
    )
    _contribution(outcome, Aggregation.SUM, [200, 300])

    priority, row = _outcome_result(outcome)

    assert (row.achieved, row.expected) == (Decimal("500"), Decimal("500"))
    assert row.status == priority.status == Status.ON_TRACK


def test_behind_when_the_target_of_the_latest_ended_period_is_not_reached():
    outcome = OutcomeIndicatorFactory()
    OutcomeTargetFactory(
        indicator=outcome,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 6, 30),
        value=Decimal("300"),
    )
    OutcomeTargetFactory(
        indicator=outcome,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal("900"),
    )
    _contribution(outcome, Aggregation.SUM, [200, 300, 100])

    priority, row = _outcome_result(outcome)

    assert (row.achieved, row.expected) == (Decimal("600"), Decimal("900"))
    assert row.status == priority.status == Status.BEHIND


def test_a_priority_is_behind_when_one_of_its_outcomes_is():
    priority = PriorityFactory()
    ahead = OutcomeIndicatorFactory(priority=priority)
    late = OutcomeIndicatorFactory(priority=priority)
    for outcome, value in ((ahead, 100), (late, 50)):
        OutcomeTargetFactory(indicator=outcome, value=Decimal("80"))
        _contribution(outcome, Aggregation.LATEST, [value])
    OutcomeIndicatorFactory(priority=priority)  # no data yet

    (result,) = plan_results(priority.plan, today=TODAY).priorities

    assert [row.status for row in result.outcomes] == [
        Status.ON_TRACK,
        Status.BEHIND,
        Status.NO_DATA,
    ]
    assert result.status == Status.BEHIND


def test_without_targets_per_period_the_overall_target_is_due_at_the_plans_end():
    outcome = OutcomeIndicatorFactory(target=Decimal("400"))
    _contribution(outcome, Aggregation.SUM, [100, 100])

    _priority, during = _outcome_result(outcome, today=datetime.date(2025, 6, 1))
    _priority, after = _outcome_result(outcome, today=datetime.date(2026, 1, 1))

    assert (during.expected, during.status) == (Decimal("0"), Status.ON_TRACK)
    assert (after.expected, after.status) == (Decimal("400"), Status.BEHIND)


def test_partners_read_the_results_of_published_projects_only():
    outcome = OutcomeIndicatorFactory()
    published = ProjectFactory(priority=outcome.priority, status=Project.Status.ONGOING)
    pipeline = ProjectFactory(priority=outcome.priority)
    _contribution(outcome, Aggregation.LATEST, [100], project=published)
    _contribution(outcome, Aggregation.LATEST, [900], project=pipeline)

    _priority, everyone = _outcome_result(outcome)
    _priority, partners = _outcome_result(outcome, published_only=True)

    assert everyone.achieved == Decimal("1000")
    assert partners.achieved == Decimal("100")
    assert [p.pk for p in partners.projects] == [published.pk]


def test_people_reached_by_priority_are_the_dashboards_figure():
    priority = PriorityFactory()
    project = ProjectFactory(priority=priority)
    ProgressReportFactory(
        project=project, women_reached=30, girls_reached=12, review_status=APPROVED
    )

    results = plan_results(priority.plan, today=TODAY)

    expected = Project.objects.filter(priority=priority).beneficiaries_reached()
    assert results.priorities[0].reached == expected
    assert results.reached == expected
    assert expected["total"] == 42


def _plan_with_results(rows: int):
    plan = PlanFactory()
    for n in range(rows):
        priority = PriorityFactory(plan=plan)
        for _outcome in range(2):
            outcome = OutcomeIndicatorFactory(priority=priority)
            OutcomeTargetFactory(indicator=outcome)
            OutcomeTargetFactory(
                indicator=outcome,
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2025, 12, 31),
            )
            for aggregation in (Aggregation.SUM, Aggregation.LATEST, Aggregation.AVERAGE):
                _contribution(outcome, aggregation, [10 * n, 20])
        ProgressReportFactory(project=priority.projects.first(), review_status=APPROVED)
    return plan


def test_the_roll_up_costs_six_queries_whatever_the_rows():
    counts = []
    for rows in (1, 4):
        plan = _plan_with_results(rows)
        with CaptureQueriesContext(connection) as queries:
            results = plan_results(plan, today=TODAY)
        assert len(results.priorities) == rows
        counts.append(len(queries))
    # The priorities, their outcome indicators (achieved to date), their
    # targets (achieved by each period's end), the contributing indicators
    # with their projects, the people reached by priority and in all.
    assert counts == [6, 6]
