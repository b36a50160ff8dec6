"""Creating and editing a project: what the form offers, what it refuses (with
a message, writing nothing), forms posted twice, and two people editing the
same project."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from funding.models import Mechanism, Window
from projects.models import Project
from regions.models import Cercle, Region, RegionalPlan
from tests.factories import (
    OrganisationFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def cercle(name: str) -> Cercle:
    return Cercle.objects.get(name=name)


def mechanism(code: str) -> Mechanism:
    return Mechanism.objects.get(code=code)


def project_data(**overrides) -> dict:
    """A QIP in Gao within the rules: USD 45,000 over five months."""
    data = {
        "token": str(uuid.uuid4()),
        "title": "Réhabilitation du marché de Gao",
        "summary": "Réfection des hangars et de l'adduction d'eau.",
        "region": region("ML-7").pk,
        "cercles": [cercle("Ansongo").pk],
        "priority": "",
        "mechanism": mechanism("qip").pk,
        "window": "",
        "implementing_partner": "",
        "focal_point": "",
        "budget_amount": "45000",
        "budget_currency": "USD",
        "planned_start": "2026-01-01",
        "planned_end": "2026-05-31",
        "actual_start": "",
        "actual_end": "",
        "women": "120",
        "men": "100",
        "girls": "60",
        "boys": "55",
        "gender_marker": "1",
    }
    return data | overrides


def edit_data(project: Project, **overrides) -> dict:
    """The edit form as opened on `project`."""
    data = project_data(
        version=project.version,
        title=project.title,
        region=project.region_id,
        cercles=list(project.cercles.values_list("pk", flat=True)),
        priority=project.priority_id or "",
        mechanism=project.mechanism_id,
        window=project.window_id or "",
        implementing_partner=project.implementing_partner_id or "",
        budget_amount=str(project.budget_amount),
        budget_currency=project.budget_currency,
        planned_start=project.planned_start.isoformat(),
        planned_end=project.planned_end.isoformat(),
    )
    del data["token"]
    return data | overrides


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _day(day: datetime.date) -> str:
    """A date as the English pages show it."""
    with translation.override("en"):
        return date_format(day)


def _errors(response) -> dict:
    return response.context["form"].errors


# --- Creating ---------------------------------------------------------------------


def test_officer_creates_a_project_with_a_generated_code(client_for, gao_officer):
    response = client_for(gao_officer).post("/projects/new/", project_data(), follow=True)

    project = Project.objects.get()
    assert response.redirect_chain == [(f"/projects/{project.pk}/", 302)]
    assert project.code == "QIP-2026-GAO-001"
    assert (project.title, project.status, project.created_by) == (
        "Réhabilitation du marché de Gao",
        "pipeline",
        gao_officer,
    )
    assert list(project.cercles.values_list("name", flat=True)) == ["Ansongo"]
    assert (project.budget_amount, project.beneficiaries) == (Decimal("45000"), 335)
    assert "The project QIP-2026-GAO-001 was created in the pipeline." in _messages(response)


def test_project_form_uses_date_inputs_and_offers_the_users_regions_only(client_for, gao_officer):
    response = client_for(gao_officer).get("/projects/new/")

    assert response.status_code == 200
    for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
        assert f'type="date" name="{name}"' in response.text
    form = response.context["form"]
    assert sorted(form.fields["region"].queryset.values_list("code", flat=True)) == [
        "ML-7",
        "ML-9",
    ]
    cercles = {c.region.code for c in form.fields["cercles"].queryset}
    assert cercles == {"ML-7", "ML-9"}


def test_project_form_offers_the_priorities_of_draft_and_validated_plans_of_the_region(
    client_for, gao_officer
):
    draft = PriorityFactory(plan=PlanFactory(status="draft"), code="AXE-D")
    validated = PriorityFactory(plan=PlanFactory(status="validated"), code="AXE-V")
    PriorityFactory(plan=PlanFactory(status="archived"), code="AXE-A")
    PriorityFactory(plan=PlanFactory(region=region("ML-5")), code="AXE-M")

    response = client_for(gao_officer).get("/projects/choices/", {"region": region("ML-7").pk})

    offered = set(response.context["form"].fields["priority"].queryset)
    assert offered == {draft, validated}


def test_changing_the_region_offers_its_cercles_and_priorities_through_htmx(
    client_for, gao_officer
):
    menaka_priority = PriorityFactory(plan=PlanFactory(region=region("ML-9")), code="AXE-MEN")
    PriorityFactory(code="AXE-GAO")

    response = client_for(gao_officer).get(
        "/projects/choices/", {"region": region("ML-9").pk}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "projects/_region_fields.html"
    assert 'id="region-fields"' in response.text
    assert "Inékar" in response.text and "Ansongo" not in response.text
    assert "AXE-MEN" in response.text and "AXE-GAO" not in response.text
    assert set(response.context["form"].fields["priority"].queryset) == {menaka_priority}


def test_region_choices_of_a_region_the_user_may_not_edit_offer_none_of_it(client_for, gao_officer):
    response = client_for(gao_officer).get("/projects/choices/", {"region": region("ML-5").pk})

    assert response.status_code == 200
    assert "Bandiagara" not in response.text


def test_region_field_asks_htmx_for_the_regions_choices(client_for, gao_officer):
    page = client_for(gao_officer).get("/projects/new/").text

    assert 'hx-get="/projects/choices/"' in page
    assert 'hx-target="#region-fields"' in page


def test_cercle_outside_the_region_is_refused_and_the_regions_cercles_are_offered(
    client_for, gao_officer
):
    data = project_data(region=region("ML-9").pk, cercles=[cercle("Ansongo").pk])

    response = client_for(gao_officer).post("/projects/new/", data)

    assert response.status_code == 200
    assert _errors(response)["cercles"][0].startswith("Choose cercles of the project's region")
    offered = set(
        response.context["form"].fields["cercles"].queryset.values_list("name", flat=True)
    )
    assert offered == {"Andéramboukane", "Inékar", "Ménaka", "Tidermène"}
    assert not Project.objects.exists()


def test_priority_of_another_regions_plan_is_refused(client_for, gao_officer):
    other = PriorityFactory(plan=PlanFactory(region=region("ML-9")))

    response = client_for(gao_officer).post("/projects/new/", project_data(priority=other.pk))

    assert _errors(response) == {
        "priority": ["Choose a priority of a draft or validated plan of the project's region."]
    }
    assert not Project.objects.exists()


def test_priority_of_the_regions_plan_is_accepted(client_for, gao_officer):
    priority = PriorityFactory(plan=PlanFactory(status="validated"))

    client_for(gao_officer).post("/projects/new/", project_data(priority=priority.pk))

    assert Project.objects.get().priority == priority


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("region", "ML-5"),  # a region the office does not cover
        ("region", "999999"),
        ("priority", "999999"),
        ("implementing_partner", "999999"),
        ("implementing_partner", "inactive"),
        ("mechanism", "abc"),
    ],
)
def test_forged_ids_are_refused_by_the_form(client_for, gao_officer, field, value):
    if value == "ML-5":
        value = region("ML-5").pk
    elif value == "inactive":
        value = OrganisationFactory(is_active=False).pk

    response = client_for(gao_officer).post("/projects/new/", project_data(**{field: value}))

    assert response.status_code == 200
    assert field in _errors(response)
    assert "errorlist" in response.text
    assert not Project.objects.exists()


def test_inactive_focal_point_cannot_be_chosen(client_for, gao_officer):
    gone = UserFactory(is_active=False)

    response = client_for(gao_officer).post("/projects/new/", project_data(focal_point=gone.pk))

    assert "focal_point" in _errors(response)
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("planned_start", "planned_end", "planned_end"),
        ("actual_start", "actual_end", "actual_end"),
    ],
)
def test_end_before_start_is_refused_on_the_end_date(client_for, gao_officer, start, end, field):
    data = project_data(**{start: "2026-03-01", end: "2026-02-28"})

    response = client_for(gao_officer).post("/projects/new/", data)

    assert _errors(response) == {field: ["The end cannot come before the start."]}
    assert not Project.objects.exists()


@pytest.mark.parametrize("value", ["-1", "10000001", "99999999999"])
@pytest.mark.parametrize("field", ["women", "men", "girls", "boys"])
def test_negative_or_absurd_beneficiaries_are_refused(client_for, gao_officer, field, value):
    response = client_for(gao_officer).post("/projects/new/", project_data(**{field: value}))

    assert response.status_code == 200
    message = _errors(response)[field][0]
    assert message in (
        "Ensure this value is greater than or equal to 0.",
        "Ensure this value is less than or equal to 10000000.",
    )
    assert not Project.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5000", "0.00"])
def test_budget_must_be_more_than_zero(client_for, gao_officer, amount):
    response = client_for(gao_officer).post("/projects/new/", project_data(budget_amount=amount))

    assert _errors(response) == {"budget_amount": ["The budget must be more than zero."]}
    assert not Project.objects.exists()


def test_window_of_another_mechanism_is_refused(client_for, gao_officer):
    irf = Window.objects.get(code="irf")

    response = client_for(gao_officer).post("/projects/new/", project_data(window=irf.pk))

    assert _errors(response)["window"] == ["This window belongs to another mechanism."]
    assert not Project.objects.exists()


def test_qip_above_the_ceiling_is_refused_quoting_the_rule(client_for, gao_officer):
    response = client_for(gao_officer).post("/projects/new/", project_data(budget_amount="60000"))

    assert response.status_code == 200
    message = "60,000.00\xa0USD is more than the 50,000\xa0USD a QIP project may cost."
    assert _errors(response) == {"budget_amount": [message]}
    # In the summary above the form, linked to the budget, and on the budget.
    assert f'<a href="#id_budget_amount">Budget</a>: {message}' in response.text
    assert response.text.count(message) == 2
    assert not Project.objects.exists()


def test_qip_longer_than_six_months_is_refused_quoting_the_rule(client_for, gao_officer):
    data = project_data(planned_start="2026-01-01", planned_end="2026-07-15")

    response = client_for(gao_officer).post("/projects/new/", data)

    latest = _day(datetime.date(2026, 6, 30))
    message = (
        "The project lasts 6 months and 15 days; QIP projects may last at most 6 months: "
        f"the latest allowed end date is {latest}."
    )
    assert _errors(response) == {"planned_end": [message]}
    assert f'<a href="#id_planned_end">Planned end</a>: {message}' in response.text
    assert response.text.count(message) == 2
    assert not Project.objects.exists()


def test_pbf_irf_project_over_18_months_is_refused_quoting_the_rule(client_for, gao_officer):
    data = project_data(
        mechanism=mechanism("pbf").pk,
        window=Window.objects.get(code="irf").pk,
        budget_amount="1500000",
        planned_start="2026-01-01",
        planned_end="2027-09-30",
    )

    response = client_for(gao_officer).post("/projects/new/", data)

    assert _errors(response)["planned_end"] == [
        "The project lasts 21 months; PBF IRF projects may last at most 18 months: "
        f"the latest allowed end date is {_day(datetime.date(2027, 6, 30))}."
    ]
    assert not Project.objects.exists()


def test_pbf_prf_project_of_three_years_is_accepted(client_for, gao_officer):
    data = project_data(
        mechanism=mechanism("pbf").pk,
        window=Window.objects.get(code="prf").pk,
        budget_amount="3000000",
        planned_start="2026-01-01",
        planned_end="2028-12-31",
    )

    client_for(gao_officer).post("/projects/new/", data)

    assert Project.objects.get().code == "PBF-2026-GAO-001"


def test_create_form_posted_twice_creates_one_project_with_one_code(client_for, gao_officer):
    client = client_for(gao_officer)
    data = project_data()

    first = client.post("/projects/new/", data)
    second = client.post("/projects/new/", data, follow=True)

    project = Project.objects.get()
    assert first.url == second.redirect_chain[0][0] == f"/projects/{project.pk}/"
    assert project.code == "QIP-2026-GAO-001"
    assert "This form had already been sent: the project exists once." in _messages(second)
    third = client.post("/projects/new/", project_data())
    assert Project.objects.get(pk=third.url.split("/")[2]).code == "QIP-2026-GAO-002"


# --- Editing --------------------------------------------------------------------------


def test_editing_a_project_saves_its_fields_and_cercles_and_bumps_its_version(
    client_for, gao_officer
):
    project = ProjectFactory(title="Ancien titre")
    data = edit_data(project, title="Nouveau titre", cercles=[cercle("Bourem").pk])

    response = client_for(gao_officer).post(f"/projects/{project.pk}/edit/", data, follow=True)

    project = Project.objects.get(pk=project.pk)
    assert (project.title, project.version) == ("Nouveau titre", 2)
    assert list(project.cercles.values_list("name", flat=True)) == ["Bourem"]
    assert "The project was saved." in _messages(response)


def test_edit_keeps_a_priority_whose_plan_was_archived_since(client_for, gao_officer):
    priority = PriorityFactory(plan=PlanFactory(status=RegionalPlan.Status.ARCHIVED))
    project = ProjectFactory(priority=priority)

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", edit_data(project, title="Titre revu")
    )

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).priority == priority


def test_edit_breaking_the_rules_is_refused_with_the_rule_and_nothing_changes(
    client_for, gao_officer
):
    project = ProjectFactory()

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", edit_data(project, budget_amount="75000")
    )

    assert response.status_code == 200
    assert "75,000.00\xa0USD is more than the 50,000\xa0USD a QIP project may cost." in (
        response.text
    )
    project = Project.objects.get(pk=project.pk)
    assert (project.budget_amount, project.version) == (Decimal("40000.00"), 1)


def test_edit_with_a_cercle_of_another_region_is_refused(client_for, gao_officer):
    project = ProjectFactory()

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", edit_data(project, cercles=[cercle("Ménaka").pk])
    )

    assert "cercles" in _errors(response)
    assert not Project.objects.get(pk=project.pk).cercles.exists()


def test_second_person_saving_an_outdated_form_is_refused_with_the_first_ones_change(
    client_for, hq_user, gao_officer
):
    hq_user.first_name, hq_user.last_name = "Mariam", "Touré"
    hq_user.save()
    project = ProjectFactory(title="Titre de départ")
    opened_by_both = edit_data(project)  # both opened the form at version 1
    client_for(hq_user).post(
        f"/projects/{project.pk}/edit/", opened_by_both | {"title": "Titre du siège"}
    )

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", opened_by_both | {"title": "Titre de Gao"}
    )

    assert response.status_code == 409
    assert "Mariam Touré saved this record" in response.text
    assert "title: Titre de départ → Titre du siège" in response.text
    project = Project.objects.get(pk=project.pk)
    assert (project.title, project.version) == ("Titre du siège", 2)
    # The form is ready to apply the second person's values over the first's.
    assert response.context["form"]["version"].value() == 2
    assert response.context["form"]["title"].value() == "Titre de Gao"


def test_conflict_form_sent_again_applies_the_second_persons_values(
    client_for, hq_user, gao_officer
):
    project = ProjectFactory()
    opened_by_both = edit_data(project)
    client_for(hq_user).post(f"/projects/{project.pk}/edit/", opened_by_both | {"title": "Siège"})
    client = client_for(gao_officer)
    conflict = client.post(f"/projects/{project.pk}/edit/", opened_by_both | {"title": "Gao"})

    client.post(
        f"/projects/{project.pk}/edit/",
        opened_by_both | {"title": "Gao", "version": conflict.context["form"]["version"].value()},
    )

    assert Project.objects.get(pk=project.pk).title == "Gao"


# --- The budget ---------------------------------------------------------------------


def test_fund_manager_changes_the_budget_and_only_the_budget(client_for, fund_manager):
    project = ProjectFactory(title="Titre")
    data = {
        "version": 1,
        "budget_amount": "48000",
        "budget_currency": "USD",
        "title": "Changé en douce",
    }

    response = client_for(fund_manager).post(f"/projects/{project.pk}/budget/", data, follow=True)

    project = Project.objects.get(pk=project.pk)
    assert (project.budget_amount, project.title, project.version) == (
        Decimal("48000"),
        "Titre",
        2,
    )
    assert "The budget was saved." in _messages(response)


def test_budget_above_the_qip_ceiling_is_refused_quoting_the_rule(client_for, fund_manager):
    project = ProjectFactory()

    response = client_for(fund_manager).post(
        f"/projects/{project.pk}/budget/",
        {"version": 1, "budget_amount": "50000.01", "budget_currency": "USD"},
    )

    assert response.status_code == 200
    assert _errors(response) == {
        "budget_amount": ["50,000.01\xa0USD is more than the 50,000\xa0USD a QIP project may cost."]
    }
    assert Project.objects.get(pk=project.pk).budget_amount == Decimal("40000.00")


def test_budget_edit_from_an_outdated_form_is_a_conflict(client_for, fund_manager, gao_officer):
    project = ProjectFactory()
    client_for(gao_officer).post(
        f"/projects/{project.pk}/edit/", edit_data(project, budget_amount="42000")
    )

    response = client_for(fund_manager).post(
        f"/projects/{project.pk}/budget/",
        {"version": 1, "budget_amount": "45000", "budget_currency": "USD"},
    )

    assert response.status_code == 409
    assert "budget: 40000.00 → 42000.00" in response.text
    assert Project.objects.get(pk=project.pk).budget_amount == Decimal("42000.00")
