"""The printable report of a regional plan: the plan, the coverage of its
priorities (as on the region page), its latest approved update and the
projects of each priority with their money, in the reader's language."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from funding.models import Mechanism
from regions.models import PriorityProgress
from reviews.models import ReviewStatus
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    PlanFactory,
    PlanUpdateFactory,
    PriorityFactory,
    PriorityProgressFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def plan():
    """A validated plan of Gao: water (USD 100,000) covered by a QIP and a
    Trust Fund project in CFA francs, each with two approvals and two
    expenditures; State authority (USD 50,000), a gap. Two approved updates
    (the later one is reported) and a later one still in draft."""
    plan = PlanFactory(
        title="PRSR Gao 2024-2025",
        status="validated",
        validation_date=datetime.date(2024, 1, 20),
        validating_authority="Conseil régional de Gao",
        context_analysis="Retour progressif des services de l'État.",
    )
    water = PriorityFactory(
        plan=plan, code="AXE-1", title="Eau potable", estimated_cost_usd=D("100000.00")
    )
    authority = PriorityFactory(
        plan=plan, code="AXE-2", title="Autorité de l'État", estimated_cost_usd=D("50000.00")
    )

    qip = ProjectFactory(code="QIP-2024-GAO-R01", title="Forage de Tacharane", priority=water)
    FundingApprovalFactory(project=qip, amount=D("10000.00"))
    FundingApprovalFactory(project=qip, amount=D("5000.00"))
    ExpenditureFactory(project=qip, amount=D("3000.00"))
    ExpenditureFactory(project=qip, amount=D("1500.50"))
    trust_fund = ProjectFactory(
        code="TF-2024-GAO-201",
        title="Adduction d'eau de Bourem",
        priority=water,
        mechanism=Mechanism.objects.get(code="tf"),
        budget_amount=D("30000000.00"),
        budget_currency="XOF",
    )
    for amount, usd in (("6000000.00", "10000.00"), ("3000000.00", "5000.00")):
        FundingApprovalFactory(
            project=trust_fund, amount=D(amount), currency="XOF", amount_usd=D(usd)
        )
    for amount, usd in (("1200000.00", "2000.00"), ("600000.00", "1000.00")):
        ExpenditureFactory(project=trust_fund, amount=D(amount), currency="XOF", amount_usd=D(usd))
    ProjectFactory(code="QIP-2024-GAO-R99", title="Marché hors plan")  # no priority

    first = PlanUpdateFactory(
        plan=plan,
        review_status=ReviewStatus.APPROVED,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
        narrative="Premier trimestre : lancement des forages.",
    )
    PriorityProgressFactory(update=first, priority=water, narrative="Études terminées.")
    latest = PlanUpdateFactory(
        plan=plan,
        review_status=ReviewStatus.APPROVED,
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 6, 30),
        narrative="Deuxième trimestre : deux forages livrés.",
        risks="Saison des pluies.",
        access_constraints="Axe Gao-Bourem fermé en juin.",
    )
    PriorityProgressFactory(update=latest, priority=water, narrative="Deux forages en service.")
    PriorityProgressFactory(
        update=latest,
        priority=authority,
        status=PriorityProgress.Status.BLOCKED,
        narrative="Préfet absent.",
    )
    PlanUpdateFactory(
        plan=plan,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 9, 30),
        narrative="Brouillon non approuvé.",
    )
    return plan


def test_report_shows_the_plan(client_for, viewer, plan):
    response = client_for(viewer).get(f"/plans/{plan.pk}/report/")

    assert response.status_code == 200
    assert "portfolio/plan_report.html" in [t.name for t in response.templates]
    page = response.text
    assert "<h1>PRSR Gao 2024-2025</h1>" in page
    assert "Gao" in page and "validated" in page
    assert "Conseil régional de Gao" in page
    assert "Retour progressif des services de l&#x27;État." in page
    assert f"150,000.00{NBSP}USD" in page  # the estimated cost of the plan


def test_report_coverage_is_computed_as_on_the_region_page(client_for, reader, plan):
    response = client_for(reader).get(f"/plans/{plan.pk}/report/")

    coverage = response.context["coverage"]
    rows = {
        p.code: (p.project_count, p.approved_usd, p.spent_usd, p.coverage)
        for p in coverage.priorities
    }
    # Approved: 10,000 + 5,000 + 10,000 + 5,000; spent: 3,000 + 1,500.50 + 2,000 + 1,000.
    assert rows == {
        "AXE-1": (2, D("30000"), D("7500.50"), D("30")),
        "AXE-2": (0, D("0"), D("0"), D("0")),
    }
    assert coverage.rate == D("20")
    region = client_for(reader).get("/regions/ML-7/").context["coverage"]
    assert [(p.code, p.approved_usd, p.coverage) for p in region.priorities] == [
        (p.code, p.approved_usd, p.coverage) for p in coverage.priorities
    ]
    page = response.text
    assert f"30,000.00{NBSP}USD" in page and f"7,500.50{NBSP}USD" in page
    assert f"30.0{NBSP}%" in page and f"20.0{NBSP}%" in page
    assert '<tr class="gap">' in page
    assert 'Autorité de l&#x27;État <span class="badge badge--danger"><a class="term"' in page


def test_report_shows_the_latest_approved_update_only(client_for, viewer, plan):
    response = client_for(viewer).get(f"/plans/{plan.pk}/report/")

    assert response.context["update"].narrative == "Deuxième trimestre : deux forages livrés."
    page = response.text
    assert "Deuxième trimestre : deux forages livrés." in page
    assert "Saison des pluies." in page and "Axe Gao-Bourem fermé en juin." in page
    assert "Deux forages en service." in page
    assert "Préfet absent." in page and "blocked" in page
    assert "Premier trimestre" not in page and "Études terminées." not in page
    assert "Brouillon non approuvé." not in page


def test_report_without_approved_update_says_so(client_for, viewer):
    plan = PlanFactory(status="validated")
    PlanUpdateFactory(plan=plan, review_status=ReviewStatus.SUBMITTED, narrative="En revue.")

    response = client_for(viewer).get(f"/plans/{plan.pk}/report/")

    assert response.context["update"] is None
    assert "No update of this plan has been approved yet." in response.text
    assert "En revue." not in response.text
    assert "This plan has no priority." in response.text


def test_report_lists_the_projects_of_each_priority_with_their_money(client_for, reader, plan):
    response = client_for(reader).get(f"/plans/{plan.pk}/report/")

    groups = {
        priority.code: [
            (project.code, project.mechanism.acronym, project.approved_usd, project.spent_usd)
            for project in priority.projects.all()
        ]
        for priority in response.context["coverage"].priorities
    }
    assert groups == {
        "AXE-1": [
            ("QIP-2024-GAO-R01", "QIP", D("15000"), D("4500.50")),
            ("TF-2024-GAO-201", "TF", D("15000"), D("3000")),
        ],
        "AXE-2": [],
    }
    page = response.text
    assert "Forage de Tacharane" in page and "Adduction d&#x27;eau de Bourem" in page
    assert f"15,000.00{NBSP}USD" in page and f"4,500.50{NBSP}USD" in page
    assert f"3,000.00{NBSP}USD" in page
    assert "6,000,000" not in page  # amounts in francs are counted in dollars
    assert "No project is linked to this priority yet." in page
    assert "QIP-2024-GAO-R99" not in page


def test_report_prints_with_the_print_stylesheet_and_page_breaks(client_for, viewer, plan):
    page = client_for(viewer).get(f"/plans/{plan.pk}/report/").text

    assert 'href="/static/css/print.css" media="print"' in page
    assert "data-print" in page
    assert page.count('class="report__page-break"') == 2


def test_report_in_french(client_for, reader, plan):
    client = client_for(reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get(f"/plans/{plan.pk}/report/").text

    assert '<html lang="fr"' in page
    assert f"30{NBSP}000,00{NBSP}USD" in page
    assert f"30,0{NBSP}%" in page
    assert '<span class="badge badge--danger">lacune</span>' in page
    assert "Coût estimé (USD)" in page


def test_plan_page_links_to_its_report(client_for, viewer, plan):
    page = client_for(viewer).get(f"/plans/{plan.pk}/").text

    assert f'href="/plans/{plan.pk}/report/">Printable report</a>' in page


def test_report_of_an_unknown_plan_is_404(client_for, viewer):
    assert client_for(viewer).get("/plans/999999/report/").status_code == 404


def test_report_requires_sign_in(client, plan):
    response = client.get(f"/plans/{plan.pk}/report/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_every_signed_in_user_reads_the_report(client_for, no_role_user, gao_officer, plan):
    for user in (no_role_user, gao_officer):
        assert client_for(user).get(f"/plans/{plan.pk}/report/").status_code == 200


def _more_rows(plan, n: int) -> None:
    """n more priorities, each with two projects with money and a gap, and
    n more approved updates with progress on each priority."""
    for _ in range(n):
        priority = PriorityFactory(plan=plan)
        PriorityFactory(plan=plan)
        for project in ProjectFactory.create_batch(2, priority=priority):
            FundingApprovalFactory.create_batch(2, project=project)
            ExpenditureFactory.create_batch(2, project=project)
    for i in range(n):
        update = PlanUpdateFactory(
            plan=plan,
            review_status=ReviewStatus.APPROVED,
            period_start=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
            period_end=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
        )
        for priority in plan.priorities.all():
            PriorityProgressFactory(update=update, priority=priority)


@pytest.mark.parametrize("n", [1, 8])
def test_report_costs_the_same_number_of_queries_whatever_the_rows(
    client_for, viewer, django_assert_num_queries, plan, n
):
    client = client_for(viewer)
    _more_rows(plan, n)
    # The plan with its region; its priorities' figures (projects counted and
    # money summed, the plan's totals added up from them); the priorities;
    # their projects with mechanism and money; the latest approved update
    # (with its reviewer); its progress with the priorities. Its results by
    # priority (`portfolio.results`): the people reached by priority and in
    # all, the priorities, their outcome indicators (none here) (4). Its map:
    # the locations, the cercles of projects without one, the regions (3).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 6 + 4 + 3):
        response = client.get(f"/plans/{plan.pk}/report/")
    assert len(response.context["coverage"].priorities) == 2 + 2 * n
    assert len(response.context["update"].progress.all()) == 2 + 2 * n
