"""A plan update through the review workflow, driven through its pages."""

import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from regions.models import PlanUpdate, PlanUpdateAttachment, PriorityProgress, RegionalPlan
from reviews import services as review
from reviews.models import ReviewEvent
from tests.factories import PlanFactory, PriorityFactory, PriorityProgressFactory, UserFactory


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def gao_plan(db):
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)
    PriorityFactory(plan=plan, code="AXE-1")
    return plan


def update_data(plan, **overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "narrative": "Réhabilitation de trois écoles.",
        "risks": "",
        "access_constraints": "",
    }
    for priority in plan.priorities.all():
        data[f"progress_{priority.pk}_status"] = PriorityProgress.Status.ON_TRACK
        data[f"progress_{priority.pk}_narrative"] = "Travaux engagés."
    return data | overrides


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n" + b"0" * 200, "application/pdf")


def events_of(update) -> list[tuple[str, str, str]]:
    return [
        (event.action, event.actor.username, event.comment) for event in review.timeline(update)
    ]


def test_update_goes_through_the_whole_workflow(client, gao_officer, hq_user, gao_plan, english):
    client.force_login(gao_officer)
    client.post(f"/plans/{gao_plan.pk}/updates/new/", update_data(gao_plan))
    update = PlanUpdate.objects.get()
    url = f"/plans/updates/{update.pk}"

    response = client.post(f"{url}/submit/", follow=True)
    assert "Update submitted" in response.text
    update.refresh_from_db()
    assert (update.review_status, update.submitted_by) == ("submitted", gao_officer)

    client.force_login(hq_user)
    response = client.post(f"{url}/return/", {"comment": "Ajoutez les chiffres de Ménaka."})
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.review_status, update.reviewed_by) == ("returned", hq_user)

    client.force_login(gao_officer)
    queue = client.get("/reviews/")
    assert queue.context["sections"]["returned"].items == [update]
    assert f'href="{url}/"' in queue.text
    client.post(f"{url}/edit/", update_data(gao_plan, narrative="Chiffres de Ménaka ajoutés."))
    client.post(f"{url}/submit/")
    update.refresh_from_db()
    assert (update.review_status, update.narrative) == ("submitted", "Chiffres de Ménaka ajoutés.")

    client.force_login(hq_user)
    response = client.post(f"{url}/approve/", {"comment": ""}, follow=True)
    assert "Update approved" in response.text
    update.refresh_from_db()
    assert update.review_status == "approved"
    assert update.is_locked

    assert events_of(update) == [
        ("submitted", "gao_officer", ""),
        ("returned", "hq_officer", "Ajoutez les chiffres de Ménaka."),
        ("submitted", "gao_officer", ""),
        ("approved", "hq_officer", ""),
    ]
    page = client.get(f"{url}/").text
    timeline = page[page.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    steps = [step.split("</strong>")[0] for step in timeline.split("<strong>")[1:]]
    assert steps == ["Submitted", "Returned", "Submitted", "Approved"]
    assert "Ajoutez les chiffres de Ménaka." in timeline
    assert f"by {gao_officer}" in timeline and f"by {hq_user}" in timeline
    assert '<span class="badge badge--success">approved</span>' in page


@pytest.mark.parametrize("user", ["gao_officer", "hq_user"])
def test_approved_update_is_read_only_for_everybody(
    request, client_for, gao_officer, hq_user, english, user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    update = PriorityProgressFactory().update
    review.submit(update, by=gao_officer)
    review.approve(update, by=UserFactory(role=Role.HQ_OFFICER))
    client = client_for(request.getfixturevalue(user))
    url = f"/plans/updates/{update.pk}"

    detail = client.get(f"{url}/")
    edit = client.post(f"{url}/edit/", update_data(update.plan, narrative="Changé."), follow=True)
    upload = client.post(
        f"{url}/attachments/new/",
        {"file": _pdf()},
        follow=True,
    )
    submit = client.post(f"{url}/submit/", follow=True)

    assert f'action="{url}/submit/"' not in detail.text
    assert f'href="{url}/edit/"' not in detail.text
    assert f'action="{url}/approve/"' not in detail.text
    assert "read-only" in edit.text and "read-only" in upload.text
    assert "Only a draft or a returned item can be submitted." in submit.text
    update.refresh_from_db()
    assert update.review_status == "approved"
    assert update.narrative != "Changé."
    assert not PlanUpdateAttachment.objects.exists()
    assert not list(tmp_path.iterdir())
    assert [event.action for event in review.timeline(update)] == ["submitted", "approved"]


def test_hq_officer_cannot_review_an_update_they_submitted(client_for, hq_user, gao_plan, english):
    client = client_for(hq_user)
    client.post(f"/plans/{gao_plan.pk}/updates/new/", update_data(gao_plan))
    update = PlanUpdate.objects.get()
    url = f"/plans/updates/{update.pk}"
    client.post(f"{url}/submit/")

    page = client.get(f"{url}/").text
    approve = client.post(f"{url}/approve/", follow=True)
    returned = client.post(f"{url}/return/", {"comment": "À revoir."}, follow=True)

    assert f'action="{url}/approve/"' not in page
    assert "another headquarters officer" in page
    for response in (approve, returned):
        assert response.redirect_chain == [(f"{url}/", 302)]
        assert "You submitted this item: another officer must review it." in response.text
    update.refresh_from_db()
    assert update.review_status == "submitted"
    assert update.reviewed_by is None
    assert [event.action for event in review.timeline(update)] == ["submitted"]

    colleague = UserFactory(role=Role.HQ_OFFICER)
    client = client_for(colleague)
    assert f'action="{url}/approve/"' in client.get(f"{url}/").text
    client.post(f"{url}/approve/")
    update.refresh_from_db()
    assert (update.review_status, update.reviewed_by) == ("approved", colleague)


def test_double_clicked_submit_records_one_event(client_for, gao_officer, english):
    update = PriorityProgressFactory().update
    client = client_for(gao_officer)

    first = client.post(f"/plans/updates/{update.pk}/submit/")
    second = client.post(f"/plans/updates/{update.pk}/submit/", follow=True)

    assert first.status_code == 302
    assert "Only a draft or a returned item can be submitted." in second.text
    assert [event.action for event in review.timeline(update)] == ["submitted"]


def test_submitting_without_any_progress_is_refused(
    client_for, gao_officer, english, mailoutbox, django_capture_on_commit_callbacks
):
    update = PriorityProgressFactory(
        status=PriorityProgress.Status.NOT_REPORTED, narrative=""
    ).update

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(gao_officer).post(f"/plans/updates/{update.pk}/submit/", follow=True)

    assert response.redirect_chain == [(f"/plans/updates/{update.pk}/", 302)]
    assert "Report progress on at least one priority before submitting." in response.text
    update.refresh_from_db()
    assert update.review_status == "draft"
    assert update.submitted_by is None
    assert not ReviewEvent.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("comment", ["", "   \n  "])
def test_returning_without_a_comment_is_refused(client_for, gao_officer, hq_user, english, comment):
    update = PriorityProgressFactory().update
    review.submit(update, by=gao_officer)

    response = client_for(hq_user).post(f"/plans/updates/{update.pk}/return/", {"comment": comment})

    assert response.status_code == 200
    assert "Say what must change: a comment is required." in response.text
    assert 'id="return_comment"' in response.text
    update.refresh_from_db()
    assert update.review_status == "submitted"
    assert update.reviewed_by is None
    assert not ReviewEvent.objects.filter(action="returned").exists()


@pytest.mark.parametrize("action", ["approve", "return"])
def test_reviewing_a_draft_is_refused_with_a_message(client_for, hq_user, english, action):
    update = PriorityProgressFactory().update

    response = client_for(hq_user).post(
        f"/plans/updates/{update.pk}/{action}/", {"comment": "Non."}, follow=True
    )

    assert response.redirect_chain == [(f"/plans/updates/{update.pk}/", 302)]
    assert "Only a submitted item can be" in response.text
    update.refresh_from_db()
    assert update.review_status == "draft"
    assert not ReviewEvent.objects.exists()


def test_approval_comment_is_kept_in_the_timeline(client_for, gao_officer, hq_user, english):
    update = PriorityProgressFactory().update
    review.submit(update, by=gao_officer)

    client_for(hq_user).post(
        f"/plans/updates/{update.pk}/approve/", {"comment": "  Très complet.  "}
    )

    assert events_of(update)[-1] == ("approved", "hq_officer", "Très complet.")
    assert "Très complet." in client_for(hq_user).get(f"/plans/updates/{update.pk}/").text


def test_returned_update_can_be_edited_and_shows_the_edit_buttons(
    client_for, gao_officer, hq_user, english
):
    update = PriorityProgressFactory().update
    review.submit(update, by=gao_officer)
    review.return_for_changes(update, by=hq_user, comment="Précisez.")
    url = f"/plans/updates/{update.pk}"

    page = client_for(gao_officer).get(f"{url}/").text

    assert f'href="{url}/edit/"' in page
    assert f'action="{url}/submit/"' in page
    assert f'href="{url}/attachments/new/"' in page
    assert '<span class="badge badge--danger">returned</span>' in page
    assert client_for(gao_officer).get(f"{url}/edit/").status_code == 200
