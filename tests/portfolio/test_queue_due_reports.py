"""`/reviews/`, the queue people work from, lists the reports their office
owes beside what awaits review, under the queue's filters: staff only, the
same rows as the dashboard's "For you", and a number of queries that does
not grow with the rows.

Today is 5 July 2025 (see tests/portfolio/test_due_reports.py for the
obligations of the data migrations)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.periods import DueState
from funding.models import Mechanism
from projects.models import Project
from regions.models import Region, RegionalPlan
from tests.conftest import read_report_content_types
from tests.factories import PlanFactory, ProgressReportFactory, ProjectFactory

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2025, 7, 5, 9, tzinfo=datetime.UTC)):
        yield


def _tf_project(code: str, region_code: str = "ML-7") -> Project:
    """Ongoing through 2025: Q1 overdue, Q2 due, Q3 running."""
    return ProjectFactory(
        code=code,
        region=Region.objects.get(code=region_code),
        mechanism=Mechanism.objects.get(code="tf"),
        status=Project.Status.ONGOING,
        planned_start=D(2025, 1, 1),
        planned_end=D(2025, 12, 31),
    )


@pytest.fixture
def gao(db):
    project = _tf_project("TF-2025-GAO-001")
    plan = PlanFactory(
        region=Region.objects.get(code="ML-7"),
        status=RegionalPlan.Status.VALIDATED,
        period_start=D(2025, 1, 1),
        period_end=D(2026, 12, 31),
    )
    return project, plan


def _rows(response) -> list[tuple]:
    """(record, period, state) of each row, periods in English ("Q1 2025")."""
    with translation.override("en"):
        return _named(response)


def _named(response) -> list[tuple]:
    return [
        (str(row.due.record), row.due.period.label, row.due.state)
        for row in response.context["due_rows"]
    ]


def test_an_officer_finds_what_their_office_owes_in_their_queue(client_for, gao_officer, gao):
    project, plan = gao

    response = client_for(gao_officer).get("/reviews/")

    assert response.status_code == 200
    assert _rows(response) == [
        (str(plan), "Q1 2025", DueState.OVERDUE),
        (str(project), "Q1 2025", DueState.OVERDUE),
        (str(plan), "Q2 2025", DueState.DUE),
        (str(project), "Q2 2025", DueState.DUE),
    ]
    assert 'id="due-heading"' in response.text
    # The office writes the missing report from here, its period filled in.
    new = f"/projects/{project.pk}/reports/new/?period_start=2025-01-01&amp;period_end=2025-03-31"
    assert new in response.text


def test_the_queue_and_the_dashboard_list_the_same_reports(client_for, gao_officer, gao):
    client = client_for(gao_officer)
    queue, dashboard = client.get("/reviews/"), client.get("/")
    assert _rows(queue) == _rows(dashboard)


def test_the_queue_filters_apply_to_the_reports_due(client_for, gao_officer, gao):
    project, plan = gao
    client = client_for(gao_officer)
    mopti = Region.objects.get(code="ML-5").pk

    assert _rows(client.get("/reviews/", {"region": mopti})) == []
    updates_only = client.get("/reviews/", {"kind": "regions.planupdate"})
    assert [record for record, *_rest in _rows(updates_only)] == [str(plan), str(plan)]
    # Due for more than a month: the first quarter's (due 15 and 30 April).
    older = client.get("/reviews/", {"older_than": 30})
    assert [period for _record, period, _state in _rows(older)] == ["Q1 2025", "Q1 2025"]


def test_headquarters_sees_what_is_overdue_in_every_office(client_for, hq_user, gao):
    project, plan = gao
    _tf_project("TF-2025-MOP-001", "ML-5")

    response = client_for(hq_user).get("/reviews/")

    assert {state for _record, _period, state in _rows(response)} == {DueState.OVERDUE}
    assert len(_rows(response)) == 3
    assert response.context["due_overdue_only"]
    assert "Rapports en retard dans les bureaux" in response.text


def test_a_viewer_sees_no_report_due(client_for, viewer, gao):
    response = client_for(viewer).get("/reviews/")
    assert response.status_code == 200
    assert response.context["due_rows"] == []
    assert 'id="due-heading"' not in response.text


def test_the_queue_query_count_does_not_grow_with_the_reports_due(client_for, gao_officer, gao):
    client = client_for(gao_officer)
    client.get("/reviews/")  # the session, the cached role and regions
    read_report_content_types()
    with CaptureQueriesContext(connection) as few:
        response = client.get("/reviews/")
    assert len(response.context["due_rows"]) == 4
    for number in range(2, 6):
        _tf_project(f"TF-2025-GAO-{number:03d}")
    client.get("/reviews/")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/reviews/")
    assert len(response.context["due_rows"]) == 4 + 4 * 2
    assert len(many) == len(few)


def test_a_new_report_offers_the_periods_due_and_not_reported_yet(client_for, gao_officer, gao):
    project, plan = gao
    client = client_for(gao_officer)
    ProgressReportFactory(project=project, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31))

    progress = client.get(f"/projects/{project.pk}/reports/new/")
    update = client.get(f"/plans/{plan.pk}/updates/new/")

    # Q1's progress report exists: Q2 is offered, and Q3, which runs.
    with translation.override("en"):
        offered = [period.label for period in progress.context["due_periods"]]
        offered_updates = [period.label for period in update.context["due_periods"]]
    assert offered == ["Q2 2025", "Q3 2025"]
    assert "?period_start=2025-04-01&amp;period_end=2025-06-30" in progress.text
    assert offered_updates == ["Q1 2025", "Q2 2025", "Q3 2025"]
