"""The list of regional plans and the page of one plan."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from regions.models import Pillar, PlanDocument, Region, RegionalPlan
from reviews.models import ReviewStatus
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES, read_report_content_types
from tests.factories import PlanFactory, PlanUpdateFactory, PriorityFactory, UserFactory


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _titles(response) -> list[str]:
    return [plan.title for plan in response.context["page_obj"].object_list]


# --- The list ------------------------------------------------------------------------


def test_plan_list_shows_each_plan_with_its_priority_count_and_total_cost(client_for, reader):
    plan = PlanFactory(title="Plan de Gao 2024-2025")
    PriorityFactory.create_batch(2, plan=plan, estimated_cost_usd=Decimal("250000.50"))

    response = client_for(reader).get("/plans/")

    assert response.status_code == 200
    listed = response.context["page_obj"].object_list[0]
    assert (listed.priority_count, listed.estimated_cost) == (2, Decimal("500001.00"))
    assert "Plan de Gao 2024-2025" in response.text
    assert "500,001.00" in response.text
    assert 'class="badge badge--muted">draft<' in response.text


def test_plan_list_filters_by_region_and_status(client_for, reader):
    PlanFactory(title="Gao draft")
    PlanFactory(title="Gao validated", status=RegionalPlan.Status.VALIDATED)
    PlanFactory(title="Mopti validated", region=_region("ML-5"), status="validated")
    client = client_for(reader)

    by_region = client.get("/plans/", {"region": _region("ML-7").pk})
    by_status = client.get("/plans/", {"status": "validated"})
    both = client.get("/plans/", {"region": _region("ML-5").pk, "status": "validated"})

    assert sorted(_titles(by_region)) == ["Gao draft", "Gao validated"]
    assert sorted(_titles(by_status)) == ["Gao validated", "Mopti validated"]
    assert _titles(both) == ["Mopti validated"]


@pytest.mark.parametrize(
    ("year", "listed"),
    [("2023", False), ("2024", True), ("2025", True), ("2026", False)],
)
def test_plan_list_period_filter_keeps_plans_overlapping_the_year(client_for, reader, year, listed):
    PlanFactory(
        title="Plan 2024-2025",
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2025, 6, 30),
    )

    response = client_for(reader).get("/plans/", {"period": year})

    assert response.status_code == 200
    assert (_titles(response) == ["Plan 2024-2025"]) is listed


def test_plan_list_pillar_filter_lists_each_plan_once_with_its_full_totals(client_for, reader):
    plan = PlanFactory(title="Sécurité d'abord")
    PriorityFactory.create_batch(2, plan=plan, pillar=Pillar.SECURITY)
    PriorityFactory(plan=plan, pillar=Pillar.DIALOGUE)
    PlanFactory(title="Sans sécurité")

    response = client_for(reader).get("/plans/", {"pillar": "security"})

    assert _titles(response) == ["Sécurité d'abord"]
    assert response.context["page_obj"].object_list[0].priority_count == 3


def test_plan_list_search_looks_in_title_and_context_analysis(client_for, reader):
    PlanFactory(title="Plan Ménaka", context_analysis="Transhumance et conflits fonciers.")
    PlanFactory(title="Plan fonciers de Gao")
    PlanFactory(title="Autre plan")

    response = client_for(reader).get("/plans/", {"q": "FONCIERS"})

    assert sorted(_titles(response)) == ["Plan Ménaka", "Plan fonciers de Gao"]


def test_plan_list_orders_by_the_chosen_column(client_for, reader):
    for title in ("Bravo", "Alpha", "Charlie"):
        PlanFactory(title=title)
    client = client_for(reader)

    assert _titles(client.get("/plans/", {"ordering": "title"})) == ["Alpha", "Bravo", "Charlie"]
    assert _titles(client.get("/plans/", {"ordering": "-title"})) == ["Charlie", "Bravo", "Alpha"]


def test_plan_list_sorts_by_region_and_labels_the_choices_in_the_page_language(client_for, reader):
    PlanFactory(title="Plan de Mopti", region=_region("ML-5"))
    PlanFactory(title="Plan de Gao")

    response = client_for(reader).get("/plans/", {"ordering": "-region"})

    assert _titles(response) == ["Plan de Mopti", "Plan de Gao"]
    assert '<option value="-title">Title (descending)</option>' in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"period": "abc", "ordering": "zzz", "page": "999"},
        {"period": "99999"},
        {"period": "-1"},
        {"region": "not-a-region"},
        {"status": "deleted"},
        {"pillar": "<script>"},
        {"page": "abc"},
        {"page": "-3"},
    ],
)
def test_plan_list_with_garbage_in_the_query_is_a_page_not_an_error(client_for, reader, query):
    PlanFactory()

    response = client_for(reader).get("/plans/", query)

    assert response.status_code == 200


def test_plan_list_with_an_invalid_filter_shows_the_error_and_no_rows(client_for, reader):
    PlanFactory(title="Plan de Gao")

    response = client_for(reader).get("/plans/", {"period": "abc"})

    assert "Enter a whole number." in response.text
    assert _titles(response) == []
    assert "No plan matches these filters." in response.text


def test_plan_list_is_paginated_by_25_and_a_page_too_far_shows_the_last(client_for, reader):
    PlanFactory.create_batch(30)
    client = client_for(reader)

    first = client.get("/plans/", {"status": "draft"})
    too_far = client.get("/plans/", {"status": "draft", "page": "999"})

    assert len(first.context["page_obj"].object_list) == 25
    assert 'href="?status=draft&amp;page=2"' in first.text
    assert too_far.status_code == 200
    assert too_far.context["page_obj"].number == 2
    assert len(too_far.context["page_obj"].object_list) == 5


def test_plan_list_without_plans_says_so(client_for, reader):
    response = client_for(reader).get("/plans/")

    assert "No regional plan has been recorded yet." in response.text


@pytest.mark.parametrize(
    ("fixture", "shown"),
    [
        ("hq_user", True),
        ("gao_officer", True),
        ("tombouctou_head", True),
        ("fund_manager", False),
        ("viewer", False),
        ("admin_user", False),
    ],
)
def test_new_plan_button_only_for_people_who_may_edit_a_region(request, client_for, fixture, shown):
    response = client_for(request.getfixturevalue(fixture)).get("/plans/")

    assert ('href="/plans/new/"' in response.text) is shown


def test_plan_pages_require_sign_in(client, db):
    plan = PlanFactory()
    for url in ("/plans/", f"/plans/{plan.pk}/", "/plans/new/", f"/plans/{plan.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


# --- One plan ------------------------------------------------------------------------


def test_plan_page_shows_details_priorities_updates_and_documents(client_for, reader, tmp_path):
    plan = PlanFactory(title="PRSR Gao", status=RegionalPlan.Status.VALIDATED)
    PriorityFactory(
        plan=plan,
        code="AXE-1",
        title="Retour des services sociaux de base",
        estimated_cost_usd=Decimal("1234567.5"),
    )
    update = PlanUpdateFactory(plan=plan)
    document = PlanDocument.objects.create(
        plan=plan,
        file="attachments/prsr.pdf",
        original_name="prsr-gao.pdf",
        content_type="application/pdf",
        size=2048,
        title="PRSR signé",
        uploaded_by=plan.created_by,
    )

    response = client_for(reader).get(f"/plans/{plan.pk}/")

    assert response.status_code == 200
    page = response.text
    assert "<h1>PRSR Gao" in page
    assert 'class="badge badge--success">validated<' in page
    assert "Gao" in page and "Analyse du contexte" in page
    assert "AXE-1" in page and "Retour des services sociaux de base" in page
    assert "Basic social services" in page
    assert "1,234,567.50" in page
    assert "No linked project yet" in page
    assert f'href="{update.get_absolute_url()}"' in page
    assert 'class="badge badge--muted">draft<' in page
    assert f'href="{document.get_absolute_url()}"' in page and "PRSR signé" in page


def test_plan_page_of_an_empty_plan_shows_empty_states(client_for, reader):
    plan = PlanFactory()

    page = client_for(reader).get(f"/plans/{plan.pk}/").text

    assert "No priority has been recorded for this plan yet." in page
    assert "No update has been reported on this plan yet." in page
    assert "No document has been added to this plan yet." in page


def test_unknown_plan_is_a_404(client_for, reader):
    assert client_for(reader).get("/plans/999999/").status_code == 404


EDIT = ("edit/", "priorities/new/", "documents/new/")
SEND = ("send-for-review/",)
DECIDE_REVIEW = ("validate/", "back-to-draft/")
ARCHIVE = ("archive/",)
NEW_UPDATE = ("updates/new/",)
ALL_ACTIONS = EDIT + SEND + DECIDE_REVIEW + ARCHIVE + NEW_UPDATE


@pytest.mark.parametrize(
    ("fixture", "region", "status", "shown"),
    [
        ("gao_officer", "ML-7", "draft", EDIT + SEND),
        ("gao_officer", "ML-7", "under_review", EDIT),
        ("gao_officer", "ML-7", "validated", NEW_UPDATE),
        ("gao_officer", "ML-7", "archived", ()),
        ("gao_officer", "ML-5", "draft", ()),
        ("gao_officer", "ML-5", "validated", ()),
        ("mopti_officer", "ML-5", "draft", EDIT + SEND),
        ("hq_user", "ML-5", "draft", EDIT + SEND),
        ("hq_user", "ML-7", "under_review", EDIT + DECIDE_REVIEW),
        ("hq_user", "ML-7", "validated", ARCHIVE + NEW_UPDATE),
        ("hq_user", "ML-7", "archived", ()),
        ("viewer", "ML-7", "draft", ()),
        ("viewer", "ML-7", "under_review", ()),
        ("fund_manager", "ML-7", "validated", ()),
        ("admin_user", "ML-7", "validated", ()),
    ],
)
def test_plan_page_shows_only_the_actions_the_user_may_take(
    db, request, client_for, fixture, region, status, shown
):
    plan = PlanFactory(region=_region(region), status=status)

    page = client_for(request.getfixturevalue(fixture)).get(f"/plans/{plan.pk}/").text

    offered = {action for action in ALL_ACTIONS if f'href="/plans/{plan.pk}/{action}"' in page}
    assert offered == set(shown)


def test_plan_page_shows_the_history_of_changes_with_who_made_them(client_for, gao_officer):
    gao_officer.first_name, gao_officer.last_name = "Aïssata", "Maïga"
    gao_officer.save()
    plan = PlanFactory(title="Ancien titre")
    client = client_for(gao_officer)
    client.post(
        f"/plans/{plan.pk}/edit/",
        {
            "version": 1,
            "region": plan.region_id,
            "title": "Nouveau titre",
            "period_start": "2024-01-01",
            "period_end": "2025-12-31",
            "context_analysis": plan.context_analysis,
        },
    )

    page = client.get(f"/plans/{plan.pk}/").text

    assert "title: Ancien titre → Nouveau titre" in page
    assert "Aïssata Maïga" in page


# --- Query counts --------------------------------------------------------------------


def _plans_with_rows(n: int) -> list[RegionalPlan]:
    plans = []
    for i in range(n):
        region = _region(("ML-7", "ML-5", "ML-6", "ML-9")[i % 4])
        plan = PlanFactory(region=region, created_by=UserFactory())
        PriorityFactory.create_batch(2, plan=plan)
        plans.append(plan)
    return plans


@pytest.mark.parametrize("n", [1, 8])
def test_plan_list_query_count_does_not_grow(client_for, gao_officer, django_assert_num_queries, n):
    client = client_for(gao_officer)
    _plans_with_rows(n)
    # The page: COUNT for the paginator, the page of plans (region joined,
    # priorities counted and costs summed), the regions of the filter's choice,
    # whether the user may edit some region ("New plan").
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4 + 1):
        assert client.get("/plans/", {"ordering": "title"}).status_code == 200


def _plan_with_rows(n: int) -> RegionalPlan:
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)
    for i in range(n):
        priority = PriorityFactory(plan=plan)
        priority.title = f"Titre révisé {i}"
        priority.save()  # one more history entry per priority
        PlanUpdateFactory(plan=plan, created_by=UserFactory())
        PlanDocument.objects.create(
            plan=plan,
            file=f"attachments/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=UserFactory(),
        )
    return plan


@pytest.mark.parametrize("n", [1, 8])
def test_plan_page_query_count_does_not_grow(client_for, gao_officer, django_assert_num_queries, n):
    client = client_for(gao_officer)
    plan = _plan_with_rows(n)
    read_report_content_types()
    # The page: the plan with its region, its priorities' figures (projects
    # counted, USD budgets and money summed), the priorities, their first
    # projects (the priorities again, then a window over their projects),
    # its updates, its documents with their uploaders, the plan's history
    # records and its priorities' history records (each with their users),
    # whether the user may edit the plan's region, whether the plan's region
    # is one of the user's office (the projects they read among the first,
    # `reviews.visibility.reads_published_only`), its review timeline (with
    # actors). Its total cost is added up from the priorities' figures. The
    # updates it owes: the plan obligations, its updates, the days they were
    # first submitted, the regions the person writes for ("Report" links) (4).
    # Its results by priority (`portfolio.results`): the people reached by
    # priority and in all, the priorities, their outcome indicators (none
    # here: tests/portfolio/test_results_pages.py counts them with rows) (4).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 12 + 4 + 4):
        response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    assert len(response.context["history"]) >= 2 * n
    assert response.context["updates"][0].review_status == ReviewStatus.DRAFT
