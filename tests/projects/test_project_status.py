"""The status of a project: pipeline → submitted → approved → ongoing →
completed → closed (or cancelled), each step by the people whose decision it
is, recorded on the timeline, with the mechanism's rules checked again on
submission and approval."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from projects import services
from projects.forms.record import STEP_LABELS
from projects.models import Project, StatusChange
from tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _step(client, project: Project, step: str, comment: str = ""):
    return client.post(
        f"/projects/{project.pk}/status/", {"step": step, "comment": comment}, follow=True
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _status(project: Project) -> str:
    return Project.objects.get(pk=project.pk).status


def test_status_page_offers_the_steps_the_user_may_take(client_for, gao_officer, hq_user):
    project = ProjectFactory()

    officer_page = client_for(gao_officer).get(f"/projects/{project.pk}/status/")
    hq_page = client_for(hq_user).get(f"/projects/{project.pk}/status/")

    assert officer_page.context["moves"] == ["submit"]
    assert 'value="submit"' in officer_page.text and 'value="cancel"' not in officer_page.text
    assert 'name="comment"' in officer_page.text
    assert hq_page.context["moves"] == ["submit", "cancel"]
    assert "Cancel the project" in hq_page.text


def test_editor_without_any_step_open_is_told_so(client_for, gao_officer):
    project = ProjectFactory(status="submitted")

    response = client_for(gao_officer).get(f"/projects/{project.pk}/status/")

    assert response.status_code == 200
    assert "No status step is open to you on this project now." in response.text


def test_a_project_goes_through_its_whole_life_and_each_step_is_on_the_timeline(
    client_for, gao_officer, hq_user
):
    project = ProjectFactory()
    steps = [
        (gao_officer, "submit", "submitted", "Dossier complet."),
        (hq_user, "approve", "approved", "Approuvé par le PRC."),
        (gao_officer, "start", "ongoing", ""),
        (gao_officer, "complete", "completed", "Réception provisoire."),
        (hq_user, "close", "closed", "Clôture financière."),
    ]

    for user, step, status, comment in steps:
        response = _step(client_for(user), project, step, comment)
        assert response.redirect_chain == [(f"/projects/{project.pk}/", 302)]
        assert f"The project is now {status}." in _messages(response)
        assert _status(project) == status

    changes = list(StatusChange.objects.filter(project=project).values_list("new_status", "by"))
    assert changes == [(status, user.pk) for user, _, status, _ in steps]
    page = response.text
    for _, _, _, comment in steps:
        assert comment in page
    assert Project.objects.get(pk=project.pk).version == 6


def test_headquarters_sends_a_submitted_project_back_to_the_pipeline(client_for, hq_user):
    project = ProjectFactory(status="submitted")

    _step(client_for(hq_user), project, "send_back", "Budget à détailler.")

    assert _status(project) == "pipeline"
    assert StatusChange.objects.get().comment == "Budget à détailler."


@pytest.mark.parametrize(
    ("status", "step"),
    [("pipeline", "complete"), ("pipeline", "start"), ("completed", "submit")],
)
def test_a_jump_that_is_not_allowed_is_refused_with_a_message(client_for, hq_user, status, step):
    project = ProjectFactory(status=status)

    response = _step(client_for(hq_user), project, step)

    assert f"A project that is {status} cannot take this step." in _messages(response)
    assert _status(project) == status
    assert not StatusChange.objects.exists()
    assert Project.objects.get(pk=project.pk).version == 1


def test_officer_jumping_from_pipeline_to_completed_changes_nothing(client_for, gao_officer):
    project = ProjectFactory()

    response = _step(client_for(gao_officer), project, "complete")

    assert response.redirect_chain == [(f"/projects/{project.pk}/", 302)]
    assert "A project that is pipeline cannot take this step." in _messages(response)
    assert _status(project) == "pipeline"


def test_cancelled_and_closed_projects_take_no_further_step(client_for, hq_user):
    project = ProjectFactory(status="cancelled")

    response = _step(client_for(hq_user), project, "cancel")

    assert "A project that is cancelled cannot take this step." in _messages(response)
    assert _status(project) == "cancelled"


def test_unknown_step_is_refused_by_the_form(client_for, hq_user):
    project = ProjectFactory()

    response = client_for(hq_user).post(f"/projects/{project.pk}/status/", {"step": "teleport"})

    assert response.status_code == 200
    assert "step" in response.context["form"].errors
    assert _status(project) == "pipeline"


@pytest.mark.parametrize(("status", "step"), [("pipeline", "submit"), ("submitted", "approve")])
def test_a_qip_above_the_ceiling_cannot_be_submitted_or_approved(client_for, hq_user, status, step):
    project = ProjectFactory(status=status, budget_amount=Decimal("65000"))

    response = _step(client_for(hq_user), project, step)

    assert "QIP projects may cost at most USD 50,000; this one costs USD 65,000.00." in _messages(
        response
    )
    assert _status(project) == status
    assert not StatusChange.objects.exists()


def test_a_qip_longer_than_six_months_cannot_be_submitted(client_for, gao_officer):
    # The factory's QIP starts on 1 February 2024: to 31 August is seven months.
    project = ProjectFactory(planned_end=datetime.date(2024, 8, 31))

    response = _step(client_for(gao_officer), project, "submit")

    assert "QIP projects may last at most 6 months; this one lasts longer." in _messages(response)
    assert _status(project) == "pipeline"


@pytest.mark.parametrize("step", ["approve", "send_back", "cancel"])
def test_regional_officer_cannot_take_headquarters_decisions(client_for, gao_officer, step):
    project = ProjectFactory(status="submitted")

    response = client_for(gao_officer).post(f"/projects/{project.pk}/status/", {"step": step})

    assert response.status_code == 403
    assert _status(project) == "submitted"
    assert not StatusChange.objects.exists()


def test_status_page_accepts_only_get_and_post(client_for, hq_user):
    project = ProjectFactory()

    assert client_for(hq_user).put(f"/projects/{project.pk}/status/").status_code == 405


def test_every_step_the_services_know_has_a_label():
    assert set(STEP_LABELS) == set(services.MOVES)


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_closed_or_cancelled_project_can_no_longer_be_edited(
    client_for, gao_officer, fund_manager, status
):
    project = ProjectFactory(status=status, title="Titre d'origine")

    edit = client_for(gao_officer).post(f"/projects/{project.pk}/edit/", {"title": "Autre"})
    budget = client_for(fund_manager).post(
        f"/projects/{project.pk}/budget/", {"budget_amount": "1", "budget_currency": "USD"}
    )

    assert (edit.status_code, budget.status_code) == (403, 403)
    project.refresh_from_db()
    assert (project.title, project.budget_amount) == ("Titre d'origine", Decimal("40000.00"))
