"""A plan's steps: draft → under review → validated → archived, and back to
draft from review. Each is confirmed on a page first, then posted."""

import datetime

import pytest
import time_machine
from django.conf import settings

from accounts.roles import Role
from regions.models import Office, Region, RegionalPlan
from reviews.models import ReviewEvent
from tests.factories import PlanFactory, PriorityFactory, UserFactory

OVERLAP = "Another validated plan of this region already covers part of this period."


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _fresh(plan: RegionalPlan) -> RegionalPlan:
    return RegionalPlan.objects.get(pk=plan.pk)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("fixture", "status", "step", "heading"),
    [
        ("gao_officer", "draft", "send-for-review", "Send the plan for review"),
        ("hq_user", "under_review", "back-to-draft", "Return the plan to draft"),
        ("hq_user", "under_review", "validate", "Validate the plan"),
        ("hq_user", "validated", "archive", "Archive the plan"),
    ],
)
def test_each_step_is_confirmed_on_a_page_before_it_is_taken(
    db, request, client_for, fixture, status, step, heading
):
    plan = PlanFactory(status=status)

    response = client_for(request.getfixturevalue(fixture)).get(f"/plans/{plan.pk}/{step}/")

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text
    assert '<form class="form" method="post">' in response.text
    assert _fresh(plan).status == status


def test_officer_sends_their_plan_for_review(client_for, gao_officer):
    plan = PlanFactory()
    PriorityFactory(plan=plan)

    response = client_for(gao_officer).post(f"/plans/{plan.pk}/send-for-review/", follow=True)

    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert "The plan was sent for review." in _messages(response)
    assert _fresh(plan).status == "under_review"


def test_plan_without_priorities_cannot_be_sent_for_review(client_for, gao_officer):
    plan = PlanFactory()

    response = client_for(gao_officer).post(f"/plans/{plan.pk}/send-for-review/", follow=True)

    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert "Add at least one priority before sending the plan for review." in _messages(response)
    assert _fresh(plan).status == "draft"


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("under_review", "send-for-review"),
        ("validated", "send-for-review"),
        ("draft", "archive"),
        ("under_review", "archive"),
        ("archived", "archive"),
    ],
)
def test_a_step_the_plan_is_not_ready_for_is_refused_with_a_message(
    client_for, hq_user, status, step
):
    plan = PlanFactory(status=status)
    PriorityFactory(plan=plan)

    response = client_for(hq_user).post(f"/plans/{plan.pk}/{step}/", follow=True)

    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert any("that step is not possible" in message for message in _messages(response))
    assert _fresh(plan).status == status
    assert 'class="message message--error"' in response.text


def test_a_draft_plan_cannot_be_returned_to_draft(client_for, hq_user):
    plan = PlanFactory(status="draft")

    response = client_for(hq_user).post(
        f"/plans/{plan.pk}/back-to-draft/", {"comment": "Revoir les coûts."}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This plan is draft: that step is not possible."
    ]
    assert not ReviewEvent.objects.exists()


def test_headquarters_returns_a_plan_under_review_to_draft_saying_what_must_change(
    client_for, gao_officer, hq_user
):
    plan = PlanFactory(status="under_review", submitted_by=gao_officer)

    response = client_for(hq_user).post(
        f"/plans/{plan.pk}/back-to-draft/", {"comment": "Chiffrer la priorité 2."}, follow=True
    )

    assert "The plan is back in draft." in _messages(response)
    assert _fresh(plan).status == "draft"
    assert "Chiffrer la priorité 2." in response.text  # on the plan's review timeline
    returned = client_for(gao_officer).get("/reviews/").context["sections"]["returned"]
    assert returned.items == [_fresh(plan)]


def test_returning_a_plan_needs_a_comment(client_for, hq_user):
    plan = PlanFactory(status="under_review")

    response = client_for(hq_user).post(f"/plans/{plan.pk}/back-to-draft/", {"comment": "  "})

    assert response.status_code == 200
    assert "Say what must change: a comment is required." in response.text
    assert _fresh(plan).status == "under_review"


