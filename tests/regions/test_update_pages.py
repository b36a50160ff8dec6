"""Creating, editing and reading plan updates (the review steps are in
test_update_workflow.py, who may do what in test_update_permissions.py)."""

import datetime
import uuid

import pytest
from django.conf import settings

from accounts.roles import Role
from regions.models import PlanUpdate, PlanUpdateAttachment, PriorityProgress, Region, RegionalPlan
from reviews import services as review
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    PlanFactory,
    PlanUpdateFactory,
    PriorityFactory,
    PriorityProgressFactory,
    UserFactory,
)


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def gao_plan(db):
    plan = PlanFactory(status=RegionalPlan.Status.VALIDATED)
    PriorityFactory(plan=plan, code="AXE-1", title="Services sociaux de base")
    PriorityFactory(plan=plan, code="AXE-2", title="Cohésion sociale")
    return plan


def update_data(plan, **overrides) -> dict:
    """A complete create/edit form: every priority on track."""
    data = {
        "token": str(uuid.uuid4()),
        "period_start": "2024-04-01",
        "period_end": "2024-06-30",
        "narrative": "Réhabilitation de trois écoles à Ansongo.",
        "risks": "Saison des pluies.",
        "access_constraints": "Axe Gao–Ansongo peu sûr.",
    }
    for priority in plan.priorities.all():
        data[f"progress_{priority.pk}_status"] = PriorityProgress.Status.ON_TRACK
        data[f"progress_{priority.pk}_narrative"] = f"Avancement sur {priority.code}."
    return data | overrides


def test_officer_creates_a_draft_update_with_progress_per_priority(
    client_for, gao_officer, gao_plan, english
):
    first, second = gao_plan.priorities.all()
    data = update_data(gao_plan)
    data[f"progress_{second.pk}_status"] = PriorityProgress.Status.BLOCKED

    response = client_for(gao_officer).post(f"/plans/{gao_plan.pk}/updates/new/", data)

    update = PlanUpdate.objects.get()
    assert response.status_code == 302
    assert response.url == f"/plans/updates/{update.pk}/"
    assert update.plan == gao_plan
    assert update.created_by == gao_officer
    assert update.review_status == "draft"
    assert update.period_start == datetime.date(2024, 4, 1)
    assert update.access_constraints == "Axe Gao–Ansongo peu sûr."
    assert {row.priority_id: row.status for row in update.progress.all()} == {
        first.pk: "on_track",
        second.pk: "blocked",
    }


def test_create_form_shows_a_status_and_narrative_per_priority(
    client_for, gao_officer, gao_plan, english
):
    response = client_for(gao_officer).get(f"/plans/{gao_plan.pk}/updates/new/")

    assert response.status_code == 200
    for priority in gao_plan.priorities.all():
        assert f'name="progress_{priority.pk}_status"' in response.text
        assert f'name="progress_{priority.pk}_narrative"' in response.text
    assert "AXE-1 — Services sociaux de base" in response.text
    assert 'name="token"' in response.text


@pytest.mark.parametrize("status", ["draft", "under_review", "archived"])
def test_updates_are_only_created_on_validated_plans(client_for, gao_officer, english, status):
    plan = PlanFactory(status=status)
    client = client_for(gao_officer)

    for response in (
        client.get(f"/plans/{plan.pk}/updates/new/"),
        client.post(f"/plans/{plan.pk}/updates/new/", update_data(plan)),
    ):
        assert response.status_code == 302
        assert response.url == f"/plans/{plan.pk}/"
    assert not PlanUpdate.objects.exists()
    page = client.get(f"/plans/{plan.pk}/updates/new/", follow=True).text
    assert "Updates are reported on validated plans only." in page


def test_period_ending_before_it_starts_is_an_error_on_the_end(
    client_for, gao_officer, gao_plan, english
):
    data = update_data(gao_plan, period_start="2024-06-30", period_end="2024-04-01")

    response = client_for(gao_officer).post(f"/plans/{gao_plan.pk}/updates/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "period_end": ["The period cannot end before it starts."]
    }
    assert "The period cannot end before it starts." in response.text
    assert not PlanUpdate.objects.exists()


def test_forged_plan_field_is_ignored(client_for, gao_officer, gao_plan):
    other_plan = PlanFactory(
        region=Region.objects.get(code="ML-5"), status=RegionalPlan.Status.VALIDATED
    )
    data = update_data(gao_plan) | {"plan": str(other_plan.pk)}

    client_for(gao_officer).post(f"/plans/{gao_plan.pk}/updates/new/", data)

    assert PlanUpdate.objects.get().plan == gao_plan
    assert not other_plan.updates.exists()


def test_create_form_posted_twice_makes_one_update(client_for, gao_officer, gao_plan, english):
    client = client_for(gao_officer)
    data = update_data(gao_plan)

    first = client.post(f"/plans/{gao_plan.pk}/updates/new/", data)
    second = client.post(f"/plans/{gao_plan.pk}/updates/new/", data, follow=True)

    update = PlanUpdate.objects.get()
    assert first.url == f"/plans/updates/{update.pk}/"
    assert second.redirect_chain == [(f"/plans/updates/{update.pk}/", 302)]
    assert "the update exists once" in second.text
    assert update.progress.count() == 2


def test_officer_edits_a_draft_update_and_its_progress(client_for, gao_officer, english):
    row = PriorityProgressFactory(update__created_by=gao_officer)
    update = row.update
    data = update_data(update.plan, narrative="Nouvelle narration.")
    data[f"progress_{row.priority_id}_status"] = PriorityProgress.Status.DELAYED

    response = client_for(gao_officer).post(f"/plans/updates/{update.pk}/edit/", data)

    assert response.status_code == 302
    assert response.url == f"/plans/updates/{update.pk}/"
    update.refresh_from_db()
    row.refresh_from_db()
    assert update.narrative == "Nouvelle narration."
    assert row.status == "delayed"


