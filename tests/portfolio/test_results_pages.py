"""The results by priority on the plan page, its printable report and the
region page: what they show, in words, at a cost in queries that does not
grow with the rows; and the people reached, the same number as the
dashboard's."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from projects.models import Aggregation, Project
from regions.models import RegionalPlan
from reviews.models import ReviewStatus
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    PlanFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
)
from tests.factories_results import OutcomeIndicatorFactory, OutcomeTargetFactory

APPROVED = ReviewStatus.APPROVED


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def _validated_plan():
    # In force today, as the region page shows it.
    today = datetime.date.today()
    return PlanFactory(
        status=RegionalPlan.Status.VALIDATED,
        period_start=datetime.date(today.year - 2, 1, 1),
        period_end=datetime.date(today.year + 1, 12, 31),
    )


def _results_rows(plan, rows: int) -> None:
    """`rows` priorities, each with two outcome indicators, two targets each
    and three contributing projects with approved reports."""
    start = plan.period_start
    for n in range(rows):
        priority = PriorityFactory(plan=plan)
        for m in range(2):
            outcome = OutcomeIndicatorFactory(priority=priority, title=f"Résultat {n}-{m}")
            for year in (start.year, start.year + 1):
                OutcomeTargetFactory(
                    indicator=outcome,
                    period_start=datetime.date(year, 1, 1),
                    period_end=datetime.date(year, 12, 31),
                    value=Decimal(100 * (year - start.year + 1)),
                )
            for aggregation in (Aggregation.SUM, Aggregation.LATEST, Aggregation.NONE):
                project = ProjectFactory(
                    priority=priority,
                    status=Project.Status.ONGOING,
                    planned_start=start,
                    planned_end=datetime.date(start.year + 1, 12, 31),
                )
                indicator = IndicatorFactory(
                    project=project, outcome=outcome, aggregation=aggregation
                )
                IndicatorReportFactory(
                    indicator=indicator,
                    period_start=start,
                    period_end=datetime.date(start.year, 6, 30),
                    value=Decimal("40"),
                    review_status=APPROVED,
                )
                ProgressReportFactory(
                    project=project,
                    period_start=start,
                    period_end=datetime.date(start.year, 6, 30),
                    women_reached=5,
                    review_status=APPROVED,
                )


@pytest.mark.django_db
def test_plan_page_shows_each_prioritys_results_with_a_status_in_words(client_for, reader, english):
    plan = _validated_plan()
    _results_rows(plan, 1)

    response = client_for(reader).get(f"/plans/{plan.pk}/")

    page = response.text
    (priority,) = response.context["results"].priorities
    project = priority.outcomes[0].contributions[0].project
    assert 'id="results"' in page
    assert "Résultat 0-0" in page and "Résultat 0-1" in page
    # 40 summed + 40 latest; the one not aggregable is listed, not counted.
    assert priority.outcomes[0].achieved == Decimal("80")
    assert f">{project.code}</a>" in page
    assert "not aggregable" in page
    assert f"{priority.status.label}</span>" in page
    # Nothing to edit for someone who reads only.
    assert "/outcomes/new/" not in page


@pytest.mark.django_db
def test_plan_page_offers_the_results_pages_to_the_regions_office(client_for, gao_officer):
    plan = _validated_plan()
    _results_rows(plan, 1)
    priority = plan.priorities.get()

    page = client_for(gao_officer).get(f"/plans/{plan.pk}/").text

    assert f"/plans/priorities/{priority.pk}/outcomes/new/" in page
    outcome = priority.outcome_indicators.first()
    assert f"/plans/outcomes/{outcome.pk}/edit/" in page


@pytest.mark.django_db
def test_partners_see_the_results_of_published_projects_only(client_for, viewer):
    plan = _validated_plan()
    _results_rows(plan, 1)
    Project.objects.update(status=Project.Status.PIPELINE)

    response = client_for(viewer).get(f"/plans/{plan.pk}/")

    (priority,) = response.context["results"].priorities
    assert all(not row.contributions and row.achieved is None for row in priority.outcomes)


# The results by priority: the priorities, their outcome indicators, their
# targets, the contributing indicators with their projects, the people
# reached by priority and in all.
RESULTS_QUERIES = 6


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 4])
def test_plan_page_results_cost_the_same_queries_whatever_the_rows(
    client_for, reader, django_assert_num_queries, rows
):
    plan = _validated_plan()
    _results_rows(plan, rows)
    client = client_for(reader)
    client.get(f"/plans/{plan.pk}/")  # content types and the like, read once
    # The page for someone at headquarters who edits nothing: the plan, its
    # priorities' figures, the priorities, their first projects (the
    # priorities again, a window over their projects), the plan's and its
    # priorities' history, the plan obligations and the updates they owe
    # (none submitted: no first submission to read), the updates, the
    # documents, the review timeline (12); and the results.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 12 + RESULTS_QUERIES):
        response = client.get(f"/plans/{plan.pk}/")
    assert len(response.context["results"].priorities) == rows


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 4])
def test_plan_report_results_cost_the_same_queries_whatever_the_rows(
    client_for, reader, django_assert_num_queries, rows
):
    plan = _validated_plan()
    _results_rows(plan, rows)
    client = client_for(reader)
    # As tests/portfolio/test_plan_report.py counts the report (no update
    # approved here: its progress is not read), its map (3), and the results.
    with django_assert_num_queries(
        SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5 + 3 + RESULTS_QUERIES
    ):
        response = client.get(f"/plans/{plan.pk}/report/")
    assert len(response.context["results"].priorities) == rows
    assert 'id="results"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 4])
def test_region_page_results_cost_the_same_queries_whatever_the_rows(
    client_for, reader, django_assert_num_queries, rows
):
    plan = _validated_plan()
    _results_rows(plan, rows)
    client = client_for(reader)
    client.get("/regions/ML-7/")  # content types and the like, read once
    with django_assert_num_queries(
        SIGNED_IN_QUERIES + NAVIGATION_QUERIES + REGION_PAGE_QUERIES + RESULTS_QUERIES
    ):
        response = client.get("/regions/ML-7/")
    assert response.context["plan"] == plan
    assert len(response.context["results"].priorities) == rows
    assert 'id="results"' in response.text


# The region page without its results, as tests/portfolio/test_region_page_full.py
# counts it, with the projects' and plans' due reports of these rows, and its
# map of the projects' locations (3).
REGION_PAGE_QUERIES = 20 + 3


@pytest.mark.django_db
def test_dashboard_and_plan_page_show_the_same_people_reached(client_for, hq_user):
    plan = _validated_plan()
    _results_rows(plan, 2)
    # A later approved report replaces the earlier one (figures are cumulative);
    # a submitted one counts none, on both pages.
    project = Project.objects.order_by("pk").first()
    ProgressReportFactory(
        project=project,
        period_start=datetime.date(plan.period_start.year, 7, 1),
        period_end=datetime.date(plan.period_start.year, 9, 30),
        women_reached=11,
        girls_reached=7,
        review_status=APPROVED,
    )
    ProgressReportFactory(
        project=project,
        period_start=datetime.date(plan.period_start.year, 10, 1),
        period_end=datetime.date(plan.period_start.year, 12, 31),
        women_reached=900,
        review_status=ReviewStatus.SUBMITTED,
    )
    client = client_for(hq_user)

    dashboard = client.get("/?region=ML-7")
    plan_page = client.get(f"/plans/{plan.pk}/")

    reached = dashboard.context["reached"]
    assert reached["total"] == 5 * 11 + 18
    assert plan_page.context["results"].reached == reached
    shown = f">{reached['total']}<"
    assert shown in dashboard.text.replace(" ", "")
    assert f"{reached['total']}" in plan_page.text
