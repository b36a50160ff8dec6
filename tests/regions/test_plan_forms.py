"""Creating and editing plans and priorities: validation, forms posted twice,
and two people editing the same record."""

import uuid

import pytest
from django.conf import settings

from regions.forms.plans import PriorityForm
from regions.models import PlanPriority, Region, RegionalPlan
from tests.factories import PlanFactory, PriorityFactory

DUPLICATE = "This code is already used in this plan."


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def plan_data(**overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "region": Region.objects.get(code="ML-7").pk,
        "title": "PRSR Gao 2026-2027",
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "context_analysis": "Retour progressif des services de l'État.",
    }
    return data | overrides


def edit_data(plan: RegionalPlan, **overrides) -> dict:
    data = {
        "version": plan.version,
        "region": plan.region_id,
        "title": plan.title,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "context_analysis": plan.context_analysis,
    }
    return data | overrides


def priority_data(**overrides) -> dict:
    data = {
        "token": str(uuid.uuid4()),
        "code": "AXE-1",
        "title": "Restauration de l'autorité de l'État",
        "description": "",
        "pillar": "state_authority",
        "estimated_cost_usd": "1500000",
    }
    return data | overrides


def priority_edit_data(priority: PlanPriority, **overrides) -> dict:
    data = {
        "version": priority.version,
        "code": priority.code,
        "title": priority.title,
        "description": priority.description,
        "pillar": priority.pillar,
        "estimated_cost_usd": str(priority.estimated_cost_usd),
    }
    return data | overrides


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Plans --------------------------------------------------------------------------


def test_officer_creates_a_draft_plan_for_their_region(client_for, gao_officer):
    response = client_for(gao_officer).post("/plans/new/", plan_data(), follow=True)

    plan = RegionalPlan.objects.get()
    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert (plan.title, plan.status, plan.created_by) == (
        "PRSR Gao 2026-2027",
        "draft",
        gao_officer,
    )
    assert "The plan was created as a draft." in _messages(response)


def test_plan_form_uses_date_inputs_and_offers_only_editable_regions(client_for, gao_officer):
    response = client_for(gao_officer).get("/plans/new/")

    assert response.status_code == 200
    assert 'type="date" name="period_start"' in response.text
    assert 'type="date" name="period_end"' in response.text
    regions = response.context["form"].fields["region"].queryset
    assert sorted(regions.values_list("code", flat=True)) == ["ML-7", "ML-9"]


def test_plan_ending_before_it_starts_is_refused_on_the_end_date(client_for, gao_officer):
    data = plan_data(period_start="2026-01-01", period_end="2025-12-31")

    response = client_for(gao_officer).post("/plans/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "period_end": ["The period cannot end before it starts."]
    }
    assert not RegionalPlan.objects.exists()


def test_officer_cannot_create_a_plan_for_a_region_their_office_does_not_cover(
    client_for, gao_officer
):
    forged = plan_data(region=Region.objects.get(code="ML-5").pk)

    response = client_for(gao_officer).post("/plans/new/", forged)

    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not RegionalPlan.objects.exists()


def test_create_form_posted_twice_creates_one_plan(client_for, gao_officer):
    client = client_for(gao_officer)
    data = plan_data()

    first = client.post("/plans/new/", data)
    second = client.post("/plans/new/", data, follow=True)

    plan = RegionalPlan.objects.get()
    assert first.url == second.redirect_chain[0][0] == f"/plans/{plan.pk}/"
    assert "This form had already been sent: the plan exists once." in _messages(second)


def test_editing_a_plan_saves_and_bumps_its_version(client_for, gao_officer):
    plan = PlanFactory(title="Ancien titre")

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/edit/", edit_data(plan, title="Nouveau titre"), follow=True
    )

    plan = RegionalPlan.objects.get(pk=plan.pk)
    assert (plan.title, plan.version) == ("Nouveau titre", 2)
    assert "The plan was saved." in _messages(response)


