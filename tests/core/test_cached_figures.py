"""The figures cache: sums over many rows are read from a shared cache until
the data they are made of change, and never outlive a change."""

import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import cached_figures
from funding.models import Mechanism
from regions.models import Cercle, Region
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    """A figures cache as with Redis (one per test)."""
    settings.CACHES = {
        **django_settings.CACHES,
        "figures": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"figures-{uuid.uuid4().hex}",
        },
    }


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def test_without_a_shared_cache_every_reading_computes():
    readings = []

    def compute():
        readings.append(1)
        return len(readings)

    assert cached_figures.cached("sum", compute) == 1
    assert cached_figures.cached("sum", compute) == 2


def test_a_figure_is_computed_once_until_something_watched_changes(shared_cache):
    readings = []

    def compute():
        readings.append(1)
        return len(readings)

    assert cached_figures.cached("sum", compute, 7) == 1
    assert cached_figures.cached("sum", compute, 7) == 1
    assert cached_figures.cached("sum", compute, 8) == 2  # other parts, other figure
    ProjectFactory()
    assert cached_figures.cached("sum", compute, 7) == 3


def test_a_figure_computed_before_a_commit_does_not_outlive_it(
    shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        FundingApprovalFactory()
        # Another process, which cannot see the approval yet, sums the
        # money and keeps its figure under the version of that moment.
        assert cached_figures.cached("approved", lambda: "before") == "before"
        assert cached_figures.cached("approved", lambda: "after") == "before"
    # The commit replaced the version: the next reading sums again.
    assert cached_figures.cached("approved", lambda: "after") == "after"


def test_the_dashboard_reads_its_portfolio_from_the_cache_until_money_changes(
    shared_cache, client_for, reader, django_assert_max_num_queries
):
    approval = FundingApprovalFactory(amount=Decimal("40000"))
    client = client_for(reader)
    first = client.get("/")
    assert first.context["money"]["approved"] == Decimal("40000")

    # The eight queries of the portfolio are not run again.
    with django_assert_max_num_queries(len(_queries_of(client, "/")) - 8):
        again = client.get("/")
    # The portfolio's section is kept whole: its figures are not even read.
    assert "money" not in again.context
    assert "40,000&nbsp;USD" in again.context["portfolio"]

    TrancheFactory(project=approval.project, amount=Decimal("30000"))
    assert client.get("/").context["money"]["transferred"] == Decimal("30000")
    approval.delete()
    assert client.get("/").context["money"]["approved"] == Decimal("0")


def _queries_of(client, url) -> list:
    """The queries of `url` with nothing cached."""
    cached_figures.changed()
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return context.captured_queries


def test_a_regional_officer_still_sees_their_regions_first_from_the_cache(
    shared_cache, client_for, reader, mopti_officer
):
    ProjectFactory.create_batch(2)  # Gao
    ProjectFactory(region=Region.objects.get(code="ML-5"))
    viewed = client_for(reader).get("/").context["by_region"]  # now cached
    assert [region.code for region in viewed] == ["ML-7", "ML-5"]

    # The whole country (an officer lands on their own region).
    regions = client_for(mopti_officer).get("/?region=").context["by_region"]

    assert [(region.code, region.count) for region in regions] == [("ML-5", 1), ("ML-7", 2)]


def test_the_mechanism_ledger_follows_new_money(shared_cache, client_for, viewer):
    client = client_for(viewer)
    project = ProjectFactory(mechanism=Mechanism.objects.get(code="qip"))
    assert client.get("/funding/qip/").context["mechanism"].figures.spent == 0

    ExpenditureFactory(project=project, amount=Decimal("1234"))

    response = client.get("/funding/qip/")
    assert response.context["mechanism"].figures.spent == Decimal("1234")
    assert [row.figures.spent for row in response.context["regions"]] == [Decimal("1234")]
    assert [p.spent for p in response.context["projects"]] == [Decimal("1234")]


def test_plan_coverage_follows_a_project_linked_to_a_priority(shared_cache, client_for, reader):
    plan = PlanFactory(status="validated")
    priority = PriorityFactory(plan=plan, code="AXE-1")
    client = client_for(reader)
    before = client.get(f"/plans/{plan.pk}/").context["priorities"]
    assert [p.project_count for p in before] == [0]

    project = ProjectFactory()
    project.priority = priority
    project.save()

    after = client.get(f"/plans/{plan.pk}/").context["priorities"]
    assert [p.project_count for p in after] == [1]
    coverage = client.get("/regions/ML-7/").context["coverage"]
    assert coverage.plan.total_projects == 1

    FundingApprovalFactory(project=project, amount=priority.estimated_cost_usd)

    coverage = client.get("/regions/ML-7/").context["coverage"]
    assert [p.coverage_state for p in coverage.priorities] == ["covered"]
    assert coverage.plan.total_gaps == 0


def test_the_region_page_follows_a_project_placed_in_a_cercle(shared_cache, client_for, reader):
    project = ProjectFactory(code="QIP-2024-GAO-001")
    client = client_for(reader)
    groups = client.get("/regions/ML-7/").context["cercle_groups"]
    assert [(group["cercle"], group["count"]) for group in groups] == [(None, 1)]

    project.cercles.set([Cercle.objects.get(region__code="ML-7", name="Bourem")])

    groups = client.get("/regions/ML-7/").context["cercle_groups"]
    assert [(group["cercle"], group["count"]) for group in groups] == [("Bourem", 1)]
    project.cercles.clear()
    groups = client.get("/regions/ML-7/").context["cercle_groups"]
    assert [(group["cercle"], group["count"]) for group in groups] == [(None, 1)]


def test_the_projects_list_filters_follow_a_new_priority(shared_cache, client_for, viewer):
    client = client_for(viewer)
    client.get("/projects/")  # the lists of choices are now cached
    priority = PriorityFactory(code="AXE-9", title="Eau <potable>")

    option = f'<option value="{priority.pk}">Gao · AXE-9 — Eau &lt;potable&gt;</option>'
    assert option in client.get("/projects/").text
    chosen = client.get("/projects/", {"priority": priority.pk}).text
    selected = f'<option value="{priority.pk}" selected>Gao · AXE-9 — Eau &lt;potable&gt;</option>'
    assert selected in chosen
