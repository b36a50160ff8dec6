"""The plan page lists its projects per priority and the region page its
projects, with counts and budgets summed by the database; both show the
priorities without any project as gaps."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from regions.models import Region, RegionalPlan
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES, read_report_content_types
from tests.factories import PlanFactory, PriorityFactory, ProjectFactory


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


# --- The plan page ---------------------------------------------------------------------


def test_plan_page_lists_each_prioritys_projects_with_count_and_usd_budget(client_for, reader):
    plan = PlanFactory(status="validated")
    water = PriorityFactory(plan=plan, code="AXE-1")
    PriorityFactory(plan=plan, code="AXE-2", title="Dialogue inclusif")
    first = ProjectFactory(
        code="QIP-2024-GAO-901", title="Forage", priority=water, budget_amount=Decimal(40000)
    )
    second = ProjectFactory(code="QIP-2024-GAO-902", priority=water, budget_amount=Decimal(12500))
    ProjectFactory(priority=water, budget_amount=Decimal(9000000), budget_currency="XOF")

    response = client_for(reader).get(f"/plans/{plan.pk}/")

    rows = {priority.code: priority for priority in response.context["priorities"]}
    assert (rows["AXE-1"].project_count, rows["AXE-1"].budget_usd) == (3, Decimal("52500"))
    assert (rows["AXE-2"].project_count, rows["AXE-2"].budget_usd) == (0, None)
    page = response.text
    assert f'<a href="/projects/{first.pk}/" title="Forage">QIP-2024-GAO-901</a>' in page
    assert f'href="/projects/{second.pk}/"' in page
    assert "52,500.00" in page
    # AXE-1 has projects but nothing approved for them: under the gap threshold too.
    assert [rows[code].coverage_state for code in ("AXE-1", "AXE-2")] == ["gap", "gap"]
    assert page.count('">gap</a></span>') == 2


def test_plan_page_marks_every_priority_without_project_as_a_gap(client_for, reader):
    plan = PlanFactory()
    PriorityFactory.create_batch(3, plan=plan)

    page = client_for(reader).get(f"/plans/{plan.pk}/").text

    assert page.count('">gap</a></span>') == 3


# --- The region page -------------------------------------------------------------------


def test_region_page_lists_the_projects_with_their_priority_and_usd_budget_total(
    client_for, reader
):
    plan = PlanFactory(title="PRSR Gao", status="validated")
    water = PriorityFactory(plan=plan, code="AXE-1", title="Eau potable")
    covered = ProjectFactory(code="QIP-2024-GAO-901", priority=water)
    ProjectFactory(code="QIP-2024-GAO-902", priority=water, budget_amount=Decimal("10000.50"))
    loose = ProjectFactory(code="QIP-2024-GAO-903", budget_amount=Decimal(5000))
    ProjectFactory(region=_region("ML-5"), code="QIP-2024-MOP-901")

    response = client_for(reader).get("/regions/ML-7/")

    listed = [
        (project.code, project.priority.code if project.priority else None)
        for group in response.context["cercle_groups"]
        for project in group["projects"]
    ]
    assert listed == [
        ("QIP-2024-GAO-901", "AXE-1"),
        ("QIP-2024-GAO-902", "AXE-1"),
        ("QIP-2024-GAO-903", None),
    ]
    assert response.context["project_totals"] == {
        "count": 3,
        "budget_usd": Decimal("55000.50"),
        "not_converted": 0,
    }
    page = response.text
    assert f'<a href="/projects/{covered.pk}/">QIP-2024-GAO-901</a>' in page
    assert f'<a href="/projects/{loose.pk}/">QIP-2024-GAO-903</a>' in page
    assert "QIP-2024-MOP-901" not in page
    assert 'class="badge badge--warning">no priority<' in page
    assert "55,000.50" in page
    assert "3 projects in the region" in page


def test_region_page_shows_the_plan_in_force_with_its_gaps(client_for, reader):
    PlanFactory(title="Plan en projet")  # a draft is not in force
    plan = PlanFactory(title="PRSR Gao", status="validated")
    covered = PriorityFactory(plan=plan, code="AXE-1", title="Eau potable")
    PriorityFactory(plan=plan, code="AXE-2", title="Autorité de l'État")
    ProjectFactory(priority=covered)

    response = client_for(reader).get("/regions/ML-7/")

    assert response.context["plan"] == plan
    coverage = {p.code: p.project_count for p in response.context["coverage"].priorities}
    assert coverage == {"AXE-1": 1, "AXE-2": 0}
    page = response.text
    assert f'<a href="/plans/{plan.pk}/">PRSR Gao</a>' in page
    assert 'Autorité de l&#x27;État <span class="badge badge--danger"><a class="term"' in page
    # AXE-1's project has nothing approved yet: a gap as well as AXE-2.
    assert page.count('">gap</a></span>') == 2
    assert page.count('<tr class="gap">') == 2


def test_region_page_prefers_the_validated_plan_covering_today(client_for, reader):
    today = timezone.localdate()
    PlanFactory(
        title="Ancien plan",
        status="validated",
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2021, 12, 31),
    )
    current = PlanFactory(
        title="Plan en vigueur",
        status="validated",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(year=today.year + 1, month=12, day=31),
    )

    response = client_for(reader).get("/regions/ML-7/")

    assert response.context["plan"] == current
    assert "not in force today" not in response.text


def test_region_without_projects_or_plan_says_so(client_for, reader):
    page = client_for(reader).get("/regions/ML-8/").text

    assert "No project has been recorded in this region yet." in page
    assert "No validated plan is in force for this region." in page


# --- Query counts ----------------------------------------------------------------------


def _region_with_projects(n: int):
    plan = PlanFactory(status="validated")
    for i in range(n):
        priority = PriorityFactory(plan=plan)
        PriorityFactory(plan=plan)  # a gap
        ProjectFactory(priority=priority, budget_amount=Decimal(1000 + i))
        ProjectFactory(budget_currency="EUR")
    return plan


@pytest.mark.parametrize("n", [1, 8])
def test_plan_page_query_count_does_not_grow_with_projects(
    client_for, gao_officer, django_assert_num_queries, n
):
    client = client_for(gao_officer)
    plan = _region_with_projects(n)
    ContentType.objects.get_for_model(RegionalPlan)  # warms the content-type cache
    read_report_content_types()
    # The page: the plan with its region, its priorities' figures (projects
    # counted, USD budgets and money summed), the priorities, their first
    # projects (the priorities again, then a window over their projects),
    # its updates, its documents, the plan's and its priorities' history
    # records, whether the user may edit the plan's region, whether the plan's
    # region is one of the user's office (the projects they read among the
    # first, `reviews.visibility.reads_published_only`), its review timeline
    # (with actors). The plan's totals are added up from its priorities' figures.
    # The updates it owes: the plan obligations, its updates (none, so no
    # first submission is read), the regions the person writes for (3). Its
    # results by priority (`portfolio.results`): the people reached by
    # priority and in all, the priorities, their outcome indicators (4).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 12 + 3 + 4):
        response = client.get(f"/plans/{plan.pk}/")
    assert len(response.context["priorities"]) == 2 * n


@pytest.mark.parametrize("n", [1, 8])
def test_region_page_query_count_does_not_grow_with_projects(
    client_for, reader, django_assert_num_queries, n
):
    client = client_for(reader)
    _region_with_projects(n)
    read_report_content_types()
    # The page: the region, its offices (with heads), its cercles; the plan in
    # force, its priorities' figures (projects counted, money summed) and its
    # priorities; the cercles with their projects counted (none has any
    # here, so no first projects are read), the count and the first of the
    # projects without a cercle, the region's totals; the money by mechanism
    # (approved, transferred, spent: one grouped query each); the coordination
    # bodies (none here, so no meetings are read). The reports awaited from
    # its office: its projects that report (none), its plans that report, the
    # plan obligations, their updates (none, so no first submission is read) (4).
    # The results by priority of the plan in force (`portfolio.results`): the
    # people reached by priority and in all, the priorities, their outcome
    # indicators (4). The map of the projects' locations (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 14 + 4 + 4 + 3):
        response = client.get("/regions/ML-7/")
    assert response.context["project_totals"]["count"] == 2 * n
