"""A project's locations: added, edited and deleted by the region's editors,
with coordinates inside Mali, and sensitive coordinates shown to staff only."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from accounts.roles import Role
from projects import access, services
from projects.models import Location, Project
from regions.models import Cercle
from tests.factories import LocationFactory, ProjectFactory, UserFactory


def _results(project):
    """The project's results as a fund manager reads them (every report)."""
    return services.project_results(project, UserFactory(role=Role.FUND_MANAGER))


# Kidal's position: exact coordinates that must never reach a partner's page.
SECRET_LATITUDE, SECRET_LONGITUDE = "18.44111", "1.40778"


@pytest.fixture
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def project(db):
    return ProjectFactory()


def location_data(**overrides) -> dict:
    data = {
        "place": "Quartier Château",
        "cercle": "",
        "latitude": "16.27170",
        "longitude": "-0.04470",
        "sensitivity": Location.Sensitivity.NORMAL,
    }
    return data | overrides


def test_officer_adds_a_location_in_a_cercle_of_the_region(
    client_for, gao_officer, project, english
):
    ansongo = Cercle.objects.get(region__code="ML-7", name="Ansongo")

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/", location_data(cercle=ansongo.pk)
    )

    assert response.status_code == 302
    assert response.url == f"/projects/{project.pk}/#locations"
    location = project.locations.get()
    assert (location.place, location.cercle) == ("Quartier Château", ansongo)
    assert (location.latitude, location.longitude) == (Decimal("16.27170"), Decimal("-0.04470"))
    assert location.history.get().history_user == gao_officer


def test_location_without_coordinates_is_accepted(client_for, gao_officer, project):
    client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/", location_data(latitude="", longitude="")
    )

    location = project.locations.get()
    assert (location.latitude, location.longitude) == (None, None)


def test_form_offers_only_the_cercles_of_the_projects_region(client_for, gao_officer, project):
    response = client_for(gao_officer).get(f"/projects/{project.pk}/locations/new/")

    cercles = list(response.context["form"].fields["cercle"].queryset)
    assert cercles and {cercle.region.code for cercle in cercles} == {"ML-7"}
    assert "Bourem" in response.text
    assert "Bandiagara" not in response.text  # a cercle of Mopti


def test_cercle_of_another_region_is_refused(client_for, gao_officer, project, english):
    bandiagara = Cercle.objects.get(region__code="ML-5", name="Bandiagara")

    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/", location_data(cercle=bandiagara.pk)
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["cercle"][0]
    assert not Location.objects.exists()


def test_service_refuses_a_cercle_of_another_region_whatever_the_entry_point(project, gao_officer):
    bandiagara = Cercle.objects.get(region__code="ML-5", name="Bandiagara")

    with pytest.raises(ValidationError) as error:
        services.create_location(project, by=gao_officer, place="Bandiagara", cercle=bandiagara)

    assert error.value.message_dict == {"cercle": ["This cercle is not in the project's region."]}
    assert not Location.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("48.85661", "2.35222", "latitude"),  # Paris
        ("14.69278", "-17.44667", "longitude"),  # Dakar
        ("9.99999", "-5.00000", "latitude"),
        ("25.10001", "0", "latitude"),
        ("16", "4.30001", "longitude"),
    ],
)
def test_coordinates_outside_mali_are_refused(
    client_for, gao_officer, project, english, latitude, longitude, field
):
    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/",
        location_data(latitude=latitude, longitude=longitude),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["These coordinates are outside Mali."]}
    assert "These coordinates are outside Mali." in response.text
    assert not Location.objects.exists()


def test_both_coordinates_outside_mali_are_each_marked(client_for, gao_officer, project, english):
    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/",
        location_data(latitude="48.85661", longitude="-17.44667"),
    )

    assert response.context["form"].errors == {
        "latitude": ["These coordinates are outside Mali."],
        "longitude": ["These coordinates are outside Mali."],
    }


@pytest.mark.parametrize(
    ("latitude", "longitude", "missing"),
    [("16.27170", "", "longitude"), ("", "-0.04470", "latitude")],
)
def test_only_one_coordinate_is_refused(
    client_for, gao_officer, project, english, latitude, longitude, missing
):
    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/",
        location_data(latitude=latitude, longitude=longitude),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        missing: ["Give both the latitude and the longitude, or neither."]
    }
    assert not Location.objects.exists()


