"""The home dashboard: the portfolio's figures, checked against values worked
out by hand on a small fixture, the filter by year and region, what awaits the
signed-in person, and a number of queries that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from funding.models import Mechanism
from projects.models import Project
from regions.models import Pillar, Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES, read_report_content_types
from tests.factories import (
    DecisionFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    MeetingFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
)

TODAY = datetime.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 9, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def portfolio(db):
    """Three projects: two QIPs in Gao (2024 and 2025) and a Trust Fund
    project in Mopti (2025), with money in 2024 and 2025."""
    gao, mopti = Region.objects.get(code="ML-7"), Region.objects.get(code="ML-5")
    tf = Mechanism.objects.get(code="tf")
    old = ProjectFactory(
        code="QIP-2024-GAO-001",
        status=Project.Status.CLOSED,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 6, 30),
        women=10,
        men=20,
        girls=30,
        boys=40,
        priority=PriorityFactory(pillar=Pillar.SECURITY, plan__region=gao),
    )
    new = ProjectFactory(
        code="QIP-2025-GAO-001",
        status=Project.Status.ONGOING,
        planned_start=datetime.date(2025, 3, 1),
        planned_end=datetime.date(2025, 7, 1),
        women=1,
        men=2,
        girls=3,
        boys=4,
    )
    mopti_tf = ProjectFactory(
        code="TF-2025-MOP-001",
        region=mopti,
        mechanism=tf,
        status=Project.Status.ONGOING,
        planned_start=datetime.date(2025, 1, 1),
        planned_end=datetime.date(2025, 12, 31),
        women=100,
        men=100,
        girls=0,
        boys=0,
    )
    FundingApprovalFactory(
        project=old, amount=Decimal("40000"), approved_on=datetime.date(2024, 1, 5)
    )
    TrancheFactory(project=old, amount=Decimal("32000"), paid_on=datetime.date(2024, 1, 20))
    TrancheFactory(project=old, amount=Decimal("8000"), paid_on=datetime.date(2024, 7, 1))
    ExpenditureFactory(project=old, amount=Decimal("40000"), spent_on=datetime.date(2024, 6, 1))
    FundingApprovalFactory(
        project=new, amount=Decimal("30000"), approved_on=datetime.date(2025, 2, 1)
    )
    TrancheFactory(project=new, amount=Decimal("24000"), paid_on=datetime.date(2025, 3, 1))
    ExpenditureFactory(project=new, amount=Decimal("6000"), spent_on=datetime.date(2025, 4, 1))
    FundingApprovalFactory(
        project=mopti_tf, amount=Decimal("500000"), approved_on=datetime.date(2024, 12, 1)
    )
    TrancheFactory(project=mopti_tf, amount=Decimal("200000"), paid_on=datetime.date(2025, 1, 15))
    ExpenditureFactory(
        project=mopti_tf, amount=Decimal("50000"), spent_on=datetime.date(2025, 5, 1)
    )
    return old, new, mopti_tf


def _mechanism_row(response, code):
    return next(row for row in response.context["by_mechanism"] if row["mechanism"].code == code)


def test_portfolio_figures_for_all_years_and_regions(client_for, viewer, portfolio):
    response = client_for(viewer).get("/")

    money = response.context["money"]
    assert money["approved"] == Decimal("570000")
    assert money["transferred"] == Decimal("264000")
    assert money["spent"] == Decimal("96000")
    assert money["delivery_rate"] == Decimal("96000") * 100 / Decimal("264000")
    assert response.context["project_count"] == 3
    assert response.context["targeted"] == {
        "women": 111,
        "men": 122,
        "girls": 33,
        "boys": 44,
        "total": 310,
    }
    # No progress report is approved yet: nobody is counted as reached.
    assert response.context["reached"]["total"] == 0
    statuses = dict(response.context["by_status"])
    assert statuses[Project.Status.CLOSED.label] == 1
    assert statuses[Project.Status.ONGOING.label] == 2
    assert [(region.code, region.count) for region in response.context["by_region"]] == [
        ("ML-7", 2),
        ("ML-5", 1),
    ]
    qip = _mechanism_row(response, "qip")
    assert (qip["count"], qip["approved"], qip["transferred"], qip["spent"]) == (
        2,
        Decimal("70000"),
        Decimal("64000"),
        Decimal("46000"),
    )
    pillars = {str(label): count for label, count in response.context["by_pillar"]}
    assert pillars[str(Pillar.SECURITY.label)] == 1
    assert pillars["Sans axe prioritaire"] == 2


def test_filter_by_year_and_region_applies_to_every_figure(client_for, viewer, portfolio):
    response = client_for(viewer).get("/", {"year": "2025", "region": "ML-7"})

    assert response.context["project_count"] == 1
    money = response.context["money"]
    assert (money["approved"], money["transferred"], money["spent"]) == (
        Decimal("30000"),
        Decimal("24000"),
        Decimal("6000"),
    )
    assert [region.code for region in response.context["by_region"]] == ["ML-7"]


def test_year_counts_money_dated_in_it(client_for, viewer, portfolio):
    response = client_for(viewer).get("/", {"year": "2024"})

    money = response.context["money"]
    # 2024: approvals 40,000 (QIP) + 500,000 (TF); tranches 32,000 + 8,000; spent 40,000.
    assert (money["approved"], money["transferred"], money["spent"]) == (
        Decimal("540000"),
        Decimal("40000"),
        Decimal("40000"),
    )


def test_a_years_delivery_rate_is_cumulated_to_its_end(client_for, viewer, portfolio):
    response = client_for(viewer).get("/", {"year": "2025"})

    # Spent by the end of 2025 (40,000 + 6,000 + 50,000) of what was
    # transferred by then (40,000 + 24,000 + 200,000), not 2025's spending over
    # 2025's transfers.
    money = response.context["money"]
    assert money["spent"] == Decimal("56000")
    assert money["delivery_rate"] == Decimal("96000") * 100 / Decimal("264000")


def test_targeted_leaves_cancelled_projects_out_and_reached_counts_approved_reports(
    client_for, viewer, portfolio
):
    old, new, _mopti = portfolio
    ProjectFactory(status=Project.Status.CANCELLED, women=1000, men=1000, girls=0, boys=0)
    ProgressReportFactory(project=old, review_status="approved", women_reached=8, men_reached=15)
    ProgressReportFactory(
        project=old,
        review_status="approved",
        period_start=datetime.date(2024, 5, 1),
        period_end=datetime.date(2024, 6, 30),
        women_reached=10,
        men_reached=20,
    )
    ProgressReportFactory(project=new, review_status="submitted", women_reached=99)

    response = client_for(viewer).get("/")

    assert response.context["targeted"]["total"] == 310  # the cancelled 2,000 left out
    # The old project's latest approved report (cumulative); the submitted one counts none.
    assert response.context["reached"] == {
        "women": 10,
        "men": 20,
        "girls": 0,
        "boys": 0,
        "total": 30,
    }


def test_invalid_filter_shows_the_error_and_every_project(client_for, viewer, portfolio):
    response = client_for(viewer).get("/", {"year": "1900"})

    assert "errorlist" in response.text
    assert response.context["project_count"] == 3


def test_regional_officer_sees_their_regions_first(client_for, mopti_officer, portfolio):
    response = client_for(mopti_officer).get("/")

    assert [region.code for region in response.context["by_region"]] == ["ML-5", "ML-7"]


def test_charts_are_svg_with_a_table_of_the_same_figures(client_for, viewer, portfolio):
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/").text

    assert page.count('<svg class="chart__svg"') == 4
    assert "Money by mechanism (USD)" in page and "US dollars" in page
    assert "<title>QIP — Approved : 70,000</title>" in page
    assert "264,000&nbsp;USD" in page  # transferred, in whole dollars
    assert "<script" not in page.split("</header>", 1)[1]


def test_empty_portfolio_says_so(client_for, viewer):
    page = client_for(viewer).get("/").text

    assert "Rien à afficher pour cette sélection." in page


def test_personal_sections(client_for, gao_officer, portfolio):
    _old, new, _mopti = portfolio
    late = ProjectFactory(
        code="QIP-2024-GAO-009",
        status=Project.Status.ONGOING,
        planned_start=datetime.date(2024, 11, 1),
        planned_end=datetime.date(2025, 4, 30),
        actual_start=datetime.date(2024, 12, 1),
    )
    DecisionFactory(owner_user=gao_officer, due_date=TODAY - datetime.timedelta(days=3))
    DecisionFactory(owner_user=gao_officer, due_date=TODAY + datetime.timedelta(days=3))
    meeting = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=2))
    kidal = MeetingFactory(
        body__region=Region.objects.get(code="ML-8"),
        starts_at=timezone.now() + datetime.timedelta(days=1),
    )

    response = client_for(gao_officer).get("/")

    assert response.context["ending_soon"] == [new]  # ends 1 July, within 30 days
    assert response.context["late_qips"] == [late]  # started 1 December, over 6 months ago
    assert len(response.context["overdue_decisions"]) == 1
    meetings = response.context["next_meetings"]
    assert meetings[0] == meeting and kidal not in meetings  # Kidal's body is not Gao's
    assert all(meeting.body.region.code == "ML-7" for meeting in meetings)


@pytest.mark.parametrize("extra_projects", [0, 30])
def test_query_count_does_not_grow_with_the_data(
    client_for, hq_user, portfolio, extra_projects, django_assert_num_queries
):
    for n in range(extra_projects):
        project = ProjectFactory(code=f"QIP-2025-GAO-{100 + n}")
        FundingApprovalFactory(project=project)
        TrancheFactory(project=project)
        ExpenditureFactory(project=project)
    DecisionFactory(owner_user=hq_user, due_date=TODAY - datetime.timedelta(days=1))
    client = client_for(hq_user)
    read_report_content_types()

    # Portfolio: projects by status, by region, by pillar; approved, transferred
    # and spent by mechanism; the mechanisms with their projects; beneficiaries
    # targeted and reached (9). For the person: the regions they edit (for the order), projects
    # ending soon, the QIP mechanism's limit, late QIPs, overdue decisions,
    # next meetings (6). The filter form's region choices (1). The reports
    # overdue (`portfolio.reporting.due_for_user`): the projects that report,
    # their mechanisms' obligations, their progress reports (none answers, so
    # no first submission is read), the plans that report (none), and the
    # regions the person writes for, for the "Report" links (5). The maps
    # (`portfolio.views.dashboard._maps_context`): the regions, projects by
    # region, the locations, the cercles of projects without one (4).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 16 + 5 + 4):
        assert client.get("/").status_code == 200