def test_edit_form_refuses_an_end_before_the_start(client_for, gao_officer):
    plan = PlanFactory()

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/edit/", edit_data(plan, period_end="2023-12-31")
    )

    assert response.status_code == 200
    assert "period_end" in response.context["form"].errors
    assert RegionalPlan.objects.get(pk=plan.pk).version == 1


@pytest.mark.parametrize("status", ["validated", "archived"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "path", ["/plans/{pk}/edit/", "/plans/{pk}/priorities/new/", "/plans/{pk}/documents/new/"]
)
def test_validated_and_archived_plans_can_no_longer_be_edited(
    client_for, gao_officer, status, method, path
):
    plan = PlanFactory(status=status, title="Plan figé")
    client = client_for(gao_officer)

    response = getattr(client, method)(
        path.format(pk=plan.pk), edit_data(plan, title="Changé") | priority_data(), follow=True
    )

    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert "A validated or archived plan can no longer be edited." in _messages(response)
    plan = RegionalPlan.objects.get(pk=plan.pk)
    assert (plan.title, plan.version, plan.priorities.count()) == ("Plan figé", 1, 0)


def test_priorities_of_a_validated_plan_can_no_longer_be_edited(client_for, hq_user):
    priority = PriorityFactory(plan=PlanFactory(status="validated"), title="Axe figé")

    response = client_for(hq_user).post(
        f"/plans/priorities/{priority.pk}/edit/",
        priority_edit_data(priority, title="Changé"),
        follow=True,
    )

    assert response.redirect_chain == [(f"/plans/{priority.plan_id}/", 302)]
    assert PlanPriority.objects.get(pk=priority.pk).title == "Axe figé"


def test_second_person_saving_an_outdated_plan_form_is_told_what_changed(
    client_for, hq_user, gao_officer
):
    plan = PlanFactory(title="Titre de départ")
    opened_by_both = edit_data(plan)  # both opened the form at version 1
    client_for(hq_user).post(
        f"/plans/{plan.pk}/edit/", opened_by_both | {"title": "Titre du siège"}
    )

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/edit/",
        opened_by_both | {"title": "Titre de Gao", "context_analysis": "Autre analyse."},
    )

    assert response.status_code == 409
    assert "title: Titre de départ → Titre du siège" in response.text
    assert str(hq_user) in response.text
    plan = RegionalPlan.objects.get(pk=plan.pk)
    assert (plan.title, plan.version) == ("Titre du siège", 2)
    # The form keeps what the second person typed, now at the current version.
    form = response.context["form"]
    assert (form["title"].value(), form["version"].value()) == ("Titre de Gao", 2)


def test_after_a_conflict_saving_again_applies_the_second_persons_values(
    client_for, hq_user, gao_officer
):
    plan = PlanFactory(title="Titre de départ")
    opened_by_both = edit_data(plan)
    client_for(hq_user).post(f"/plans/{plan.pk}/edit/", opened_by_both | {"title": "Siège"})
    client = client_for(gao_officer)
    client.post(f"/plans/{plan.pk}/edit/", opened_by_both | {"title": "Gao"})

    response = client.post(
        f"/plans/{plan.pk}/edit/", opened_by_both | {"title": "Gao", "version": 2}
    )

    assert response.status_code == 302
    assert RegionalPlan.objects.get(pk=plan.pk).title == "Gao"


# --- Priorities -----------------------------------------------------------------------


def test_officer_adds_a_priority_to_a_draft_plan(client_for, gao_officer):
    plan = PlanFactory()

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/priorities/new/", priority_data(), follow=True
    )

    priority = plan.priorities.get()
    assert (priority.code, priority.pillar, priority.estimated_cost_usd) == (
        "AXE-1",
        "state_authority",
        1500000,
    )
    assert response.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert "The priority was added." in _messages(response)


