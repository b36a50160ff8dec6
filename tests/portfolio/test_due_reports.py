"""The reports due and overdue, as each person sees them: on the dashboard
("For you"), on the project, plan and region pages. Staff only (partners and
viewers see none); states that follow the review of the answering report;
on time or late from its first sending; "Report" links that open the form
with the period; the same count on the dashboard and the region pages; a
number of queries that does not grow with the rows.

Today is 5 July 2025. The obligations are those of the data migrations:
Trust Fund projects report every quarter within 30 days, Quick Impact
Projects once within 30 days of their end, plans every quarter within 15
days."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from core.periods import DueState
from funding.models import Mechanism
from projects.models import ProgressReport, Project
from regions.models import PlanUpdate, Region, RegionalPlan
from reviews import services as review
from reviews.models import ReviewEvent
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES, read_report_content_types
from tests.factories import (
    PlanFactory,
    PlanUpdateFactory,
    PriorityProgressFactory,
    ProgressReportFactory,
    ProjectFactory,
)

D = datetime.date
TODAY = D(2025, 7, 5)
JANUARY_2025 = D(2025, 1, 1)
HEADINGS = ('id="due-reports-heading"', 'id="due-updates-heading"')


def at(day: datetime.date):
    """Travel to 9:00 in Bamako (UTC) on `day`."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    )


@pytest.fixture(autouse=True)
def frozen_day():
    with at(TODAY):
        yield


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def tf_project(
    code: str, *, region_code: str = "ML-7", start: datetime.date = JANUARY_2025, **fields
) -> Project:
    """An ongoing Trust Fund project running through 2025: its first quarter's
    report was due on 30 April (overdue), its second's is due on 30 July (due:
    the quarter is over), its third quarter runs (upcoming)."""
    return ProjectFactory(
        code=code,
        region=region(region_code),
        mechanism=Mechanism.objects.get(code="tf"),
        status=Project.Status.ONGOING,
        planned_start=start,
        planned_end=D(2025, 12, 31),
        **fields,
    )


@pytest.fixture
def portal(db, tombouctou_head):
    """Gao: a Trust Fund project and a validated plan for 2025–2026 (its first
    quarter's update was due on 15 April, overdue; its second's is due on 15
    July, due; its third quarter runs). Mopti: a Trust Fund project whose
    focal point is Tombouctou's head of office."""
    gao = tf_project("TF-2025-GAO-001")
    plan = PlanFactory(
        region=region("ML-7"),
        status=RegionalPlan.Status.VALIDATED,
        period_start=D(2025, 1, 1),
        period_end=D(2026, 12, 31),
    )
    mopti = tf_project("TF-2025-MOP-001", region_code="ML-5", focal_point=tombouctou_head)
    return gao, plan, mopti


def keys(rows) -> list[tuple]:
    """(record, period, state) of each row."""
    # Period labels in English ("Q1 2025"), whatever the page's language.
    with translation.override("en"):
        return [(str(row.due.record), row.due.period.label, row.due.state) for row in rows]


