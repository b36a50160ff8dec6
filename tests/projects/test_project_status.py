"""The status of a project: pipeline → submitted → approved → ongoing →
completed → closed (or cancelled), each step by the people whose decision it
is and only once what it needs is there (`projects.workflow`), recorded on
the timeline, with the mechanism's rules checked again on submission and
approval."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from accounts.roles import Role
from projects import services
from projects.forms.record import STEP_LABELS
from projects.models import Project, StatusChange
from regions.models import Office
from reviews.models import ReviewEvent
from tests.factories import (
    ExpenditureFactory,
    FundingApprovalFactory,
    IndicatorFactory,
    IndicatorReportFactory,
    ProgressReportFactory,
    ProjectFactory,
    TrancheFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _step(client, project: Project, step: str, comment: str = "", day: str = ""):
    return client.post(
        f"/projects/{project.pk}/status/",
        {"step": step, "comment": comment, "day": day},
        follow=True,
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _refusals(response) -> list[str]:
    """What the status page says when it refuses a step (it shows itself again)."""
    assert response.status_code == 200
    assert response.redirect_chain == []
    return list(response.context["form"].non_field_errors())


@pytest.fixture
def second_hq(db):
    return UserFactory(
        username="second_hq", role=Role.HQ_OFFICER, office=Office.objects.get(name="Bamako")
    )


def _reconciled(project: Project, amount: str = "40000.00") -> None:
    """Every approved dollar transferred and spent (fixture rows)."""
    FundingApprovalFactory(project=project, amount=Decimal(amount))
    TrancheFactory(project=project, amount=Decimal(amount))
    ExpenditureFactory(project=project, amount=Decimal(amount))


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
        (gao_officer, "submit", "submitted", "Dossier complet.", ""),
        (hq_user, "approve", "approved", "Approuvé par le PRC.", ""),
        (gao_officer, "start", "ongoing", "", "2024-02-05"),
        (gao_officer, "complete", "completed", "Réception provisoire.", "2024-06-28"),
        (hq_user, "close", "closed", "Clôture financière.", ""),
    ]
    before = {
        # What each step needs, recorded as the life of the project goes.
        "start": lambda: FundingApprovalFactory(project=project, amount=Decimal("40000")),
        "complete": lambda: ProgressReportFactory(
            project=project, is_final=True, review_status="approved"
        ),
        "close": lambda: (
            TrancheFactory(project=project, amount=Decimal("40000")),
            ExpenditureFactory(project=project, amount=Decimal("40000")),
        ),
    }

    for user, step, status, comment, day in steps:
        if step in before:
            before[step]()
        response = _step(client_for(user), project, step, comment, day)
        assert response.redirect_chain == [(f"/projects/{project.pk}/", 302)]
        assert f"The project is now {status}." in _messages(response)
        assert _status(project) == status

    changes = list(StatusChange.objects.filter(project=project).values_list("new_status", "by"))
    assert changes == [(status, user.pk) for user, _, status, _, _ in steps]
    page = response.text
    for _, _, _, comment, _ in steps:
        assert comment in page
    project.refresh_from_db()
    assert project.version == 6
    assert (project.actual_start, project.actual_end) == (
        datetime.date(2024, 2, 5),
        datetime.date(2024, 6, 28),
    )
    assert (project.submitted_by, project.reviewed_by) == (gao_officer, hq_user)
    # The review steps are on the portal's one review timeline too.
    events = ReviewEvent.objects.filter(object_id=project.pk, content_type__model="project")
    assert list(events.values_list("action", "actor")) == [
        ("submitted", gao_officer.pk),
        ("approved", hq_user.pk),
    ]


def test_headquarters_sends_a_submitted_project_back_to_the_pipeline(client_for, hq_user):
    project = ProjectFactory(status="submitted")

    _step(client_for(hq_user), project, "send_back", "Budget à détailler.")

    assert _status(project) == "pipeline"
    assert StatusChange.objects.get().comment == "Budget à détailler."


def test_sending_back_needs_a_comment(client_for, hq_user):
    project = ProjectFactory(status="submitted")

    response = _step(client_for(hq_user), project, "send_back")

    assert _refusals(response) == ["Say what must change: a comment is required to return an item."]
    assert _status(project) == "submitted"
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("status", "step"),
    [("pipeline", "complete"), ("pipeline", "start"), ("completed", "submit")],
)
def test_a_jump_that_is_not_allowed_is_refused_with_a_message(client_for, hq_user, status, step):
    project = ProjectFactory(status=status)

    response = _step(client_for(hq_user), project, step)

    assert _refusals(response) == [f"A project that is {status} cannot take this step."]
    assert _status(project) == status
    assert not StatusChange.objects.exists()
    assert Project.objects.get(pk=project.pk).version == 1


def test_officer_jumping_from_pipeline_to_completed_changes_nothing(client_for, gao_officer):
    project = ProjectFactory()

    response = _step(client_for(gao_officer), project, "complete")

    assert _refusals(response) == ["A project that is pipeline cannot take this step."]
    assert _status(project) == "pipeline"


def test_cancelled_and_closed_projects_take_no_further_step(client_for, hq_user):
    project = ProjectFactory(status="cancelled")

    response = _step(client_for(hq_user), project, "cancel", "Doublon.")

    assert _refusals(response) == ["A project that is cancelled cannot take this step."]
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

    assert "65,000.00\xa0USD is more than the 50,000\xa0USD a QIP project may cost." in (
        _refusals(response)
    )
    assert _status(project) == status
    assert not StatusChange.objects.exists()


def test_a_qip_longer_than_six_months_cannot_be_submitted(client_for, gao_officer):
    # The factory's QIP starts on 1 February 2024: to 31 August is seven months.
    project = ProjectFactory(planned_end=datetime.date(2024, 8, 31))

    response = _step(client_for(gao_officer), project, "submit")

    with translation.override("en"):
        latest = date_format(datetime.date(2024, 7, 31))
    assert (
        "The project lasts 7 months; QIP projects may last at most 6 months: "
        f"the latest allowed end date is {latest}."
    ) in _refusals(response)
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


# --- Four eyes and what each step needs (the holes an audit found) -------------------


def test_an_officer_who_submitted_a_project_cannot_approve_it_himself(
    client_for, hq_user, second_hq
):
    project = ProjectFactory()
    client = client_for(hq_user)
    _step(client, project, "submit")

    page = client.get(f"/projects/{project.pk}/status/")
    response = _step(client, project, "approve")

    assert "approve" not in page.context["moves"]
    assert "You submitted this item: another officer must review it." in page.text
    assert _refusals(response) == ["You submitted this item: another officer must review it."]
    assert _status(project) == "submitted"
    # Another officer of headquarters approves it.
    _step(client_for(second_hq), project, "approve")
    assert _status(project) == "approved"


def test_the_submitter_sees_the_project_returned_and_another_officer_sees_it_to_review(
    client_for, gao_officer, hq_user, second_hq
):
    project = ProjectFactory(title="Forage de Tassiga")
    _step(client_for(hq_user), project, "submit")

    own_queue = client_for(hq_user).get("/reviews/")
    other_queue = client_for(second_hq).get("/reviews/")

    assert project not in own_queue.context["sections"]["awaiting"].items
    assert project in other_queue.context["sections"]["awaiting"].items
    assert "Forage de Tassiga" in other_queue.text
    _step(client_for(second_hq), project, "send_back", "Joindre le devis.")
    returned = client_for(hq_user).get("/reviews/").context["sections"]["returned"]
    assert returned.items == [Project.objects.get(pk=project.pk)]


def test_a_project_starts_only_once_its_funding_is_approved(client_for, gao_officer):
    project = ProjectFactory(status="approved")
    lacking = "A project starts once its funding is approved: record the funding approval first."

    page = client_for(gao_officer).get(f"/projects/{project.pk}/status/")
    response = _step(client_for(gao_officer), project, "start", day="2024-02-05")

    assert page.context["moves"] == []
    assert lacking in page.text
    assert _refusals(response) == [lacking]
    assert _status(project) == "approved"
    assert Project.objects.get(pk=project.pk).actual_start is None


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("", "Give the day the project actually started."),
        ("2099-01-01", "The actual start cannot be after today"),
    ],
)
def test_starting_needs_the_actual_start_up_to_today(client_for, gao_officer, day, error):
    project = ProjectFactory(status="approved")
    FundingApprovalFactory(project=project)

    response = _step(client_for(gao_officer), project, "start", day=day)

    assert any(message.startswith(error) for message in _refusals(response))
    assert _status(project) == "approved"
    assert not StatusChange.objects.exists()


def test_a_project_is_completed_only_with_an_approved_final_report(client_for, gao_officer):
    project = ProjectFactory(status="ongoing", actual_start=datetime.date(2024, 2, 5))
    ProgressReportFactory(project=project, review_status="approved")  # not the final one
    ProgressReportFactory(project=project, is_final=True, review_status="submitted")
    lacking = (
        "A project is completed once headquarters has approved its final progress report: "
        "submit a progress report marked as final."
    )

    response = _step(client_for(gao_officer), project, "complete", day="2024-06-28")

    assert _refusals(response) == [lacking]
    assert _status(project) == "ongoing"


def test_the_actual_end_cannot_come_before_the_actual_start(client_for, gao_officer):
    project = ProjectFactory(status="ongoing", actual_start=datetime.date(2024, 2, 5))
    ProgressReportFactory(project=project, is_final=True, review_status="approved")

    response = _step(client_for(gao_officer), project, "complete", day="2024-01-10")

    assert _refusals(response) == [
        "The actual end cannot be before the actual start (5 February 2024)."
    ]
    assert Project.objects.get(pk=project.pk).actual_end is None


def test_closing_needs_the_money_reconciled_and_no_report_pending(client_for, hq_user):
    project = ProjectFactory(
        status="completed",
        actual_start=datetime.date(2024, 2, 5),
        actual_end=datetime.date(2024, 6, 28),
    )
    FundingApprovalFactory(project=project, amount=Decimal("40000"))
    TrancheFactory(project=project, amount=Decimal("32000"))
    ExpenditureFactory(project=project, amount=Decimal("30000"))
    IndicatorReportFactory(indicator=IndicatorFactory(project=project))  # a draft

    response = _step(client_for(hq_user), project, "close", "Clôture.")

    assert _refusals(response) == [
        "The money is not reconciled: 40,000.00\xa0USD approved, 32,000.00\xa0USD "
        "transferred. Record the remaining tranches first.",
        "The spending is not reconciled: 32,000.00\xa0USD transferred, 30,000.00\xa0USD "
        "reported spent. Record the partner's remaining expenditure first.",
        "1 report of this project is still in draft, submitted or returned: have it "
        "approved first.",
    ]
    assert _status(project) == "completed"


def test_a_reconciled_project_closes(client_for, hq_user):
    project = ProjectFactory(status="completed")
    _reconciled(project)

    _step(client_for(hq_user), project, "close")

    assert _status(project) == "closed"


def test_cancelling_needs_a_reason(client_for, hq_user):
    project = ProjectFactory(status="approved")

    refused = _step(client_for(hq_user), project, "cancel")
    _step(client_for(hq_user), project, "cancel", "Site inaccessible depuis six mois.")

    assert _refusals(refused) == ["Say why the project is cancelled: a reason is required."]
    assert _status(project) == "cancelled"
    assert StatusChange.objects.get().comment == "Site inaccessible depuis six mois."


def test_the_whole_life_in_a_minute_by_one_officer_is_refused_at_each_shortcut(client_for, hq_user):
    """The audit's path: create, submit, approve, start, complete and close
    alone, with no money, no report and no dates."""
    project = ProjectFactory()
    client = client_for(hq_user)

    _step(client, project, "submit")
    for step in ("approve", "start", "complete", "close"):
        _step(client, project, step)

    assert _status(project) == "submitted"
    assert list(StatusChange.objects.values_list("new_status", flat=True)) == ["submitted"]


def test_the_status_page_shows_only_possible_steps_and_what_the_others_lack(
    client_for, gao_officer
):
    project = ProjectFactory(status="ongoing", actual_start=datetime.date(2024, 2, 5))

    page = client_for(gao_officer).get(f"/projects/{project.pk}/status/")

    assert page.context["moves"] == []
    assert 'value="complete"' not in page.text
    assert "Not possible yet" in page.text
    assert "Mark as completed" in page.text