@pytest.mark.parametrize("code", ["AXE-1", "axe-1", " Axe-1 "])
def test_priority_code_already_used_in_the_plan_is_refused(client_for, gao_officer, code):
    plan = PlanFactory()
    PriorityFactory(plan=plan, code="AXE-1")

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/priorities/new/", priority_data(code=code)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [DUPLICATE]}
    assert DUPLICATE in response.text
    assert plan.priorities.count() == 1


def test_the_same_code_may_be_used_in_another_plan(client_for, gao_officer):
    PriorityFactory(code="AXE-1")
    plan = PlanFactory()

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/priorities/new/", priority_data(code="AXE-1")
    )

    assert response.status_code == 302
    assert plan.priorities.filter(code="AXE-1").exists()


def test_duplicate_code_caught_only_by_the_database_shows_the_same_error(
    client_for, gao_officer, monkeypatch
):
    # Another person adds the code between the form's check and the insert.
    monkeypatch.setattr(PriorityForm, "code_taken", lambda form, code, token=None: False)
    plan = PlanFactory()
    PriorityFactory(plan=plan, code="AXE-1")

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/priorities/new/", priority_data(code="axe-1")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [DUPLICATE]}
    assert plan.priorities.count() == 1


def test_renaming_a_priority_to_another_priority_code_is_refused(client_for, gao_officer):
    plan = PlanFactory()
    PriorityFactory(plan=plan, code="AXE-1")
    priority = PriorityFactory(plan=plan, code="AXE-2")

    response = client_for(gao_officer).post(
        f"/plans/priorities/{priority.pk}/edit/", priority_edit_data(priority, code="Axe-1")
    )

    assert response.context["form"].errors == {"code": [DUPLICATE]}
    assert PlanPriority.objects.get(pk=priority.pk).code == "AXE-2"


def test_priority_keeps_its_own_code_when_edited(client_for, gao_officer):
    priority = PriorityFactory(code="AXE-1")

    response = client_for(gao_officer).post(
        f"/plans/priorities/{priority.pk}/edit/",
        priority_edit_data(priority, code="axe-1", title="Nouveau titre"),
    )

    assert response.status_code == 302
    priority = PlanPriority.objects.get(pk=priority.pk)
    assert (priority.code, priority.title, priority.version) == ("axe-1", "Nouveau titre", 2)


def test_negative_estimated_cost_is_refused(client_for, gao_officer):
    plan = PlanFactory()

    response = client_for(gao_officer).post(
        f"/plans/{plan.pk}/priorities/new/", priority_data(estimated_cost_usd="-1")
    )

    assert response.status_code == 200
    assert "estimated_cost_usd" in response.context["form"].errors
    assert not plan.priorities.exists()


def test_priority_form_posted_twice_creates_one_priority(client_for, gao_officer):
    plan = PlanFactory()
    client = client_for(gao_officer)
    data = priority_data()

    client.post(f"/plans/{plan.pk}/priorities/new/", data)
    second = client.post(f"/plans/{plan.pk}/priorities/new/", data, follow=True)

    assert plan.priorities.count() == 1
    assert "This form had already been sent: the priority exists once." in _messages(second)


def test_second_person_saving_an_outdated_priority_form_is_told_what_changed(
    client_for, hq_user, gao_officer
):
    priority = PriorityFactory(title="Axe de départ")
    opened_by_both = priority_edit_data(priority)
    client_for(hq_user).post(
        f"/plans/priorities/{priority.pk}/edit/", opened_by_both | {"title": "Axe du siège"}
    )

    response = client_for(gao_officer).post(
        f"/plans/priorities/{priority.pk}/edit/", opened_by_both | {"title": "Axe de Gao"}
    )

    assert response.status_code == 409
    assert "title: Axe de départ → Axe du siège" in response.text
    assert str(hq_user) in response.text
    assert PlanPriority.objects.get(pk=priority.pk).title == "Axe du siège"