def dashboard(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


# --- Who sees what ---------------------------------------------------------------------------


def test_a_regional_officer_sees_what_their_office_owes(client_for, gao_officer, portal):
    gao, plan, _mopti = portal

    response = dashboard(client_for(gao_officer))

    # Soonest due first; the third quarters run: upcoming, not yet awaited.
    assert response.context["due_count"] == 4
    assert keys(response.context["due_rows"]) == [
        (str(plan), "Q1 2025", DueState.OVERDUE),
        (str(gao), "Q1 2025", DueState.OVERDUE),
        (str(plan), "Q2 2025", DueState.DUE),
        (str(gao), "Q2 2025", DueState.DUE),
    ]
    assert 'id="due-reports-heading"' in response.text


def test_a_focal_point_sees_their_projects_elsewhere(client_for, tombouctou_head, portal):
    _gao, _plan, mopti = portal

    response = dashboard(client_for(tombouctou_head))

    assert keys(response.context["due_rows"]) == [
        (str(mopti), "Q1 2025", DueState.OVERDUE),
        (str(mopti), "Q2 2025", DueState.DUE),
    ]


def test_another_office_sees_none_of_gaos(client_for, mopti_officer, portal):
    _gao, _plan, mopti = portal

    response = dashboard(client_for(mopti_officer))

    assert keys(response.context["due_rows"]) == [
        (str(mopti), "Q1 2025", DueState.OVERDUE),
        (str(mopti), "Q2 2025", DueState.DUE),
    ]


def test_headquarters_sees_every_overdue_report_and_the_compliance_link(
    client_for, hq_user, portal
):
    gao, plan, mopti = portal

    response = dashboard(client_for(hq_user))

    assert response.context["due_count"] == 3
    assert sorted(keys(response.context["due_rows"])) == sorted(
        [
            (str(plan), "Q1 2025", DueState.OVERDUE),
            (str(gao), "Q1 2025", DueState.OVERDUE),
            (str(mopti), "Q1 2025", DueState.OVERDUE),
        ]
    )
    assert 'href="/compliance/"' in response.text


def test_the_compliance_link_is_for_headquarters_only(client_for, gao_officer, portal):
    assert 'href="/compliance/"' not in dashboard(client_for(gao_officer)).text


def test_a_partner_sees_no_due_report_anywhere(client_for, viewer, portal):
    gao, plan, _mopti = portal
    client = client_for(viewer)

    pages = [
        dashboard(client),
        client.get(gao.get_absolute_url()),
        client.get(plan.get_absolute_url()),
        client.get("/regions/ML-7/"),
    ]

    for response in pages:
        assert response.status_code == 200
        assert not any(heading in response.text for heading in HEADINGS)
        assert "period_start=" not in response.text
        assert not response.context.get("due_rows")
    assert pages[0].context["due_count"] == 0


# --- The pages of records ----------------------------------------------------------------------


def test_the_project_page_lists_its_due_reports_with_links_to_write_them(
    client_for, gao_officer, portal
):
    gao, _plan, _mopti = portal

    response = client_for(gao_officer).get(gao.get_absolute_url())

    rows = response.context["due_rows"]
    assert keys(rows) == [
        (str(gao), "Q1 2025", DueState.OVERDUE),
        (str(gao), "Q2 2025", DueState.DUE),
        (str(gao), "Q3 2025", DueState.UPCOMING),
    ]
    new = f"/projects/{gao.pk}/reports/new/?period_start=2025-01-01&amp;period_end=2025-03-31"
    assert new in response.text


def test_the_report_link_opens_the_form_with_the_period(client_for, gao_officer, portal):
    gao, plan, _mopti = portal
    client = client_for(gao_officer)
    project_row = client.get(gao.get_absolute_url()).context["due_rows"][0]
    plan_row = client.get(plan.get_absolute_url()).context["due_rows"][1]

    for row, start, end in (
        (project_row, D(2025, 1, 1), D(2025, 3, 31)),
        (plan_row, D(2025, 4, 1), D(2025, 6, 30)),
    ):
        form = client.get(row.new_url).context["form"]
        assert (form["period_start"].value(), form["period_end"].value()) == (start, end)


def test_staff_of_another_office_see_the_due_reports_but_no_link_to_write(
    client_for, mopti_officer, portal
):
    gao, _plan, _mopti = portal

    response = client_for(mopti_officer).get(gao.get_absolute_url())

    assert len(response.context["due_rows"]) == 3
    assert not any(row.new_url for row in response.context["due_rows"])
    assert "period_start=" not in response.text


def test_the_plan_page_lists_the_updates_it_owes(client_for, gao_officer, portal):
    _gao, plan, _mopti = portal

    response = client_for(gao_officer).get(plan.get_absolute_url())

    assert keys(response.context["due_rows"]) == [
        (str(plan), "Q1 2025", DueState.OVERDUE),
        (str(plan), "Q2 2025", DueState.DUE),
        (str(plan), "Q3 2025", DueState.UPCOMING),
    ]
    assert f"/plans/{plan.pk}/updates/new/?period_start=2025-04-01&amp;period_end=2025-06-30" in (
        response.text
    )


def test_a_draft_plan_owes_no_update(client_for, gao_officer, portal):
    draft = PlanFactory(
        region=region("ML-7"), period_start=D(2025, 1, 1), period_end=D(2025, 12, 31)
    )

    response = client_for(gao_officer).get(draft.get_absolute_url())

    assert response.context["due_rows"] == []
    assert 'id="due-updates-heading"' in response.text


def test_the_same_due_count_on_the_dashboard_and_the_region_pages(client_for, gao_officer, portal):
    client = client_for(gao_officer)
    # Gao's office covers Gao and Ménaka.
    covered = gao_officer.office.regions.values_list("code", flat=True)

    on_dashboard = dashboard(client).context["due_count"]
    on_regions = sum(len(client.get(f"/regions/{code}/").context["due_rows"]) for code in covered)

    assert on_dashboard == on_regions == 4


# --- States and punctuality ---------------------------------------------------------------------


def _row(client, record, label):
    rows = client.get(record.get_absolute_url()).context["due_rows"]
    with translation.override("en"):
        return next(row for row in rows if row.due.period.label == label)


def test_states_follow_the_review_of_the_answering_report(client, gao_officer, hq_user, portal):
    gao, _plan, _mopti = portal
    report = ProgressReportFactory(
        project=gao, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31)
    )
    client.force_login(gao_officer)

    # A draft answers nothing yet: still overdue, with a link to the draft.
    draft = _row(client, gao, "Q1 2025")
    assert draft.due.state == DueState.OVERDUE and draft.due.report == report
    assert draft.report_url == report.get_absolute_url() and not draft.new_url

    step = reverse("projects:progress_report_step", args=[report.pk, "submit"])
    with at(D(2025, 4, 20)):
        assert client.post(step).status_code == 302
    submitted = _row(client, gao, "Q1 2025")
    assert submitted.due.state == DueState.SUBMITTED
    assert submitted.due.first_submitted == D(2025, 4, 20)

    client.force_login(hq_user)
    approve = reverse("projects:progress_report_step", args=[report.pk, "approve"])
    assert client.post(approve).status_code == 302
    assert _row(client, gao, "Q1 2025").due.state == DueState.APPROVED

    # Sent: no longer awaited from the office.
    client.force_login(gao_officer)
    assert dashboard(client).context["due_count"] == 3


