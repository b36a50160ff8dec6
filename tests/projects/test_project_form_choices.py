"""The project form's choices: only staff as focal points (in the form, the
service and the admin alike), partners sorted with their full names, the
cercles of the region chosen in a search field, beneficiaries "targeted"."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.roles import Role
from coordination.models import Organisation
from projects import services
from projects.models import Project
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory
from tests.projects.test_project_forms import edit_data, project_data, region

NEW = "/projects/new/"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _focal_points(response) -> set[str]:
    return {user.username for user in response.context["form"].fields["focal_point"].queryset}


# --- Focal points ----------------------------------------------------------------------


def test_focal_point_choices_are_the_active_staff(client_for, gao_officer, hq_user, viewer):
    UserFactory(username="parti", role=Role.REGIONAL_OFFICER, is_active=False)
    UserFactory(username="gestionnaire", role=Role.USER_MANAGER)
    UserFactory(username="sans_role")

    response = client_for(gao_officer).get(NEW)

    assert _focal_points(response) == {"gao_officer", "hq_officer"}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.USER_MANAGER, None])
def test_a_focal_point_who_is_not_staff_is_refused_and_nothing_is_written(
    client_for, gao_officer, role
):
    person = UserFactory(username="quelquun", role=role)

    response = client_for(gao_officer).post(NEW, project_data(focal_point=person.pk))

    assert response.status_code == 200
    assert "focal_point" in response.context["form"].errors
    assert not Project.objects.exists()


def test_a_staff_focal_point_is_saved(client_for, gao_officer):
    client_for(gao_officer).post(NEW, project_data(focal_point=gao_officer.pk))

    assert Project.objects.get().focal_point == gao_officer


def test_the_service_refuses_a_partner_as_focal_point_whatever_the_form(gao_officer, viewer):
    project = ProjectFactory(focal_point=gao_officer)
    before = project.version

    with pytest.raises(ValidationError) as refused:
        services.edit_project(project, by=gao_officer, version=before, focal_point=viewer)

    assert "focal_point" in refused.value.message_dict
    project.refresh_from_db()
    assert (project.focal_point, project.version) == (gao_officer, before)


def test_a_focal_point_who_left_is_shown_and_must_be_replaced_on_edit(client_for, gao_officer):
    gone = UserFactory(username="parti", role=Role.REGIONAL_OFFICER)
    project = ProjectFactory(focal_point=gone, created_by=gao_officer)
    gone.is_active = False
    gone.save()
    client = client_for(gao_officer)

    assert "parti" in _focal_points(client.get(f"/projects/{project.pk}/edit/"))
    response = client.post(
        f"/projects/{project.pk}/edit/", edit_data(project, focal_point=gone.pk, title="Autre")
    )

    assert "focal_point" in response.context["form"].errors
    project.refresh_from_db()
    assert project.title != "Autre"


def test_the_admin_refuses_a_partner_as_focal_point(rf, admin_user, gao_officer, viewer):
    project = ProjectFactory(focal_point=gao_officer)
    request = rf.get("/")
    request.user = admin_user
    form = admin.site._registry[Project].get_form(request, project)(instance=project)

    field = form.fields["focal_point"]
    assert field.clean(gao_officer.pk) == gao_officer
    with pytest.raises(ValidationError):
        field.clean(viewer.pk)
    # The model field's own check, which the admin's form runs on the instance.
    with pytest.raises(ValidationError):
        Project._meta.get_field("focal_point").validate(viewer.pk, project)


# --- Partners, cercles, beneficiaries -----------------------------------------------


def test_partners_are_sorted_and_show_the_full_name_beside_the_acronym(client_for, gao_officer):
    OrganisationFactory(name="Programme des Nations Unies pour le développement", acronym="PNUD")
    OrganisationFactory(name="Association Tilwat", acronym="")
    OrganisationFactory(name="Agence française de développement", acronym="AFD")
    OrganisationFactory(name="Ancienne ONG", acronym="AO", is_active=False)

    response = client_for(gao_officer).get(NEW)

    labels = [
        label for value, label in response.context["form"].fields["implementing_partner"].choices
    ][1:]
    assert labels == [
        "AFD — Agence française de développement",
        "Association Tilwat",
        "PNUD — Programme des Nations Unies pour le développement",
    ]


def test_cercles_offered_are_those_of_the_region_chosen_in_a_search_field(client_for, gao_officer):
    client = client_for(gao_officer)

    fields = client.get("/projects/choices/", {"region": region("ML-7").pk}).text

    assert "data-search-select" in fields
    assert "Ansongo" in fields and "Bourem" in fields and "Douentza" not in fields
    page = client.get(NEW).text
    assert 'src="/static/js/search-select.js" defer' in page
    assert 'hx-get="/projects/choices/"' in page


def test_beneficiary_fields_say_targeted(client_for, gao_officer):
    page = client_for(gao_officer).get(NEW).text

    for label in ("Women targeted", "Men targeted", "Girls targeted", "Boys targeted"):
        assert f">{label}:</label>" in page


def test_partner_with_a_hostile_name_is_escaped_on_the_project_page(client_for, gao_officer):
    partner = OrganisationFactory(name="<script>alert(1)</script>", acronym="ZZ")
    project = ProjectFactory(implementing_partner=partner)

    page = client_for(gao_officer).get(project.get_absolute_url()).text

    assert "<script>alert(1)" not in page
    assert '<abbr title="&lt;script&gt;alert(1)&lt;/script&gt;">ZZ</abbr>' in page
    assert Organisation.objects.filter(pk=partner.pk).exists()
