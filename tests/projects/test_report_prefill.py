"""The forms of new reports open with the period a list of due reports links
to (`?period_start=…&period_end=…`, bad values ignored), and refuse, as
forms, a period outside the record's dates or one already reported, writing
nothing: progress reports, indicator reports and plan updates."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from projects.models import IndicatorReport, ProgressReport, Project
from regions.models import PlanUpdate, PriorityProgress, RegionalPlan
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    PlanFactory,
    PlanUpdateFactory,
    PriorityFactory,
    ProgressReportFactory,
    ProjectFactory,
)

Q1_2025 = {"period_start": "2025-01-01", "period_end": "2025-03-31"}


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def project(db):
    """An ongoing Gao project that runs through 2025."""
    return ProjectFactory(
        status=Project.Status.ONGOING,
        planned_start=datetime.date(2025, 1, 1),
        planned_end=datetime.date(2025, 12, 31),
    )


@pytest.fixture
def plan(db):
    """A validated Gao plan for 2024 and 2025, with one priority."""
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)
    PriorityFactory(plan=plan, code="AXE-1")
    return plan


def _initial(response) -> dict:
    form = response.context["form"]
    return {name: form[name].value() for name in ("period_start", "period_end")}


# --- Opened with a period ------------------------------------------------------------


def test_progress_report_form_opens_with_the_period_of_the_link(client_for, gao_officer, project):
    url = reverse("projects:progress_report_create", args=[project.pk])

    response = client_for(gao_officer).get(url, Q1_2025)

    assert response.status_code == 200
    assert _initial(response) == {
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 3, 31),
    }
    assert 'value="2025-01-01"' in response.text and 'value="2025-03-31"' in response.text
    assert not response.context["form"]["is_final"].value()


def test_a_completion_report_link_opens_the_final_report(client_for, gao_officer, project):
    url = reverse("projects:progress_report_create", args=[project.pk])
    query = {"period_start": "2025-01-01", "period_end": "2025-12-31", "is_final": "1"}

    response = client_for(gao_officer).get(url, query)

    assert response.context["form"]["is_final"].value() is True


def test_indicator_report_form_opens_with_the_period_of_the_link(client_for, gao_officer, project):
    indicator = IndicatorFactory(project=project)
    url = reverse("projects:indicator_report_create", args=[indicator.pk])

    response = client_for(gao_officer).get(url, Q1_2025)

    assert _initial(response) == {
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 3, 31),
    }


def test_plan_update_form_opens_with_the_period_of_the_link(client_for, gao_officer, plan):
    url = reverse("regions:update_create", args=[plan.pk])

    response = client_for(gao_officer).get(url, {"period_start": "2025-04-01", "period_end": ""})

    assert _initial(response) == {"period_start": datetime.date(2025, 4, 1), "period_end": None}


@pytest.mark.parametrize(
    "query",
    [
        {"period_start": "2025-13-01", "period_end": "2025-02-30"},  # no such days
        {"period_start": "20250101", "period_end": "31/03/2025"},  # not written as links write
        {"period_start": "2025-03-31", "period_end": "2025-01-01"},  # ends before it starts
        {"period_start": "2025-01-01\x00", "period_end": "x" * 500},
    ],
)
def test_bad_period_values_are_ignored(client_for, gao_officer, project, plan, query):
    client = client_for(gao_officer)
    indicator = IndicatorFactory(project=project)
    for url in (
        reverse("projects:progress_report_create", args=[project.pk]),
        reverse("projects:indicator_report_create", args=[indicator.pk]),
        reverse("regions:update_create", args=[plan.pk]),
    ):
        response = client.get(url, query)

        assert response.status_code == 200
        assert _initial(response) == {"period_start": None, "period_end": None}


def test_the_link_does_not_open_the_form_to_those_who_may_not_write(
    client_for, mopti_officer, viewer, project
):
    url = reverse("projects:progress_report_create", args=[project.pk])
    for user in (mopti_officer, viewer):
        assert client_for(user).get(url, Q1_2025).status_code == 403


# --- The period rule, as forms ----------------------------------------------------------


def _update_data(plan, **overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "narrative": "Réhabilitation de trois écoles.",
        "risks": "",
        "access_constraints": "",
    }
    for priority in plan.priorities.all():
        data[f"progress_{priority.pk}_status"] = PriorityProgress.Status.ON_TRACK
        data[f"progress_{priority.pk}_narrative"] = "Avancement."
    return data | overrides


def test_plan_update_for_a_quarter_after_the_plan_is_refused_writing_nothing(
    client_for, gao_officer, plan, english
):
    data = _update_data(plan, period_start="2027-01-01", period_end="2027-03-31")

    response = client_for(gao_officer).post(reverse("regions:update_create", args=[plan.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["period_start"] == [
        "The period must lie within the plan's dates, from 1 January 2024 to 31 December 2025."
    ]
    assert "The period must lie within the plan" in response.text
    assert not PlanUpdate.objects.exists()


def test_plan_update_for_a_quarter_already_reported_is_refused(
    client_for, gao_officer, plan, english
):
    PlanUpdateFactory(
        plan=plan, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 3, 31)
    )
    data = _update_data(plan, **Q1_2025)

    response = client_for(gao_officer).post(reverse("regions:update_create", args=[plan.pk]), data)

    assert response.status_code == 200
    assert "already been reported" in response.context["form"].errors["period_start"][0]
    assert PlanUpdate.objects.count() == 1


def _progress_data(**overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "narrative": "Forage réalisé.",
        "percent_complete": "40",
        "site_accessible": "on",
    }
    return data | overrides


def test_progress_report_outside_the_project_or_twice_is_refused_writing_nothing(
    client_for, gao_officer, project, english
):
    client = client_for(gao_officer)
    url = reverse("projects:progress_report_create", args=[project.pk])

    outside = client.post(url, _progress_data(period_start="2027-01-01", period_end="2027-03-31"))
    assert outside.status_code == 200
    assert outside.context["form"].errors["period_start"] == [
        "The period must lie within the project's dates, from 1 January 2025 to 31 December 2025."
    ]
    assert not ProgressReport.objects.exists()

    ProgressReportFactory(
        project=project,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    twice = client.post(url, _progress_data(period_start="2025-02-01", period_end="2025-03-31"))
    assert twice.status_code == 200
    assert "already been reported" in twice.context["form"].errors["period_start"][0]
    assert ProgressReport.objects.count() == 1


def test_indicator_report_outside_the_project_or_twice_is_refused_writing_nothing(
    client_for, gao_officer, project, english
):
    indicator = IndicatorFactory(project=project)
    client = client_for(gao_officer)
    url = reverse("projects:indicator_report_create", args=[indicator.pk])
    data = {"token": str(uuid.uuid4()), "value": "10", "comment": ""}

    outside = client.post(url, data | {"period_start": "2027-01-01", "period_end": "2027-03-31"})
    assert outside.status_code == 200
    assert "within the project's dates" in outside.context["form"].errors["period_start"][0]
    assert not IndicatorReport.objects.exists()

    IndicatorReportFactory(
        indicator=indicator,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    twice = client.post(url, data | {"token": str(uuid.uuid4()), **Q1_2025})
    assert twice.status_code == 200
    assert "already been reported" in twice.context["form"].errors["period_start"][0]
    assert IndicatorReport.objects.count() == 1