def _submitted_on(item, day: datetime.date, *, by) -> None:
    with at(day):
        review.submit(item, by=by, notify=False)


def test_sent_by_the_due_date_is_on_time_and_after_it_late(
    client_for, gao_officer, hq_user, portal
):
    gao, plan, _mopti = portal
    report = ProgressReportFactory(
        project=gao, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31)
    )
    update = PlanUpdateFactory(plan=plan, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31))
    PriorityProgressFactory(update=update)
    _submitted_on(report, D(2025, 4, 30), by=gao_officer)  # due 30 April
    _submitted_on(update, D(2025, 4, 16), by=gao_officer)  # due 15 April
    client = client_for(gao_officer)

    on_time = _row(client, gao, "Q1 2025")
    late = _row(client, plan, "Q1 2025")

    assert on_time.due.on_time is True
    assert late.due.on_time is False
    page = client.get(plan.get_absolute_url()).text
    assert "16/04/2025" in page  # "sent late, on …"


def test_a_report_returned_and_sent_again_counts_from_its_first_sending(
    client_for, gao_officer, hq_user, portal
):
    gao, _plan, _mopti = portal
    report = ProgressReportFactory(
        project=gao, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31)
    )
    _submitted_on(report, D(2025, 4, 20), by=gao_officer)
    with at(D(2025, 4, 25)):
        review.return_for_changes(report, by=hq_user, comment="Ajouter les photos.", notify=False)
    client = client_for(gao_officer)

    returned = _row(client, gao, "Q1 2025")
    assert returned.due.state == DueState.OVERDUE  # returned: awaited again
    assert returned.due.first_submitted == D(2025, 4, 20)

    _submitted_on(ProgressReport.objects.get(pk=report.pk), D(2025, 5, 20), by=gao_officer)
    again = _row(client, gao, "Q1 2025")
    assert again.due.state == DueState.SUBMITTED
    assert again.due.on_time is True


def test_a_draft_of_another_office_is_not_linked(client_for, mopti_officer, portal):
    gao, _plan, _mopti = portal
    ProgressReportFactory(project=gao, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31))

    row = _row(client_for(mopti_officer), gao, "Q1 2025")

    # Mopti's staff do not read Gao's drafts: the state, without a link.
    assert row.due.report is not None and row.report_url == "" and row.new_url == ""


# --- Queries ------------------------------------------------------------------------------


def _sent(item, day: datetime.date, *, by) -> None:
    """`item` sent on `day`, as the review services record it."""
    type(item).objects.filter(pk=item.pk).update(review_status="submitted")
    event = ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=ReviewEvent.Action.SUBMITTED,
        actor=by,
    )
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    ReviewEvent.objects.filter(pk=event.pk).update(at=moment)


def _more_rows(n: int, by) -> None:
    """n more Gao projects owing reports, each with a sent one, and n more
    archived plans (validated plans of a region do not overlap), each with a
    sent update: what archived plans owe is counted, never awaited."""
    for i in range(n):
        project = tf_project(f"TF-2025-GAO-{100 + i}")
        report = ProgressReportFactory(
            project=project, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31)
        )
        _sent(report, D(2025, 4, 20), by=by)
        plan = PlanFactory(
            region=region("ML-7"),
            status=RegionalPlan.Status.ARCHIVED,
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
        )
        update = PlanUpdateFactory(plan=plan, period_start=D(2024, 1, 1), period_end=D(2024, 3, 31))
        _sent(update, D(2024, 4, 10), by=by)


