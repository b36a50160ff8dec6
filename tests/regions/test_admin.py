import datetime
import re
from html import unescape as html_unescape

import pytest
from django.conf import settings

from regions.models import PlanUpdate, Region
from reviews import services as review_services
from reviews.models import ReviewEvent
from tests.factories import PlanFactory, PriorityFactory, PriorityProgressFactory


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


# --- A plan's review is not undone in admin ---------------------------------------------


def _admin_form(page) -> dict:
    """What the admin change form would post as the page gives it: every input's
    value (text, dates, hidden management forms) and every select's chosen option."""
    html = page.content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "checkbox", "file")):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html_unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = html_unescape(body).lstrip("\n")
    return data


def test_a_draft_plan_is_corrected_in_admin(client_for, admin_user):
    """The control of the tests below: the form as posted does save a draft."""
    plan = PlanFactory(title="Plan de Gao")
    url = f"/admin/regions/regionalplan/{plan.pk}/change/"
    client = client_for(admin_user)

    data = _admin_form(client.get(url)) | {"period_end": "2027-06-30", "title": "Plan corrigé"}
    response = client.post(url, data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.period_end) == ("Plan corrigé", datetime.date(2027, 6, 30))


def test_a_validated_plans_region_period_and_validation_are_read_only_in_admin(
    client_for, admin_user
):
    plan = PlanFactory(status="validated", validation_date=datetime.date(2024, 2, 1))
    PriorityFactory(plan=plan, title="Eau potable")
    before = (plan.region_id, plan.period_start, plan.period_end, plan.validation_date)
    url = f"/admin/regions/regionalplan/{plan.pk}/change/"
    client = client_for(admin_user)
    page = client.get(url)

    data = _admin_form(page) | {
        "period_end": "2030-12-31",
        "region": Region.objects.get(code="ML-5").pk,
        "validation_date": "2020-01-01",
        "priorities-0-title": "Autre chose",
    }
    response = client.post(url, data)

    assert 'name="period_end"' not in page.text and 'name="region"' not in page.text
    assert response.status_code == 302  # the texts may still be corrected
    plan.refresh_from_db()
    assert (plan.region_id, plan.period_start, plan.period_end, plan.validation_date) == before
    assert plan.priorities.get().title == "Eau potable"


def test_no_priority_is_added_to_a_validated_plan_in_admin(client_for, admin_user):
    plan = PlanFactory(status="validated")
    data = {"plan": plan.pk, "code": "P9", "title": "Ajout", "pillar": "dialogue"}

    client = client_for(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/admin/regions/planpriority/add/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "plan": ["A validated or archived plan can no longer be edited."]
    }
    assert not plan.priorities.exists()
