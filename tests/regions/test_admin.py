import pytest

from regions.models import PlanUpdate
from reviews import services as review_services
from reviews.models import ReviewEvent
from tests.factories import PriorityProgressFactory


@pytest.fixture
def approved_update(hq_user, gao_officer):
    update = PriorityProgressFactory(update__created_by=gao_officer).update
    review_services.submit(update, by=gao_officer, notify=False)
    return review_services.approve(update, by=hq_user, notify=False)


def test_approved_update_is_read_only_in_admin(client_for, admin_user, approved_update):
    client = client_for(admin_user)
    url = f"/admin/regions/planupdate/{approved_update.pk}/change/"

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="narrative"' not in page.text  # shown, not editable

    client.post(url, {"narrative": "corrigé"})
    approved_update.refresh_from_db()
    assert approved_update.narrative != "corrigé"


def test_administrator_reopens_an_approved_update_and_it_is_recorded(
    client_for, admin_user, approved_update, gao_officer
):
    response = client_for(admin_user).post(
        "/admin/regions/planupdate/",
        {"action": "reopen", "_selected_action": [approved_update.pk]},
    )

    assert response.status_code == 302
    approved_update.refresh_from_db()
    assert approved_update.review_status == "returned"
    event = ReviewEvent.objects.filter(action="reopened").get()
    assert event.actor == admin_user
    assert PlanUpdate.history.filter(id=approved_update.pk, review_status="returned").exists()
    # The submitter can now correct and submit it again.
    review_services.submit(approved_update, by=gao_officer, notify=False)


def test_review_events_cannot_be_changed_in_admin(client_for, admin_user, approved_update):
    event = ReviewEvent.objects.first()
    client = client_for(admin_user)

    assert client.get(f"/admin/reviews/reviewevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/reviews/reviewevent/{event.pk}/delete/").status_code == 403
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("fixture", ["hq_user", "gao_officer", "viewer"])
def test_portal_users_do_not_reach_the_plans_admin(request, client_for, fixture):
    response = client_for(request.getfixturevalue(fixture)).get("/admin/regions/regionalplan/")

    assert response.status_code == 302
