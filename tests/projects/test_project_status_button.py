"""The project page links to the status page only when that page lets the
person take a step: for each role and each state of a project, the button is
shown exactly when the status page offers a step. When the steps a person
decides all lack something, the project page says what instead."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from projects.models import Project
from regions.models import Region
from tests.factories import FundingApprovalFactory, ProjectFactory

ROLES = ("gao_officer", "mopti_officer", "hq_user", "fund_manager", "viewer", "admin_user")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _pipeline():
    return ProjectFactory()


def _over_the_ceiling():
    # A QIP of USD 65,000: above its mechanism's ceiling, it cannot be submitted.
    return ProjectFactory(budget_amount=Decimal("65000"))


def _submitted():
    return ProjectFactory(status="submitted")


def _approved_without_funding():
    return ProjectFactory(status="approved")


def _approved_and_funded():
    project = ProjectFactory(status="approved")
    FundingApprovalFactory(project=project)
    return project


def _ongoing_without_final_report():
    return ProjectFactory(status="ongoing", actual_start=datetime.date(2024, 2, 15))


def _completed():
    return ProjectFactory(
        status="completed",
        actual_start=datetime.date(2024, 2, 15),
        actual_end=datetime.date(2024, 6, 30),
    )


def _in_mopti():
    return ProjectFactory(region=Region.objects.get(code="ML-5"))


STATES = {
    "pipeline": _pipeline,
    "over the ceiling": _over_the_ceiling,
    "submitted": _submitted,
    "approved without funding": _approved_without_funding,
    "approved and funded": _approved_and_funded,
    "ongoing without final report": _ongoing_without_final_report,
    "completed": _completed,
    "closed": lambda: ProjectFactory(status=Project.Status.CLOSED),
    "cancelled": lambda: ProjectFactory(status=Project.Status.CANCELLED),
    "pipeline in Mopti": _in_mopti,
}


def _offers_a_step(client, project) -> bool:
    response = client.get(f"/projects/{project.pk}/status/")
    if response.status_code == 403:
        return False
    assert response.status_code == 200
    return 'name="step"' in response.text


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("fixture", ROLES)
def test_status_button_is_shown_iff_the_status_page_offers_a_step(
    db, request, client_for, fixture, state
):
    project = STATES[state]()
    client = client_for(request.getfixturevalue(fixture))

    page = client.get(f"/projects/{project.pk}/").text

    shown = f'href="/projects/{project.pk}/status/"' in page
    assert shown == _offers_a_step(client, project)


# Where the rule above must show the button, and where it must not: the
# matrix is not vacuous.
@pytest.mark.parametrize(
    ("fixture", "state", "shown"),
    [
        ("gao_officer", "pipeline", True),
        ("gao_officer", "over the ceiling", False),
        ("gao_officer", "submitted", False),
        ("gao_officer", "approved without funding", False),
        ("gao_officer", "approved and funded", True),
        ("gao_officer", "ongoing without final report", False),
        ("gao_officer", "pipeline in Mopti", False),
        ("mopti_officer", "pipeline in Mopti", True),
        ("hq_user", "submitted", True),
        ("hq_user", "completed", True),
        ("hq_user", "closed", False),
        ("viewer", "approved and funded", False),
        ("fund_manager", "pipeline", False),
    ],
)
def test_status_button_for_each_role_and_state(db, request, client_for, fixture, state, shown):
    project = STATES[state]()

    page = client_for(request.getfixturevalue(fixture)).get(f"/projects/{project.pk}/").text

    assert (f'href="/projects/{project.pk}/status/"' in page) is shown


def test_the_project_page_says_why_no_step_can_be_taken_yet(client_for, gao_officer):
    project = _over_the_ceiling()

    page = client_for(gao_officer).get(f"/projects/{project.pk}/").text

    assert f'href="/projects/{project.pk}/status/"' not in page
    note = page.split('<details class="blocked-note">')[1].split("</details>")[0]
    assert "Why the status cannot change yet" in note
    assert "<dt>Submit for approval</dt>" in note
    # The rule it breaks, with its figure.
    assert "50,000" in note


def test_nothing_is_said_to_whoever_decides_no_step(client_for, viewer):
    project = _approved_without_funding()

    page = client_for(viewer).get(f"/projects/{project.pk}/").text

    assert "Why the status cannot change yet" not in page


def test_the_status_page_leaves_with_back_to_the_project_not_cancel(client_for, hq_user):
    project = _pipeline()

    page = client_for(hq_user).get(f"/projects/{project.pk}/status/").text

    assert "Cancel the project" in page
    assert ">Back to the project</a>" in page
    assert ">Cancel</a>" not in page
