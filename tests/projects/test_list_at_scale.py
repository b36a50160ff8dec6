"""The projects list at scale: the unfiltered list shows PostgreSQL's estimate
of the number of projects instead of counting them all at each request, a
filtered list counts exactly, the list costs the same number of queries
whatever the number of projects, and each sort and the search can read an
index (PostgreSQL)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.filters import SORTS, ProjectFilter, listed_projects
from projects.models import WORKFLOW_ORDER, Project
from projects.views import project_list
from regions.models import Region

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite keeps no estimate of a table's rows, the list counts them",
)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _seed(projects: int) -> None:
    call_command("seed_scale", "--projects", str(projects), "--yes", stdout=StringIO())


def _analyze() -> None:
    """What autovacuum does after many inserts: the planner's statistics,
    reltuples included, brought up to date."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")


@pytest.fixture
def estimate_from_any_size(monkeypatch):
    """The estimate even for a table of a few rows (it serves from 10,000)."""
    monkeypatch.setattr(project_list, "ESTIMATE_ABOVE", 0)


def _counts_projects(sql: str) -> bool:
    # Not the navigation's count of what awaits review, a UNION over every
    # reviewed model, projects among them.
    return (
        sql.startswith("SELECT COUNT(") and 'FROM "projects_project"' in sql and "UNION" not in sql
    )


# --- The estimate ----------------------------------------------------------------------


@on_postgresql
def test_unfiltered_list_on_postgresql_takes_the_estimate_not_a_count(
    client_for, reader, estimate_from_any_size
):
    _seed(20)
    _analyze()
    client = client_for(reader)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/projects/")

    totals = response.context["totals"]
    assert response.context["count_is_estimate"] is True
    assert totals["count"] == 20  # what ANALYZE left in pg_class.reltuples
    sqls = [query["sql"] for query in queries.captured_queries]
    assert any("pg_class" in sql for sql in sqls)
    assert not any(_counts_projects(sql) for sql in sqls)
    # The budget totals are still summed, from the budgets' index.
    budget = sum(p.budget_usd for p in Project.objects.exclude(budget_usd=None))
    assert totals["budget_usd"] == budget


@on_postgresql
def test_the_page_says_about_for_the_estimate(client_for, reader, estimate_from_any_size):
    _seed(20)
    _analyze()

    page = client_for(reader).get("/projects/").text

    assert '<span class="stat__value">about 20</span>' in page


@on_postgresql
def test_pages_past_a_short_estimate_are_still_reached(client_for, reader, estimate_from_any_size):
    _seed(20)
    _analyze()  # the estimate says 20
    _seed(40)  # 60 projects, the estimate unchanged until the next ANALYZE
    client = client_for(reader)

    first = client.get("/projects/")
    third = client.get("/projects/", {"page": "3"})
    past_the_end = client.get("/projects/", {"page": "4"})

    assert first.context["count_is_estimate"] is True
    assert first.context["page_obj"].has_next()
    assert 'rel="next"' in first.text
    assert len(third.context["page_obj"].object_list) == 10
    assert not third.context["page_obj"].has_next()
    # Past the real end, the list is counted after all and shows its last page.
    assert past_the_end.context["count_is_estimate"] is False
    assert past_the_end.context["totals"]["count"] == 60
    assert past_the_end.context["page_obj"].number == 3


@on_postgresql
def test_a_small_table_is_counted_exactly_even_unfiltered(client_for, reader):
    _seed(20)
    _analyze()

    response = client_for(reader).get("/projects/")

    assert response.context["count_is_estimate"] is False
    assert response.context["totals"]["count"] == 20
    assert "about" not in response.text.split('class="stat__value"')[1][:30]


def test_sqlite_keeps_the_exact_count(client_for, reader, estimate_from_any_size):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only: PostgreSQL gives the estimate")
    _seed(20)

    response = client_for(reader).get("/projects/")

    assert project_list.estimated_count(Project) is None
    assert response.context["count_is_estimate"] is False
    assert response.context["totals"]["count"] == 20


@pytest.mark.parametrize(
    "query",
    [
        {"region": "ML-7"},
        {"status": "ongoing"},
        {"q": "forage"},
        {"year": "2022", "ordering": "-budget"},
    ],
    ids=["region", "status", "search", "year"],
)
def test_a_filtered_list_counts_exactly(client_for, reader, estimate_from_any_size, query):
    _seed(60)
    if connection.vendor == "postgresql":
        _analyze()
    if "region" in query:
        query = {**query, "region": Region.objects.get(code=query["region"]).pk}

    response = client_for(reader).get("/projects/", query)

    # The same filters over every project (the reader reads them all).
    filtered = response.context["filter"].filter_queryset(Project.objects.all())
    totals = response.context["totals"]
    assert response.context["count_is_estimate"] is False
    assert totals["count"] == filtered.count() == len(list(filtered.values_list("pk")))
    assert totals["count"] < Project.objects.count()
    assert "about" not in response.text.split('class="stat__value"')[1][:30]


# --- What the list costs ---------------------------------------------------------------


def _queries_of_the_list(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/projects/", query)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    "query",
    [{}, {"ordering": "-budget", "page_size": "100"}, {"status": "ongoing", "ordering": "end"}],
    ids=["first-page", "by-budget", "filtered"],
)
def test_the_list_costs_as_many_queries_with_200_projects_as_with_20(client_for, hq_user, query):
    client = client_for(hq_user)
    _seed(20)
    with_20 = _queries_of_the_list(client, query)

    _seed(180)
    with_200 = _queries_of_the_list(client, query)

    assert Project.objects.count() == 200
    assert with_200 == with_20


# --- Indexes (PostgreSQL) ----------------------------------------------------------------


def _plan(queryset) -> str:
    """The plan of the first page of `queryset` when the planner may not read
    the whole table: it then shows which index serves the query, if any."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    try:
        return queryset[:25].explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")


def _listed(query: dict):
    filterset = ProjectFilter(query, queryset=listed_projects())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


@on_postgresql
@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("", "project_default_order"),
        ("code", "projects_project_code"),
        ("title", "project_title_order"),
        ("status", "project_status_order"),
        ("start", "project_default_order"),
        ("end", "project_end_order"),
        ("budget", "project_budget_order"),
        ("-budget", "project_budget_order"),
    ],
)
def test_each_sort_of_the_list_reads_an_index(db, ordering, index):
    _seed(20)

    plan = _plan(_listed({"ordering": ordering} if ordering else {}))

    assert index in plan, plan


@on_postgresql
@pytest.mark.parametrize("column", ["code", "title", "summary"])
def test_the_search_reads_a_trigram_index(db, column):
    _seed(20)
    _analyze()

    searched = Project.objects.filter(**{f"{column}__icontains": "forage"}).order_by()
    plan = _plan(searched.values("pk"))

    assert f"project_{column}_trigram" in plan, plan


def test_every_sort_of_the_list_is_offered_and_the_workflow_order_is_the_statuses():
    assert {param for _field, param, _label in SORTS} >= {"start", "end", "budget", "status"}
    assert Project.Status.values == WORKFLOW_ORDER