# What the lists of due reports read, whatever their rows: the projects that
# report, their mechanisms' obligations, their progress reports, the days
# these were first submitted; the plans that report, the plan obligations,
# their updates, the days these were first submitted (8).
DUE_QUERIES = 8


@pytest.mark.parametrize("n", [1, 6])
def test_dashboard_queries_do_not_grow_with_the_due_reports(
    client_for, gao_officer, portal, django_assert_num_queries, n
):
    _more_rows(n, gao_officer)
    client = client_for(gao_officer)
    read_report_content_types()

    # The portfolio (9), the filter's regions (1), the person's regions first
    # (1), their projects ending soon, the QIP limit, late QIPs, overdue
    # decisions, next meetings (5); the due reports (8) and the regions the
    # person writes for, for the "Report" links (1); the maps (4).
    with django_assert_num_queries(
        SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 16 + DUE_QUERIES + 1 + 4
    ):
        response = client.get("/")
    # Each more project awaits its Q2 2025, its Q1 sent.
    assert response.context["due_count"] == 4 + n


@pytest.mark.parametrize("n", [1, 6])
def test_region_page_queries_do_not_grow_with_the_due_reports(
    client_for, gao_officer, portal, django_assert_num_queries, n
):
    _more_rows(n, gao_officer)
    client = client_for(gao_officer)
    client.get("/regions/ML-7/")  # what a process reads once (content types)

    # The page's own (18: tests/portfolio/test_region_page_full.py, and the
    # plan's results by priority); the due reports (8, but for the days
    # plan updates were first submitted: no update of the plan in force
    # answers one here) and the regions the person writes for, for the
    # "Report" links (1); the map of the projects' locations (3).
    with django_assert_num_queries(
        SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 18 + DUE_QUERIES - 1 + 1 + 3
    ):
        response = client.get("/regions/ML-7/")
    assert len(response.context["due_rows"]) == 4 + n


@pytest.mark.parametrize("n", [1, 6])
def test_project_page_queries_do_not_grow_with_the_due_reports(
    client_for, gao_officer, django_assert_num_queries, n
):
    # A Trust Fund project running 2023 to 2025 owes eleven quarters by today;
    # n of them are answered, sent.
    project = tf_project("TF-2023-GAO-001", start=D(2023, 1, 1))
    for i in range(n):
        report = ProgressReportFactory(
            project=project,
            period_start=D(2023 + i // 4, i % 4 * 3 + 1, 1),
            period_end=D(2023 + i // 4, i % 4 * 3 + 1, 28),
        )
        _sent(report, D(2025, 1, 1), by=gao_officer)
    client = client_for(gao_officer)
    client.get(project.get_absolute_url())  # what a process reads once (content types)

    # The page's own (16: tests/projects/test_project_record.py), whether the
    # "complete" step offered can be taken now (an approved final report, 1);
    # its due reports: its mechanism's obligations, its progress reports,
    # the days they were first submitted; the regions the person writes for (4).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 16 + 1 + 4):
        response = client.get(project.get_absolute_url())
    assert len(response.context["due_rows"]) == 11


@pytest.mark.parametrize("n", [1, 6])
def test_plan_page_queries_do_not_grow_with_the_due_updates(
    client_for, gao_officer, django_assert_num_queries, n
):
    plan = PlanFactory(
        region=region("ML-7"),
        status=RegionalPlan.Status.VALIDATED,
        period_start=D(2023, 1, 1),
        period_end=D(2025, 12, 31),
    )
    for i in range(n):
        update = PlanUpdateFactory(
            plan=plan,
            period_start=D(2023 + i // 4, i % 4 * 3 + 1, 1),
            period_end=D(2023 + i // 4, i % 4 * 3 + 1, 28),
        )
        _sent(update, D(2025, 1, 1), by=gao_officer)
    client = client_for(gao_officer)
    client.get(plan.get_absolute_url())  # what a process reads once (content types)

    # The page's own (14: tests/regions/test_plan_pages.py, and the results
    # by priority); its due updates: the plan obligations, its updates, the
    # days they were first submitted; the regions the person writes for (4).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 14 + 4):
        response = client.get(plan.get_absolute_url())
    assert len(response.context["due_rows"]) == 11
    assert PlanUpdate.objects.filter(plan=plan).count() == n