def test_unreadable_coordinate_is_reported_once(client_for, gao_officer, project, english):
    response = client_for(gao_officer).post(
        f"/projects/{project.pk}/locations/new/", location_data(latitude="16°16'N")
    )

    assert response.context["form"].errors == {"latitude": ["Enter a number."]}
    assert not Location.objects.exists()


def test_officer_edits_a_location(client_for, gao_officer, english):
    location = LocationFactory()
    url = f"/projects/locations/{location.pk}/edit/"

    form = client_for(gao_officer).get(url)
    response = client_for(gao_officer).post(
        url, location_data(place="Marché", sensitivity=Location.Sensitivity.SENSITIVE)
    )

    assert 'value="16.27170"' in form.text
    assert response.url == f"/projects/{location.project.pk}/#locations"
    location.refresh_from_db()
    assert (location.place, location.is_sensitive) == ("Marché", True)


def test_edit_with_coordinates_outside_mali_changes_nothing(client_for, gao_officer, english):
    location = LocationFactory()

    response = client_for(gao_officer).post(
        f"/projects/locations/{location.pk}/edit/", location_data(latitude="30")
    )

    assert response.status_code == 200
    assert "These coordinates are outside Mali." in response.text
    location.refresh_from_db()
    assert location.latitude == Decimal("16.27170")


def test_delete_asks_for_confirmation_then_deletes(client_for, gao_officer, english):
    location = LocationFactory(place="Quartier Aljanabandja")
    url = f"/projects/locations/{location.pk}/delete/"
    client = client_for(gao_officer)

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Quartier Aljanabandja" in confirmation.text
    assert Location.objects.filter(pk=location.pk).exists()

    response = client.post(url, follow=True)

    assert response.redirect_chain[0] == (f"/projects/{location.project.pk}/#locations", 302)
    assert "Location deleted." in response.text
    assert not Location.objects.filter(pk=location.pk).exists()
    assert location.history.first().history_type == "-"


# --- Sensitive coordinates ---------------------------------------------------------------


def _locations_partial(user, project) -> str:
    """The partial as the project page renders it for `user`."""
    context = {
        "project": project,
        "locations": _results(project)["locations"],
        "show_coordinates": access.can_see_exact_coordinates(user),
        "can_edit": access.can_edit_project(user, project),
    }
    return render_to_string("projects/_locations.html", context)


@pytest.fixture
def sensitive(project):
    return LocationFactory(
        project=project,
        place="Site protégé",
        latitude=Decimal(SECRET_LATITUDE),
        longitude=Decimal(SECRET_LONGITUDE),
        sensitivity=Location.Sensitivity.SENSITIVE,
    )


@pytest.mark.parametrize("user", ["viewer", "no_role_user"])
def test_sensitive_coordinates_never_reach_a_partners_html(request, project, sensitive, user):
    LocationFactory(project=project, place="Site public")
    html = _locations_partial(request.getfixturevalue(user), project)

    assert "Site protégé" in html
    assert "coordinates withheld" in html
    assert SECRET_LATITUDE not in html and SECRET_LONGITUDE not in html
    assert "18.44" not in html and "1.407" not in html
    assert "16.27170, -0.04470" in html  # a normal location keeps its coordinates


@pytest.mark.parametrize("user", ["hq_user", "gao_officer", "mopti_officer", "fund_manager"])
def test_staff_see_sensitive_coordinates(request, project, sensitive, user):
    html = _locations_partial(request.getfixturevalue(user), project)

    assert f"{SECRET_LATITUDE}, {SECRET_LONGITUDE}" in html
    assert "coordinates withheld" not in html


@pytest.mark.parametrize("user", ["viewer", "no_role_user"])
def test_project_page_withholds_sensitive_coordinates(
    request, client_for, project, sensitive, user
):
    # Viewers read approved projects only (`reviews.visibility`).
    Project.objects.filter(pk=project.pk).update(status=Project.Status.APPROVED)

    response = client_for(request.getfixturevalue(user)).get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    page = response.text
    assert "Site protégé" in page
    assert SECRET_LATITUDE not in page and SECRET_LONGITUDE not in page


def test_location_buttons_show_only_to_editors(project, sensitive, gao_officer, mopti_officer):
    assert f"/projects/locations/{sensitive.pk}/edit/" in _locations_partial(gao_officer, project)
    assert f"/projects/locations/{sensitive.pk}/edit/" not in _locations_partial(
        mopti_officer, project
    )
