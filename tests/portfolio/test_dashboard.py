"""The home dashboard: the portfolio's figures, checked against values worked
out by hand on a small fixture, the filter by year and region, what awaits the
signed-in person, and a number of queries that does not grow with the data."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
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
    response = client_for(mopti_officer).get("/", {"region": ""})

    assert [region.code for region in response.context["by_region"]] == ["ML-5", "ML-7"]


def _region_page_figures(client, code: str) -> tuple[int, Decimal]:
    """The projects and the approved money the region's page shows."""
    response = client.get(f"/regions/{code}/")
    count = response.context["project_totals"]["count"]
    assert f"{count} project" in response.text
    return count, sum(row["approved"] for row in response.context["money"])


def test_regional_officer_lands_on_their_regions_figures(client_for, mopti_officer, portfolio):
    client = client_for(mopti_officer)
    client.cookies["django_language"] = "en"

    response = client.get("/")

    assert [region.code for region in response.context["selection"].regions] == ["ML-5"]
    assert [region.code for region in response.context["by_region"]] == ["ML-5"]
    count, approved = _region_page_figures(client, "ML-5")
    assert (response.context["project_count"], response.context["money"]["approved"]) == (
        count,
        approved,
    )
    assert (count, approved) == (1, Decimal("500000"))
    # The form shows the region chosen, and one click leads to the whole country.
    assert '<option value="ML-5" selected>' in response.text
    assert '<a class="btn btn--secondary" href="/?region=">Whole country</a>' in response.text


def test_whole_country_link_shows_the_countrys_figures(client_for, mopti_officer, portfolio):
    client = client_for(mopti_officer)
    url = client.get("/", {"year": "2025"}).context["country_url"]

    response = client.get(url)

    assert url == "/?year=2025&region="
    assert response.context["selection"].regions == ()
    assert response.context["project_count"] == 2  # Gao's and Mopti's projects of 2025
    assert [region.code for region in response.context["by_region"]] == ["ML-5", "ML-7"]
    # And one click back to the officer's region, for the same year.
    assert response.context["home_url"] == "/?year=2025&region=ML-5"
    assert "country_url" not in response.context


def test_head_of_an_office_of_several_regions_lands_on_them_together(
    client_for, tombouctou_head, portfolio
):
    ProjectFactory(code="QIP-2025-TOM-001", region=Region.objects.get(code="ML-6"))
    ProjectFactory(code="QIP-2025-TAO-001", region=Region.objects.get(code="ML-10"))
    client = client_for(tombouctou_head)

    response = client.get("/")

    assert response.context["selection"].region_codes == "ML-10,ML-6"
    assert response.context["project_count"] == 2
    assert '<option value="office" selected>' in response.text
    # The same as chosen in the form.
    assert client.get("/", {"region": "office"}).context["project_count"] == 2


def test_an_explicit_region_is_kept(client_for, mopti_officer, portfolio):
    response = client_for(mopti_officer).get("/", {"region": "ML-7"})

    assert [region.code for region in response.context["selection"].regions] == ["ML-7"]
    assert response.context["project_count"] == 2


def test_the_maps_choices_keep_the_whole_country(client_for, mopti_officer, portfolio):
    response = client_for(mopti_officer).get("/", {"region": ""})

    # Without it, the map's "Show" would take the officer back to their region.
    assert '<input type="hidden" name="region" value="">' in response.text


@pytest.mark.parametrize("person", ["hq_user", "fund_manager", "viewer"])
def test_headquarters_fund_managers_and_partners_land_on_the_country(
    client_for, request, person, portfolio
):
    response = client_for(request.getfixturevalue(person)).get("/")

    assert response.context["selection"].regions == ()
    assert response.context["project_count"] == 3
    assert "country_url" not in response.context and "home_url" not in response.context


def test_only_an_office_may_choose_its_regions(client_for, viewer, portfolio):
    response = client_for(viewer).get("/", {"region": "office"})

    assert "errorlist" in response.text
    assert response.context["project_count"] == 3


def test_charts_are_svg_with_a_table_of_the_same_figures(client_for, viewer, portfolio):
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/").text

    assert page.count('<svg class="chart__svg"') == 4
    # The tables are folded under the charts, and say what they list.
    assert page.count("<summary>Show the figures as a table</summary>") == 4
    for header in ["Mechanism", "Status", "Region", "Pillar"]:
        assert f'<th scope="col">{header}</th>' in page
    assert '<th scope="col">Item</th>' not in page
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


def test_a_partner_sees_no_staff_boxes(client_for, viewer, portfolio):
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/").text

    # No queue, no projects of their own, no reports owed: nothing "for you".
    for heading in [
        "For you",
        "Review queue",
        "Projects ending within",
        "Quick impact projects past their duration",
        "Your overdue decisions",
        "Next meetings of your bodies",
        "Reports due and overdue",
    ]:
        assert heading not in page


def test_a_partner_sees_what_awaits_them(client_for, viewer, portfolio):
    DecisionFactory(owner_user=viewer, due_date=TODAY - datetime.timedelta(days=3))
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/").text

    assert "For you" in page and "Your overdue decisions" in page
    assert "Review queue" not in page and "Quick impact projects past their duration" not in page


def test_staff_see_their_boxes_even_empty(client_for, gao_officer):
    client = client_for(gao_officer)
    client.cookies["django_language"] = "en"

    page = client.get("/").text

    for heading in ["Review queue", "Your overdue decisions", "Reports due and overdue"]:
        assert heading in page


def test_no_table_header_says_item():
    templates = Path(settings.BASE_DIR) / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"""translate ["']Item["']""", text), template
        assert "Élément" not in text, template


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


@pytest.mark.parametrize(
    ("person", "personal"),
    [
        # As headquarters (above), on the office's region, and the keys of the
        # office's regions read once more (`regions.access.editable_region_ids`)
        # for the reports owed (1).
        ("mopti_officer", 16 + 5 + 1),
        # No region to edit, so none read (-1), and no reports owed.
        ("viewer", 16 - 1),
    ],
)
def test_query_count_of_a_regional_officers_and_a_partners_landing(
    client_for, request, person, personal, portfolio, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(person))
    read_report_content_types()

    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + personal + 4):
        assert client.get("/").status_code == 200
