"""The reporting-compliance page for headquarters: the reports due by office
and by quarter of their due date, how many came on time, late or not at all,
and the on-time rate, worked out by hand on a small portal; the same figures
in its CSV and XLSX files; its filters; who may read it; a number of queries
that does not grow with the reports.

Today is 5 July 2025. Obligations (data migrations): Trust Fund projects
every quarter within 30 days, Quick Impact Projects once within 30 days of
their end, plans every quarter within 15 days."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from funding.models import Mechanism
from projects.models import Project
from regions.models import Region, RegionalPlan
from reviews.models import ReviewEvent
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import PlanFactory, PlanUpdateFactory, ProgressReportFactory, ProjectFactory

D = datetime.date
SPAN = {"due_from": "2024-01-01", "due_to": "2025-09-30"}


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2025, 7, 5, 9, tzinfo=datetime.UTC)):
        yield


def _sent(item, day: datetime.date, *, by) -> None:
    """`item` first sent on `day`, as the review services record it."""
    type(item).objects.filter(pk=item.pk).update(review_status="submitted")
    event = ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=ReviewEvent.Action.SUBMITTED,
        actor=by,
    )
    moment = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    ReviewEvent.objects.filter(pk=event.pk).update(at=moment)


def _project(code, region_code, mechanism, start, end, status=Project.Status.ONGOING) -> Project:
    return ProjectFactory(
        code=code,
        region=Region.objects.get(code=region_code),
        mechanism=Mechanism.objects.get(code=mechanism),
        status=status,
        planned_start=start,
        planned_end=end,
    )


@pytest.fixture
def portal(db, gao_officer):
    """Due from January 2024 to September 2025:

    - Gao (Gao's office): a Trust Fund project's Q1 2025 report, sent on 20
      April (due 30 April: on time), its Q2 (due 30 July: not yet due); the
      plan's Q1 2025 update, sent on 2 May (due 15 April: late), its Q2 (due
      15 July: not yet due).
    - Mopti: a Trust Fund project's Q1 2025 report (due 30 April: missing),
      its Q2 (not yet due); a completed QIP's completion report, due 30 April,
      only a draft (missing).
    - Tombouctou: an archived plan for 2024, its Q1 to Q3 updates missing, its
      Q4 update (due 15 January 2025) sent on 10 January (on time).

    The third quarters of 2025 are due in October, outside the span."""
    gao_tf = _project("TF-2025-GAO-001", "ML-7", "tf", D(2025, 1, 1), D(2025, 12, 31))
    report = ProgressReportFactory(
        project=gao_tf, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31)
    )
    _sent(report, D(2025, 4, 20), by=gao_officer)
    gao_plan = PlanFactory(
        status=RegionalPlan.Status.VALIDATED, period_start=D(2025, 1, 1), period_end=D(2026, 12, 31)
    )
    update = PlanUpdateFactory(plan=gao_plan, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31))
    _sent(update, D(2025, 5, 2), by=gao_officer)

    _project("TF-2025-MOP-001", "ML-5", "tf", D(2025, 1, 1), D(2025, 12, 31))
    qip = _project(
        "QIP-2024-MOP-001",
        "ML-5",
        "qip",
        D(2024, 10, 1),
        D(2025, 3, 31),
        status=Project.Status.COMPLETED,
    )
    ProgressReportFactory(
        project=qip, period_start=D(2024, 10, 1), period_end=D(2025, 3, 31), is_final=True
    )

    tombouctou = PlanFactory(
        region=Region.objects.get(code="ML-6"),
        status=RegionalPlan.Status.ARCHIVED,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
    )
    q4 = PlanUpdateFactory(plan=tombouctou, period_start=D(2024, 10, 1), period_end=D(2024, 12, 31))
    _sent(q4, D(2025, 1, 10), by=gao_officer)


def figures(row) -> tuple:
    return (row.due, row.on_time, row.late, row.missing, row.pending, row.rate)


def test_figures_by_office_and_by_quarter(client_for, hq_user, portal):
    response = client_for(hq_user).get("/compliance/", SPAN)

    assert response.status_code == 200
    found = response.context["figures"]
    assert [(row.office, *figures(row)) for row in found.by_office] == [
        ("Gao", 4, 1, 1, 0, 2, Decimal("50.0")),
        ("Mopti", 3, 0, 0, 2, 1, Decimal("0.0")),
        ("Tombouctou", 4, 1, 0, 3, 0, Decimal("25.0")),
    ]
    assert [(row.period_start, *figures(row)) for row in found.by_quarter] == [
        (D(2024, 4, 1), 1, 0, 0, 1, 0, Decimal("0.0")),
        (D(2024, 7, 1), 1, 0, 0, 1, 0, Decimal("0.0")),
        (D(2024, 10, 1), 1, 0, 0, 1, 0, Decimal("0.0")),
        (D(2025, 1, 1), 1, 1, 0, 0, 0, Decimal("100.0")),
        (D(2025, 4, 1), 4, 1, 1, 2, 0, Decimal("25.0")),
        # Nothing due yet has passed its date: no rate.
        (D(2025, 7, 1), 3, 0, 0, 0, 3, None),
    ]
    # On time ÷ (on time + late + missing): 2 ÷ 8.
    assert figures(found.total) == (11, 2, 1, 5, 3, Decimal("25.0"))


def test_the_rate_is_shown_as_computed(client_for, hq_user, portal):
    page = client_for(hq_user).get("/compliance/", SPAN).text

    assert "25,0\u00a0%" in page and "50,0\u00a0%" in page and "100,0\u00a0%" in page


def test_filter_by_kind(client_for, hq_user, portal):
    client = client_for(hq_user)

    updates = client.get("/compliance/", {**SPAN, "kind": "plan_update"}).context["figures"]
    reports = client.get("/compliance/", {**SPAN, "kind": "progress"}).context["figures"]

    assert figures(updates.total) == (6, 1, 1, 3, 1, Decimal("20.0"))
    assert [row.office for row in updates.by_office] == ["Gao", "Tombouctou"]
    assert figures(reports.total) == (4, 1, 0, 1, 2, Decimal("50.0"))


def test_filter_by_span_of_due_dates(client_for, hq_user, portal):
    found = (
        client_for(hq_user)
        .get("/compliance/", {"due_from": "2025-04-01", "due_to": "2025-04-30"})
        .context["figures"]
    )

    assert figures(found.total) == (4, 1, 1, 2, 0, Decimal("25.0"))


def test_without_filters_the_last_four_quarters(client_for, hq_user, portal):
    response = client_for(hq_user).get("/compliance/")

    assert response.context["selection"] == {
        "due_from": D(2024, 10, 1),
        "due_to": D(2025, 9, 30),
        "kind": "",
    }
    # The updates due in April and July 2024 are left out.
    assert response.context["figures"].total.due == 9


@pytest.mark.parametrize(
    "query",
    [
        {"due_from": "2025-06-01", "due_to": "2025-01-01"},
        {"due_from": "2010-01-01", "due_to": "2025-01-01"},  # more than ten years
        {"due_from": "not a day"},
        {"kind": "minutes"},
    ],
)
def test_a_bad_filter_shows_its_error_and_no_figures_and_no_file(
    client_for, hq_user, portal, query
):
    client = client_for(hq_user)

    response = client.get("/compliance/", query)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["figures"] is None
    assert client.get("/compliance.csv", query).status_code == 400
    assert client.get("/compliance.xlsx", query).status_code == 400


# --- The files ---------------------------------------------------------------------------


def _page_rows(found) -> list[tuple]:
    rows = [("office", row) for row in found.by_office]
    rows += [("quarter", row) for row in found.by_quarter]
    return [*rows, ("total", found.total)]


def test_the_csv_file_holds_the_figures_of_the_page(client_for, hq_user, portal):
    client = client_for(hq_user)
    found = client.get("/compliance/", SPAN).context["figures"]

    response = client.get("/compliance.csv", SPAN)

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(header) == 9
    expected = [
        [
            row.office if grouping == "office" else "",
            row.period,
            str(row.due),
            str(row.on_time),
            str(row.late),
            str(row.missing),
            str(row.pending),
            "" if row.rate is None else str(row.rate).replace(".", ","),
        ]
        for grouping, row in _page_rows(found)
    ]
    assert [line[1:] for line in lines] == expected
    assert lines[-1][1:] == ["", "", "11", "2", "1", "5", "3", "25,0"]


def test_the_xlsx_file_holds_the_figures_of_the_page(client_for, hq_user, portal):
    client = client_for(hq_user)
    found = client.get("/compliance/", SPAN).context["figures"]

    response = client.get("/compliance.xlsx", SPAN)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    _header, *lines = list(sheet.iter_rows(values_only=True))
    expected = [
        (
            row.office if grouping == "office" else None,
            row.period or None,
            row.due,
            row.on_time,
            row.late,
            row.missing,
            row.pending,
            None if row.rate is None else float(row.rate),
        )
        for grouping, row in _page_rows(found)
    ]
    assert [tuple(line[1:]) for line in lines] == expected


# --- Who may read it -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hq_user", "fund_manager", "admin_user"])
def test_headquarters_and_administrators_read_the_page_and_its_files(
    client_for, request, portal, role
):
    client = client_for(request.getfixturevalue(role))

    for url in ("/compliance/", "/compliance.csv", "/compliance.xlsx"):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "role", ["gao_officer", "mopti_officer", "tombouctou_head", "viewer", "no_role_user"]
)
def test_others_are_refused(client_for, request, portal, role):
    client = client_for(request.getfixturevalue(role))

    for url in ("/compliance/", "/compliance.csv", "/compliance.xlsx"):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/compliance/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- Queries ------------------------------------------------------------------------------


def _more_rows(n: int, by) -> None:
    """n more projects and archived plans in Gao, each with a sent report."""
    for i in range(n):
        project = _project(f"TF-2025-GAO-{100 + i}", "ML-7", "tf", D(2025, 1, 1), D(2025, 12, 31))
        report = ProgressReportFactory(
            project=project, period_start=D(2025, 1, 1), period_end=D(2025, 3, 31)
        )
        _sent(report, D(2025, 5, 20), by=by)
        plan = PlanFactory(
            status=RegionalPlan.Status.ARCHIVED,
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
        )
        update = PlanUpdateFactory(plan=plan, period_start=D(2024, 1, 1), period_end=D(2024, 3, 31))
        _sent(update, D(2024, 4, 1), by=by)


@pytest.mark.parametrize("n", [1, 8])
def test_compliance_page_queries_do_not_grow_with_the_reports(
    client_for, hq_user, gao_officer, portal, django_assert_num_queries, n
):
    _more_rows(n, gao_officer)
    client = client_for(hq_user)
    client.get("/compliance/", SPAN)  # what a process reads once (content types)

    # The office answering for each region (1); the projects that report,
    # their mechanisms' obligations, their progress reports, the days these
    # were first submitted; the plans that report, the plan obligations, their
    # updates, the days these were first submitted (8).
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 1 + 8 + 1):
        response = client.get("/compliance/", SPAN)
    assert response.context["figures"].total.due == 11 + 6 * n