def test_edit_form_shows_the_current_values(client_for, gao_officer, english):
    row = PriorityProgressFactory(narrative="Trois puits forés.")

    response = client_for(gao_officer).get(f"/plans/updates/{row.update.pk}/edit/")

    assert response.status_code == 200
    assert "Trois puits forés." in response.text
    assert "Progrès réguliers malgré la saison des pluies." in response.text
    assert 'value="2024-01-01"' in response.text


def test_edit_with_period_ending_before_start_changes_nothing(client_for, gao_officer, english):
    update = PriorityProgressFactory().update
    data = update_data(update.plan, period_start="2024-06-30", period_end="2024-04-01")

    response = client_for(gao_officer).post(f"/plans/updates/{update.pk}/edit/", data)

    assert response.status_code == 200
    assert "The period cannot end before it starts." in response.text
    update.refresh_from_db()
    assert update.period_end == datetime.date(2024, 3, 31)


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_submitted_or_approved_update_cannot_be_edited(
    client_for, gao_officer, hq_user, english, status
):
    update = PriorityProgressFactory().update
    review.submit(update, by=gao_officer)
    if status == "approved":
        review.approve(update, by=hq_user)
    client = client_for(gao_officer)

    get = client.get(f"/plans/updates/{update.pk}/edit/")
    post = client.post(
        f"/plans/updates/{update.pk}/edit/",
        update_data(update.plan, narrative="Changé."),
        follow=True,
    )

    assert get.status_code == 302
    assert get.url == f"/plans/updates/{update.pk}/"
    assert post.redirect_chain == [(f"/plans/updates/{update.pk}/", 302)]
    expected = "read-only" if status == "approved" else "awaits review"
    assert expected in post.text
    update.refresh_from_db()
    assert update.narrative != "Changé."
    assert update.review_status == status


def test_update_page_shows_the_report(client_for, reader, english):
    row = PriorityProgressFactory(
        status=PriorityProgress.Status.DELAYED, narrative="Retard des livraisons."
    )
    update = row.update
    update.risks = "Crue du fleuve."
    update.access_constraints = "Escortes nécessaires vers Bourem."
    update.save()
    PlanUpdateAttachment.objects.create(
        update=update,
        file="attachments/2024/04/x.pdf",
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=2048,
        title="Rapport trimestriel",
        uploaded_by=update.created_by,
    )
    attachment = update.attachments.get()

    response = client_for(reader).get(f"/plans/updates/{update.pk}/")

    assert response.status_code == 200
    page = response.text
    for text in (
        update.plan.title,
        f'href="/plans/{update.plan.pk}/"',
        "Progrès réguliers malgré la saison des pluies.",
        "Crue du fleuve.",
        "Escortes nécessaires vers Bourem.",
        str(row.priority),
        "Retard des livraisons.",
        '<span class="badge badge--warning">delayed</span>',
        f'href="/plans/updates/attachments/{attachment.pk}/"',
        "Rapport trimestriel",
        '<span class="badge badge--muted">draft</span>',
        'class="breadcrumbs"',
    ):
        assert text in page, text


def test_unknown_update_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/plans/updates/999/").status_code == 404


def test_update_pages_require_sign_in(client, db):
    update = PlanUpdateFactory()
    for url in (
        f"/plans/updates/{update.pk}/",
        f"/plans/updates/{update.pk}/edit/",
        f"/plans/{update.plan.pk}/updates/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_workflow_actions_refuse_get(client_for, hq_user):
    update = PlanUpdateFactory()
    client = client_for(hq_user)
    for action in ("submit", "approve", "return"):
        assert client.get(f"/plans/updates/{update.pk}/{action}/").status_code == 405


def _fill(update, n: int) -> None:
    """n priorities with progress, n attachments, and 2n - 1 timeline events
    (submitted and returned in turn) that leave the update submitted."""
    PriorityProgressFactory.create_batch(n, update=update)
    for i in range(n):
        PlanUpdateAttachment.objects.create(
            update=update,
            file=f"attachments/2024/04/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=1000,
            uploaded_by=update.created_by,
        )
    submitter, reviewer = UserFactory(), UserFactory(role=Role.HQ_OFFICER)
    review.submit(update, by=submitter)
    for i in range(n - 1):
        review.return_for_changes(update, by=reviewer, comment=f"Commentaire {i}")
        review.submit(update, by=submitter)


@pytest.mark.parametrize("rows", [1, 8])
def test_update_page_query_count_does_not_grow(
    client_for, hq_user, django_assert_num_queries, rows
):
    update = PlanUpdateFactory()
    _fill(update, rows)
    client = client_for(hq_user)
    client.get(f"/plans/updates/{update.pk}/")  # warms the content-type cache
    # the update (with plan, region, creator, submitter and reviewer), the
    # progress rows (with priorities), the attachments (with uploaders), the
    # timeline (with actors)
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4):
        response = client.get(f"/plans/updates/{update.pk}/")
    assert response.context["can_review"]
    assert len(response.context["events"]) == 2 * rows - 1
    assert len(response.context["attachments"]) == rows


def test_regional_officer_cannot_create_an_update_on_another_regions_plan(
    client_for, mopti_officer, gao_plan
):
    response = client_for(mopti_officer).post(
        f"/plans/{gao_plan.pk}/updates/new/", update_data(gao_plan)
    )

    assert response.status_code == 403
    assert not PlanUpdate.objects.exists()
    assert not PriorityProgress.objects.exists()
