"""The read API: each list and record for each role, scoped as the pages
(a partner reads what a partner reads), with the lists' filters, paginated,
in a number of queries that does not grow with the rows; sensitive
coordinates never leave through it."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.models import Mechanism
from portfolio import ledgers
from projects.models import Location
from regions.models import Region, RegionalPlan
from reviews.models import ReviewStatus
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    DecisionFactory,
    DepositFactory,
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    MeetingFactory,
    OrganisationFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "plans",
    "priorities",
    "projects",
    "indicators",
    "results",
    "mechanisms",
    "contributions",
    "approvals",
    "tranches",
    "expenditure",
    "organisations",
    "bodies",
    "meetings",
    "decisions",
]
YEARS = itertools.count(2040, 2)
ROLES = ["viewer", "no_role_user", "gao_officer", "hq_user", "fund_manager", "admin_user"]


def make_rows(n: int = 1) -> dict:
    """`n` of each kind of record, published and not, with their money."""
    made = {"published": [], "pipeline": [], "validated": [], "draft": []}
    for _ in range(n):
        # One validated plan per region and period: each its own years.
        year = next(YEARS)
        validated = PlanFactory(
            status=RegionalPlan.Status.VALIDATED,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year + 1, 12, 31),
        )
        draft = PlanFactory()
        priority = PriorityFactory(plan=validated)
        PriorityFactory(plan=draft)
        published = ProjectFactory(status="approved", priority=priority)
        pipeline = ProjectFactory()
        LocationFactory(project=published, sensitivity=Location.Sensitivity.SENSITIVE)
        LocationFactory(project=published)
        for project in (published, pipeline):
            indicator = IndicatorFactory(project=project)
            IndicatorReportFactory(indicator=indicator, review_status=ReviewStatus.APPROVED)
            IndicatorReportFactory(indicator=indicator)
            FundingApprovalFactory(project=project)
            TrancheFactory(project=project)
            ExpenditureFactory(project=project)
        contribution = ContributionFactory()
        DepositFactory(contribution=contribution)
        DecisionFactory(
            meeting=MeetingFactory(body=BodyFactory()), owner_organisation=OrganisationFactory()
        )
        made["published"].append(published)
        made["pipeline"].append(pipeline)
        made["validated"].append(validated)
        made["draft"].append(draft)
    return made


def ids(response) -> set:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_and_record_answers_every_role(request, client_for, role, endpoint):
    make_rows()
    client = client_for(request.getfixturevalue(role))

    listed = client.get(f"/api/v1/{endpoint}/")

    assert listed.status_code == 200
    assert listed["Content-Type"] == "application/json"
    rows = listed.json()["results"]
    assert rows, endpoint
    assert client.get(f"/api/v1/{endpoint}/{rows[0]['id']}/").json() == rows[0]


def test_a_partner_reads_only_what_is_published(client_for, viewer):
    made = make_rows()
    client = client_for(viewer)
    published, pipeline = made["published"][0], made["pipeline"][0]

    assert ids(client.get("/api/v1/projects/")) == {published.pk}
    assert client.get(f"/api/v1/projects/{pipeline.pk}/").status_code == 404
    assert ids(client.get("/api/v1/plans/")) == {made["validated"][0].pk}
    assert client.get(f"/api/v1/plans/{made['draft'][0].pk}/").status_code == 404
    for endpoint in ("approvals", "tranches", "expenditure", "indicators"):
        projects = {row["project"] for row in client.get(f"/api/v1/{endpoint}/").json()["results"]}
        assert projects == {published.pk}, endpoint
    results = client.get("/api/v1/results/").json()["results"]
    assert len(results) == 1


def test_headquarters_reads_every_draft(client_for, hq_user):
    made = make_rows()

    projects = ids(client_for(hq_user).get("/api/v1/projects/"))

    assert projects == {made["published"][0].pk, made["pipeline"][0].pk}


def test_results_are_the_approved_reports_only(client_for, hq_user):
    make_rows()

    results = client_for(hq_user).get("/api/v1/results/").json()["results"]

    # Two projects' indicators, one approved report each (drafts left out).
    assert len(results) == 2


@pytest.mark.parametrize("role", ["viewer", "hq_user"])
def test_sensitive_coordinates_never_leave_through_the_api(request, client_for, role):
    made = make_rows()
    client = client_for(request.getfixturevalue(role))

    project = client.get(f"/api/v1/projects/{made['published'][0].pk}/").json()

    sensitive = [place for place in project["locations"] if place["coordinates_withheld"]]
    ordinary = [place for place in project["locations"] if not place["coordinates_withheld"]]
    assert [(place["latitude"], place["longitude"]) for place in sensitive] == [(None, None)]
    assert ordinary[0]["latitude"] == "16.271700"
    assert "16.2717" not in str(sensitive)


def test_the_lists_take_the_pages_filters(client_for, hq_user):
    make_rows(2)
    mopti = ProjectFactory(status="approved", region=Region.objects.get(code="ML-5"))
    client = client_for(hq_user)

    by_region = client.get("/api/v1/projects/", {"region": mopti.region_id})
    by_status = client.get("/api/v1/projects/", {"status": "pipeline"})
    by_search = client.get("/api/v1/projects/", {"q": mopti.title})

    assert ids(by_region) == {mopti.pk}
    assert all(row["status"] == "pipeline" for row in by_status.json()["results"])
    assert by_status.json()["count"] == 2
    assert ids(by_search) == {mopti.pk}
    assert client.get("/api/v1/plans/", {"status": "validated"}).json()["count"] == 2


def test_an_invalid_filter_is_a_400_not_other_rows(client_for, hq_user):
    make_rows()

    response = client_for(hq_user).get("/api/v1/projects/", {"region": "999999"})

    assert response.status_code == 400


def test_lists_are_paginated(client_for, hq_user):
    make_rows(3)
    client = client_for(hq_user)

    first = client.get("/api/v1/projects/", {"page_size": 2}).json()
    last = client.get("/api/v1/projects/", {"page_size": 2, "page": 3}).json()

    assert first["count"] == 6
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    assert first["previous"] is None
    assert last["next"] is None
    assert client.get("/api/v1/projects/", {"page": 99}).status_code == 404


def test_mechanisms_carry_the_ledgers_figures(client_for, viewer):
    make_rows()

    rows = client_for(viewer).get("/api/v1/mechanisms/").json()["results"]

    figures = ledgers.mechanism_figures()
    for row in rows:
        expected = figures.get(row["id"])
        if expected is None:
            assert Decimal(row["figures"]["approved"]) == 0
            continue
        assert Decimal(row["figures"]["approved"]) == expected.approved
        assert Decimal(row["figures"]["spent"]) == expected.spent
        assert Decimal(row["figures"]["available"]) == expected.available
    qip = next(row for row in rows if row["code"] == "qip")
    assert Decimal(qip["figures"]["approved"]) == Decimal("2000.00")
    assert Mechanism.objects.count() == len(rows)


def test_contributions_carry_their_figures(client_for, fund_manager):
    make_rows()

    [row] = client_for(fund_manager).get("/api/v1/contributions/").json()["results"]

    assert Decimal(row["pledged_usd"]) == Decimal("1000000.00")
    assert Decimal(row["received_usd"]) == Decimal("1000.00")
    assert Decimal(row["available_usd"]) == Decimal("1000.00")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_queries_of_a_list_do_not_grow_with_its_rows(client_for, viewer, endpoint):
    # Each list: the session and the user (signed in), the role (its groups),
    # the throttle's count (read and written), the page's count and its rows,
    # and each prefetched relation once (a project's locations).
    make_rows(1)
    client = client_for(viewer)
    client.get(f"/api/v1/{endpoint}/")  # figures and caches warm, as after the first request
    few = _queries(client, f"/api/v1/{endpoint}/")

    make_rows(4)
    many = _queries(client, f"/api/v1/{endpoint}/")

    assert many == few


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page_size": "-1"},
        {"region": "<script>"},
        {"q": "\x00"},
        {"q": "x" * 100_000},
        {"ordering": "password"},
        {"year": "99999999999999999999"},
    ],
)
def test_hostile_parameters_never_give_a_server_error(client_for, viewer, query):
    make_rows()
    client = client_for(viewer)

    for endpoint in ("projects", "plans", "contributions", "meetings", "decisions"):
        response = client.get(f"/api/v1/{endpoint}/", query)
        assert response.status_code in (200, 400, 404), (endpoint, query, response.status_code)
