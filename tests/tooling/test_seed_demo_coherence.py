"""The demo data makes sense together on the day it is seeded, as a donor or
an auditor reads it: plans in force, dates that fit each project's status,
spending within transfers, priorities costed in proportion to the money
approved for their projects, decisions taken by the committee of the region
they concern, and people reached adding up towards the targets.

Seeded once for today and once for another day (each rolled back at the end):
the data must hold together whenever it is seeded."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from coordination.models import Decision
from core.periods import DueState
from funding.models import Expenditure, Mechanism
from funding.services import project_totals
from portfolio import coverage, ledgers
from projects import reporting as projects_reporting
from projects.models import IndicatorReport, ProgressReport, Project, StatusChange
from regions import reporting as regions_reporting
from regions.models import Office, PlanPriority, PlanUpdate, RegionalPlan

NORTH = ["ML-5", "ML-6", "ML-7", "ML-8"]
PEOPLE = ["women", "men", "girls", "boys"]
# Today, and the first working day of a year: quarters and plan periods turn over.
DAYS = [None, datetime.datetime(2030, 1, 2, 9, 0, tzinfo=datetime.UTC)]


def seed() -> None:
    call_command("seed_demo", password="demo-password-1", stdout=io.StringIO())


@pytest.fixture(scope="module", params=DAYS, ids=["today", "2030-01-02"])
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        if request.param is None:
            seed()
            yield
        else:
            with time_machine.travel(request.param, tick=False):
                seed()
                yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]


def _snapshot() -> dict:
    return {
        "plans": list(RegionalPlan.objects.values_list("pk", "status", "version")),
        "costs": list(PlanPriority.objects.values_list("pk", "estimated_cost_usd", "version")),
        "projects": list(
            Project.objects.values_list("pk", "status", "version", "actual_start", "actual_end")
        ),
        "reports": ProgressReport.objects.count(),
        "decisions": list(Decision.objects.values_list("pk", "project", "plan")),
        "heads": list(Office.objects.values_list("pk", "head")),
    }


def test_a_second_run_changes_nothing():
    before = _snapshot()

    seed()

    assert _snapshot() == before


def test_each_northern_region_has_one_validated_plan_in_force_today():
    today = timezone.localdate()
    for code in NORTH:
        validated = RegionalPlan.objects.filter(region__code=code, status="validated")
        assert len(validated) == 1, code
        plan = validated[0]
        assert plan.period_start < today < plan.period_end, code
        assert plan.validation_date <= today, code
        assert f"{plan.period_start.year}-{plan.period_end.year}" in plan.title, code
        others = RegionalPlan.objects.filter(region__code=code).exclude(pk=plan.pk)
        assert not others.exclude(status="archived").exists(), code


def test_plan_updates_cover_past_quarters_inside_their_plan():
    today = timezone.localdate()
    updates = PlanUpdate.objects.select_related("plan")
    assert updates.filter(review_status="approved").exists()
    for update in updates:
        start, end = update.period_start, update.period_end
        assert (start.day, start.month % 3) == (1, 1), update.pk
        assert end == (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(
            days=1
        ), update.pk
        assert end < today, update.pk
        assert update.plan.period_start <= start and end <= update.plan.period_end, update.pk


def test_actual_dates_fit_each_projects_status_and_never_pass_today():
    today = timezone.localdate()
    recently = today - datetime.timedelta(days=90)
    statuses = set()
    for project in Project.objects.all():
        status, start, end = project.status, project.actual_start, project.actual_end
        statuses.add(status)
        if status in ("pipeline", "submitted", "approved"):
            assert (start, end) == (None, None), project.code
        if status in ("pipeline", "submitted"):
            assert project.planned_start > today, project.code
        if status == "approved":
            assert project.planned_start >= today - datetime.timedelta(days=60), project.code
        if status in ("ongoing", "completed", "closed"):
            assert start is not None and start <= today, project.code
        if status == "ongoing":
            assert end is None, project.code
            assert project.planned_start <= today and project.planned_end >= recently, project.code
        if status in ("completed", "closed"):
            assert end is not None and start < end <= today, project.code
            assert project.planned_end < today, project.code
    assert {"pipeline", "submitted", "approved", "ongoing", "completed", "closed"} <= statuses


def test_spending_stays_within_transfers_but_for_one_flagged_and_explained_project():
    over = []
    for mechanism in Mechanism.objects.all():
        for project in ledgers.by_project(mechanism):
            assert project.transferred_amount <= project.approved_amount, project.code
            if project.spent_amount > project.transferred_amount:
                over.append(project)
    assert len(over) == 1
    flagged = Expenditure.objects.filter(beyond_transfers=True)
    assert [expenditure.project for expenditure in flagged] == over
    assert flagged[0].explanation.strip()


def test_priorities_are_costed_in_proportion_to_the_money_approved_for_their_projects():
    rates = []
    for plan in RegionalPlan.objects.filter(status="validated"):
        for priority in coverage.plan_coverage(plan).priorities:
            assert priority.estimated_cost_usd, priority.code
            assert priority.project_count, priority.code
            rates.append(priority.coverage)
    within = [rate for rate in rates if 50 <= rate <= 100]
    gaps = [rate for rate in rates if rate < 50]
    over = [rate for rate in rates if rate > 100]
    assert len(within) >= 0.75 * len(rates), rates
    assert 1 <= len(gaps) <= 2, rates
    assert all(rate >= 20 for rate in gaps), rates
    assert len(over) <= 1 and all(105 <= rate <= 115 for rate in over), rates


def test_decisions_naming_a_project_or_plan_are_taken_by_a_body_of_its_region():
    decisions = Decision.objects.select_related("meeting__body", "project", "plan")
    about_projects = decisions.exclude(project=None)
    about_plans = decisions.exclude(plan=None)
    assert about_projects.count() >= 4 and about_plans.count() >= 4
    for decision in about_projects:
        assert decision.meeting.body.region_id in (None, decision.project.region_id), decision.pk
    for decision in about_plans:
        assert decision.meeting.body.region_id in (None, decision.plan.region_id), decision.pk
    assert about_plans.filter(meeting__body__region=None).exists()


def test_people_reached_grow_report_after_report_within_the_targets():
    reports = ProgressReport.objects.select_related("project").order_by(
        "project", "is_final", "period_start"
    )
    previous = {}
    for report in reports:
        project = report.project
        reached = [getattr(report, f"{group}_reached") for group in PEOPLE]
        targets = [getattr(project, group) for group in PEOPLE]
        assert all(count <= target for count, target in zip(reached, targets, strict=True))
        assert report.period_end <= timezone.localdate(), project.code
        if project.pk in previous:
            before = previous[project.pk]
            assert all(now >= then for now, then in zip(reached, before, strict=True))
            assert sum(reached) > sum(before), project.code
        previous[project.pk] = reached
    assert sum(sum(counts) for counts in previous.values()) > 0


def test_a_good_share_of_ongoing_and_completed_projects_have_an_approved_report():
    started = Project.objects.filter(status__in=["ongoing", "completed"])
    reported = started.filter(progress_reports__review_status="approved").distinct()
    assert reported.count() >= Decimal("0.6") * started.count() > 0
    assert set(ProgressReport.objects.values_list("project__status", flat=True)) <= {
        "ongoing",
        "completed",
        "closed",
    }


# The statuses each project went through, from the pipeline, as its timeline records them.
PATHS = {
    "pipeline": [],
    "submitted": ["submitted"],
    "approved": ["submitted", "approved"],
    "ongoing": ["submitted", "approved", "ongoing"],
    "completed": ["submitted", "approved", "ongoing", "completed"],
    "closed": ["submitted", "approved", "ongoing", "completed", "closed"],
    "cancelled": ["cancelled"],
}
PENDING = ["draft", "submitted", "returned"]


def test_every_project_went_through_each_step_of_its_status_in_order():
    changes = StatusChange.objects.order_by("project", "pk")
    timelines = {}
    for project_id, old, new, comment in changes.values_list(
        "project", "old_status", "new_status", "comment"
    ):
        timeline = timelines.setdefault(project_id, [])
        assert old == (timeline[-1][0] if timeline else "pipeline"), project_id
        timeline.append((new, comment))
    projects = Project.objects.all()
    assert projects.count() >= 100
    for project in projects:
        timeline = timelines.get(project.pk, [])
        assert [new for new, _comment in timeline] == PATHS[project.status], project.code
        if project.status == "cancelled":
            assert timeline[-1][1].strip(), project.code  # the reason


def test_started_projects_started_once_their_funding_was_approved():
    started = Project.objects.filter(status__in=["ongoing", "completed", "closed"])
    assert started.count() >= 0.6 * Project.objects.count()
    for project in started:
        approvals = list(project.funding_approvals.values_list("approved_on", flat=True))
        assert approvals, project.code
        assert min(approvals) <= project.actual_start, project.code


def test_completed_and_closed_projects_have_one_approved_final_report_their_last():
    finished = Project.objects.filter(status__in=["completed", "closed"])
    assert finished.count() >= 10
    for project in finished:
        reports = list(project.progress_reports.order_by("is_final", "period_start"))
        finals = [report for report in reports if report.is_final]
        assert finals == reports[-1:], project.code
        final = finals[0]
        assert final.review_status == "approved", project.code
        assert final.period_end == project.actual_end, project.code
        assert final.percent_complete == 100, project.code
    finals = ProgressReport.objects.filter(is_final=True)
    assert not finals.exclude(project__status__in=["completed", "closed"]).exists()


def test_closed_projects_are_reconciled_and_have_no_report_pending():
    closed = Project.objects.filter(status="closed")
    assert closed.count() >= 5
    for project in closed:
        totals = project_totals(project)
        assert totals["approved"] > 0, project.code
        assert totals["approved"] == totals["transferred"] == totals["spent"], project.code
        assert not project.progress_reports.filter(review_status__in=PENDING).exists()
        indicator_reports = IndicatorReport.objects.filter(indicator__project=project)
        assert indicator_reports.exists(), project.code
        assert not indicator_reports.filter(review_status__in=PENDING).exists(), project.code


def test_every_regional_office_has_reports_due_overdue_late_and_on_time(demo):
    """What headquarters chases and the compliance page counts, in every office."""
    today = timezone.localdate()
    owed = projects_reporting.due_reports(Project.objects.all(), today=today)
    owed += regions_reporting.due_updates(RegionalPlan.objects.all(), today=today)
    for office in Office.objects.filter(is_headquarters=False).prefetch_related("regions"):
        regions = {region.pk for region in office.regions.all()}
        theirs = [due for due in owed if due.region_id in regions]
        states = {due.state for due in theirs}
        assert {DueState.DUE, DueState.OVERDUE} <= states, office.name
        assert any(due.on_time is True for due in theirs), office.name
        assert any(due.on_time is False for due in theirs), office.name
