"""The region page in full: the plan in force with its coverage by priority
(projects, money approved and spent in US dollars, estimated cost, coverage,
gaps), the projects by cercle, the offices and the coordination bodies with
their next meeting."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from coordination.models import CoordinationBody
from funding.models import Mechanism
from regions.models import Cercle, Office, Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES, read_report_content_types
from tests.factories import (
    BodyFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    MeetingFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _cercle(name: str) -> Cercle:
    return Cercle.objects.get(region__code="ML-7", name=name)


@pytest.fixture
def gao_plan():
    """The validated plan of Gao with two priorities: water (estimated at
    USD 100,000), covered by a QIP in dollars and a Trust Fund project in CFA
    francs, each with two approvals and two expenditures; State authority
    (USD 50,000), a gap. Money elsewhere must not count."""
    plan = PlanFactory(title="PRSR Gao 2024-2025", status="validated")
    water = PriorityFactory(
        plan=plan, code="AXE-1", title="Eau potable", estimated_cost_usd=D("100000.00")
    )
    PriorityFactory(
        plan=plan, code="AXE-2", title="Autorité de l'État", estimated_cost_usd=D("50000.00")
    )

    qip = ProjectFactory(code="QIP-2024-GAO-101", title="Forage de Tacharane", priority=water)
    qip.cercles.set([_cercle("Ansongo"), _cercle("Gao")])
    FundingApprovalFactory(project=qip, amount=D("10000.00"))
    FundingApprovalFactory(project=qip, amount=D("5000.00"))
    TrancheFactory(project=qip, amount=D("12000.00"))  # transferred: not in the coverage
    ExpenditureFactory(project=qip, amount=D("3000.00"))
    ExpenditureFactory(project=qip, amount=D("1500.50"))

    trust_fund = ProjectFactory(
        code="TF-2024-GAO-101",
        title="Adduction d'eau de Bourem",
        priority=water,
        mechanism=Mechanism.objects.get(code="tf"),
        budget_amount=D("30000000.00"),
        budget_currency="XOF",
    )
    trust_fund.cercles.set([_cercle("Bourem")])
    # In CFA francs, at 600 francs to the dollar: the dollars count, not the francs.
    for amount, usd in (("6000000.00", "10000.00"), ("3000000.00", "5000.00")):
        FundingApprovalFactory(
            project=trust_fund, amount=D(amount), currency="XOF", amount_usd=D(usd)
        )
    for amount, usd in (("1200000.00", "2000.00"), ("600000.00", "1000.00")):
        ExpenditureFactory(project=trust_fund, amount=D(amount), currency="XOF", amount_usd=D(usd))

    # A project of the region without priority, and one of another region.
    loose = ProjectFactory(code="QIP-2024-GAO-102", title="Marché de Gao")
    FundingApprovalFactory(project=loose, amount=D("7777.00"))
    other = ProjectFactory(region=_region("ML-5"), code="QIP-2024-MOP-101")
    FundingApprovalFactory(project=other, amount=D("99999.00"))
    return plan


# --- Coverage of the plan in force ---------------------------------------------------


def test_coverage_sums_each_prioritys_money_once_in_us_dollars(client_for, reader, gao_plan):
    response = client_for(reader).get("/regions/ML-7/")

    coverage = response.context["coverage"]
    assert coverage.plan == gao_plan
    rows = {
        p.code: (p.project_count, p.approved_usd, p.spent_usd, p.estimated_cost_usd, p.coverage)
        for p in coverage.priorities
    }
    # Approved: 10,000 + 5,000 + 10,000 + 5,000; spent: 3,000 + 1,500.50 + 2,000 + 1,000.
    assert rows == {
        "AXE-1": (2, D("30000"), D("7500.50"), D("100000"), D("30")),
        "AXE-2": (0, D("0"), D("0"), D("50000"), D("0")),
    }
    plan = coverage.plan
    totals = (
        plan.total_projects,
        plan.total_gaps,
        plan.total_approved_usd,
        plan.total_spent_usd,
        plan.total_estimated_usd,
    )
    # Both priorities are gaps: AXE-1 is covered at 30 %, under the 50 % threshold.
    assert totals == (2, 2, D("30000"), D("7500.50"), D("150000"))
    assert [p.coverage_state for p in coverage.priorities] == ["gap", "gap"]
    assert coverage.rate == D("20")


def test_coverage_table_shows_the_figures_and_marks_the_gap_in_words(client_for, reader, gao_plan):
    page = client_for(reader).get("/regions/ML-7/").text

    assert f"30,000.00{NBSP}USD" in page
    assert f"7,500.50{NBSP}USD" in page
    assert f"100,000.00{NBSP}USD" in page
    assert f"150,000.00{NBSP}USD" in page
    assert f"30.0{NBSP}%" in page and f"20.0{NBSP}%" in page
    # The gaps: highlighted and named, not shown by colour alone, the word
    # linked to its definition.
    assert page.count('<tr class="gap">') == 2
    assert 'Autorité de l&#x27;État <span class="badge badge--danger"><a class="term"' in page
    assert '#gap" title="A priority whose coverage is under the gap threshold (50 %)."' in page
    assert ">gap</a></span>" in page
    assert "2 gaps" in page
    assert "6,000,000" not in page and "99,999.00" not in page


def test_coverage_in_french_names_the_gap_lacune(client_for, reader, gao_plan):
    client = client_for(reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get("/regions/ML-7/").text

    assert '<html lang="fr"' in page
    assert ">lacune</a></span>" in page
    assert f"30{NBSP}000,00{NBSP}USD" in page
    assert f"30,0{NBSP}%" in page


def test_priority_without_estimated_cost_has_no_coverage_rate(client_for, reader):
    plan = PlanFactory(status="validated")
    priority = PriorityFactory(plan=plan, estimated_cost_usd=None)
    FundingApprovalFactory(project=ProjectFactory(priority=priority), amount=D("1000.00"))

    response = client_for(reader).get("/regions/ML-7/")

    (row,) = response.context["coverage"].priorities
    assert (row.approved_usd, row.coverage) == (D("1000"), None)
    assert response.context["coverage"].rate is None


def test_plan_in_force_without_priorities_says_so(client_for, reader):
    PlanFactory(status="validated")

    page = client_for(reader).get("/regions/ML-7/").text

    assert "This plan has no priority." in page


def test_region_page_links_to_the_plans_printable_report(client_for, reader, gao_plan):
    page = client_for(reader).get("/regions/ML-7/").text

    assert f'<a href="/plans/{gao_plan.pk}/report/">Printable report</a>' in page


# --- Projects by cercle ---------------------------------------------------------------


def test_projects_are_listed_under_each_of_their_cercles_and_those_without_last(
    client_for, reader, gao_plan
):
    response = client_for(reader).get("/regions/ML-7/")

    groups = [
        (group["cercle"], [project.code for project in group["projects"]])
        for group in response.context["cercle_groups"]
    ]
    assert groups == [
        ("Ansongo", ["QIP-2024-GAO-101"]),
        ("Bourem", ["TF-2024-GAO-101"]),
        ("Gao", ["QIP-2024-GAO-101"]),
        (None, ["QIP-2024-GAO-102"]),
    ]
    page = response.text
    qip = gao_plan.priorities.get(code="AXE-1").projects.get(code="QIP-2024-GAO-101")
    assert page.count(f'<a href="/projects/{qip.pk}/">QIP-2024-GAO-101</a>') == 2
    assert "Forage de Tacharane" in page and "Adduction d&#x27;eau de Bourem" in page
    assert "No cercle recorded" in page
    assert ">pipeline</span>" in page  # the status
    assert "<td>TF</td>" in page and "<td>QIP</td>" in page  # the mechanism
    assert "QIP-2024-MOP-101" not in page


def test_a_cercle_with_many_projects_shows_its_first_and_links_to_all_of_them(client_for, reader):
    ansongo = _cercle("Ansongo")
    for i in range(23):
        ProjectFactory(code=f"QIP-2024-GAO-{i:03d}").cercles.set([ansongo])
    for i in range(21):
        ProjectFactory(code=f"TF-2024-GAO-{i:03d}")  # no cercle
    stray = ProjectFactory(region=_region("ML-5"), code="QIP-2024-MOP-001")
    stray.cercles.set([ansongo])  # another region's project: not counted here
    client = client_for(reader)

    response = client.get("/regions/ML-7/")

    groups = response.context["cercle_groups"]
    assert [(group["cercle"], group["count"]) for group in groups] == [
        ("Ansongo", 23),
        (None, 21),
    ]
    assert [project.code for project in groups[0]["projects"]] == [
        f"QIP-2024-GAO-{i:03d}" for i in range(20)
    ]
    assert [project.code for project in groups[1]["projects"]] == [
        f"TF-2024-GAO-{i:03d}" for i in range(20)
    ]
    page = response.text
    gao = _region("ML-7").pk
    all_in_ansongo = f"/projects/?region={gao}&amp;cercle={ansongo.pk}"
    without = f"/projects/?region={gao}&amp;cercle=none"
    assert f'The first 20 by code — <a href="{all_in_ansongo}">all 23 projects</a>' in page
    assert f'The first 20 by code — <a href="{without}">all 21 projects</a>' in page
    # The table lists the first 20 (the map above it draws every location).
    table = page.split('id="region-detail-caption-1"', 1)[1]
    assert "QIP-2024-GAO-020" not in table and "QIP-2024-MOP-001" not in page

    # Each link lists every project of its group, and no other.
    listed = client.get(all_in_ansongo.replace("&amp;", "&")).context["page_obj"]
    assert listed.paginator.count == 23
    assert {project.code[:12] for project in listed.object_list} == {"QIP-2024-GAO"}
    listed = client.get(without.replace("&amp;", "&")).context["page_obj"]
    assert listed.paginator.count == 21
    assert {project.code[:11] for project in listed.object_list} == {"TF-2024-GAO"}


def test_a_cercle_with_twenty_projects_or_fewer_has_no_link_to_more(client_for, reader):
    ansongo = _cercle("Ansongo")
    for i in range(20):
        ProjectFactory(code=f"QIP-2024-GAO-{i:03d}").cercles.set([ansongo])

    page = client_for(reader).get("/regions/ML-7/").text

    assert 'Ansongo <span class="muted">(20)</span>' in page
    assert "The first 20 by code" not in page


def test_the_projects_list_offers_the_projects_without_a_cercle(client_for, reader):
    placed = ProjectFactory(code="QIP-2024-GAO-001")
    placed.cercles.set([_cercle("Gao")])
    ProjectFactory(code="QIP-2024-GAO-002")
    client = client_for(reader)

    page = client.get("/projects/").text
    assert '<option value="none">No cercle recorded</option>' in page
    listed = client.get("/projects/?cercle=none").context["page_obj"].object_list
    assert [project.code for project in listed] == ["QIP-2024-GAO-002"]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<option value="none">Aucun cercle enregistré</option>' in client.get("/projects/").text


def test_region_without_anything_shows_each_empty_state(client_for, reader):
    page = client_for(reader).get("/regions/ML-8/").text

    assert "No validated plan is in force for this region." in page
    assert "No project has been recorded in this region yet." in page
    assert "No funding has been approved, transferred or spent in this region yet." in page
    assert "No coordination body has been recorded for this region." in page


# --- Offices ----------------------------------------------------------------------------


def test_offices_are_shown_with_their_head(client_for, reader, tombouctou_head):
    page = client_for(reader).get("/regions/ML-6/").text

    assert f"head of office: {tombouctou_head.get_full_name()}" in page
    gao = client_for(reader).get("/regions/ML-7/").text
    assert "no head of office recorded" in gao


# --- Coordination bodies ----------------------------------------------------------------


def test_bodies_are_shown_with_their_next_meeting_only(client_for, reader):
    now = timezone.now()
    committee = BodyFactory(name="Comité régional d'orientation de Gao", acronym="CROCSAD")
    MeetingFactory(body=committee, starts_at=now - datetime.timedelta(days=3), place="Passé")
    later = MeetingFactory(body=committee, starts_at=now + datetime.timedelta(days=30))
    upcoming = MeetingFactory(
        body=committee, starts_at=now + datetime.timedelta(days=5), place="Gouvernorat de Gao"
    )
    quiet = BodyFactory(name="Cadre de concertation des jeunes")
    MeetingFactory(body=quiet, starts_at=now - datetime.timedelta(days=1))
    elsewhere = BodyFactory(name="Comité de Mopti", region=_region("ML-5"))
    MeetingFactory(body=elsewhere)
    national = BodyFactory(name="Commission nationale", region=None)
    MeetingFactory(body=national)

    response = client_for(reader).get("/regions/ML-7/")

    bodies = {body.name: body.next_meetings for body in response.context["bodies"]}
    assert bodies == {
        "Cadre de concertation des jeunes": [],
        "Comité régional d'orientation de Gao": [upcoming],
    }
    page = response.text
    assert f'<a href="/coordination/meetings/{upcoming.pk}/">' in page
    assert "Gouvernorat de Gao" in page
    assert f'href="/coordination/meetings/{later.pk}/"' not in page
    assert "Passé" not in page
    assert "No meeting planned" in page
    assert f'<a href="/coordination/bodies/{committee.pk}/">' in page
    assert "Comité de Mopti" not in page and "Commission nationale" not in page


# --- Access and queries -----------------------------------------------------------------


def test_unknown_region_is_404_and_anonymous_is_sent_to_sign_in(client, viewer):
    response = client.get("/regions/ML-7/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")

    client.force_login(viewer)
    assert client.get("/regions/XX-404/").status_code == 404


def _more_rows(n: int) -> None:
    """n more priorities of the plan in force, each with a project in two
    cercles with money, and a gap; n more bodies with past and coming
    meetings; n more offices covering the region."""
    plan = PlanFactory(status="validated")
    cercles = list(Cercle.objects.filter(region__code="ML-7"))
    for i in range(n):
        priority = PriorityFactory(plan=plan)
        PriorityFactory(plan=plan)
        project = ProjectFactory(priority=priority)
        project.cercles.set(cercles[:2])
        FundingApprovalFactory.create_batch(2, project=project)
        ExpenditureFactory.create_batch(2, project=project)
        TrancheFactory(project=project)
        ProjectFactory()  # no cercle, no priority
        body = BodyFactory()
        MeetingFactory(body=body, starts_at=timezone.now() - datetime.timedelta(days=i + 1))
        MeetingFactory.create_batch(2, body=body)
        Office.objects.create(name=f"Antenne {i}").regions.add(_region("ML-7"))


@pytest.mark.parametrize("n", [1, 10])
def test_region_page_costs_the_same_number_of_queries_whatever_the_rows(
    client_for, reader, django_assert_num_queries, n
):
    client = client_for(reader)
    _more_rows(n)
    read_report_content_types()
    # The region, its offices (with heads), its cercles; the plan in force, its
    # priorities' figures (projects counted and money summed), its
    # priorities; the cercles with their projects counted, their first
    # projects, the count and first of the projects without a cercle; the
    # region's project totals; the money by mechanism (approved, transferred,
    # spent: one grouped query each); the coordination bodies, their next
    # meetings. The reports awaited from its office: its projects that report
    # (none) and plans that report, the plan obligations, their updates (none,
    # so no first submission is read) (4). The results by priority of the
    # plan in force (`portfolio.results`): the people reached by priority and
    # in all, the priorities, their outcome indicators (none here) (4). Its
    # map: the locations, the cercles of projects without one, the regions (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 16 + 4 + 4 + 3):
        response = client.get("/regions/ML-7/")
    assert len(response.context["coverage"].priorities) == 2 * n
    assert CoordinationBody.objects.filter(region__code="ML-7").count() == n
    assert all(len(body.next_meetings) == 1 for body in response.context["bodies"])