def test_an_officer_who_sent_a_plan_cannot_validate_it_himself(client_for, hq_user):
    """The audit's path: headquarters drafts a plan, sends it and validates it alone."""
    plan = PlanFactory()
    PriorityFactory(plan=plan)
    client = client_for(hq_user)
    client.post(f"/plans/{plan.pk}/send-for-review/")
    data = {"validation_date": "2024-02-20", "validating_authority": "Gouverneur"}

    page = client.get(f"/plans/{plan.pk}/")
    response = client.post(f"/plans/{plan.pk}/validate/", data)

    assert f"/plans/{plan.pk}/validate/" not in page.text
    assert response.context["form"].non_field_errors() == [
        "You submitted this item: another officer must review it."
    ]
    plan = _fresh(plan)
    assert (plan.status, plan.submitted_by) == ("under_review", hq_user)
    assert plan.validation_date is None
    # Another officer sees it in their queue and validates it.
    other = UserFactory(role=Role.HQ_OFFICER, office=Office.objects.get(name="Bamako"))
    assert plan in client_for(other).get("/reviews/").context["sections"]["awaiting"].items
    client_for(other).post(f"/plans/{plan.pk}/validate/", data)
    assert _fresh(plan).status == "validated"


@time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
def test_headquarters_validates_a_plan_with_its_date_and_authority(client_for, hq_user):
    plan = PlanFactory(status="under_review")
    data = {"validation_date": "2024-02-20", "validating_authority": "Conseil régional de Gao"}

    response = client_for(hq_user).post(f"/plans/{plan.pk}/validate/", data, follow=True)

    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert "The plan was validated." in _messages(response)
    plan = _fresh(plan)
    assert (plan.status, plan.validation_date, plan.validating_authority) == (
        "validated",
        datetime.date(2024, 2, 20),
        "Conseil régional de Gao",
    )


REQUIRED = "This field is required."


@time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
@pytest.mark.parametrize(
    ("day", "authority", "field", "error"),
    [
        ("2024-02-20", "", "validating_authority", REQUIRED),
        ("2024-02-20", "   ", "validating_authority", REQUIRED),
        ("", "Gouverneur", "validation_date", REQUIRED),
        (
            "2024-03-02",
            "Gouverneur",
            "validation_date",
            "The validation date cannot be in the future.",
        ),
        ("hier", "Gouverneur", "validation_date", "Enter a valid date."),
    ],
)
def test_validation_needs_a_past_date_and_an_authority(
    client_for, hq_user, day, authority, field, error
):
    data = {"validation_date": day, "validating_authority": authority}
    plan = PlanFactory(status="under_review")

    response = client_for(hq_user).post(f"/plans/{plan.pk}/validate/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [error]}
    assert _fresh(plan).status == "under_review"


def test_validating_a_plan_overlapping_a_validated_plan_of_the_region_is_refused(
    client_for, hq_user
):
    PlanFactory(status="validated", period_start=datetime.date(2025, 1, 1))
    plan = PlanFactory(status="under_review")
    data = {"validation_date": "2024-01-10", "validating_authority": "Gouverneur"}

    response = client_for(hq_user).post(f"/plans/{plan.pk}/validate/", data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [OVERLAP]
    assert OVERLAP in response.text
    plan = _fresh(plan)
    assert (plan.status, plan.validation_date, plan.version) == ("under_review", None, 1)


def test_a_validated_plan_of_another_region_does_not_prevent_validation(client_for, hq_user):
    PlanFactory(status="validated", region=Region.objects.get(code="ML-5"))
    plan = PlanFactory(status="under_review")
    data = {"validation_date": "2024-01-10", "validating_authority": "Gouverneur"}

    response = client_for(hq_user).post(f"/plans/{plan.pk}/validate/", data)

    assert response.status_code == 302
    assert _fresh(plan).status == "validated"


def test_headquarters_archives_a_validated_plan(client_for, hq_user):
    plan = PlanFactory(status="validated")

    response = client_for(hq_user).post(f"/plans/{plan.pk}/archive/", follow=True)

    assert "The plan was archived." in _messages(response)
    assert _fresh(plan).status == "archived"


def test_each_step_appears_in_the_history_with_who_took_it(client_for, gao_officer, hq_user):
    plan = PlanFactory()
    PriorityFactory(plan=plan)
    client_for(gao_officer).post(f"/plans/{plan.pk}/send-for-review/")
    client = client_for(hq_user)
    client.post(
        f"/plans/{plan.pk}/validate/",
        {"validation_date": "2024-01-10", "validating_authority": "Gouverneur"},
    )

    history = client.get(f"/plans/{plan.pk}/").context["history"]

    steps = [
        (entry.user, change.old, change.new)
        for entry in history
        for change in entry.changes
        if change.field == "status"
    ]
    assert steps == [
        (hq_user, "under review", "validated"),
        (gao_officer, "draft", "under review"),
    ]
