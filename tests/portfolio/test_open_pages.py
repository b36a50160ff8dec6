"""/open/: the published projects that are not confidential, their approved
results and the map of regions, for anyone without signing in; robots.txt;
cache headers that let caches keep public pages and never a signed-in one."""

import datetime
from decimal import Decimal

import pytest

from funding.models import Mechanism
from projects.models import Location, Project
from regions.models import Region
from reviews.models import ReviewStatus
from tests.factories import (
    IndicatorFactory,
    IndicatorReportFactory,
    LocationFactory,
    OrganisationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

SENSITIVE_LATITUDE = Decimal("15.12345")


@pytest.fixture
def projects():
    """One project in each state that matters to the public, each in Gao."""
    return {
        "approved": ProjectFactory(title="Forage de Tassiga", status=Project.Status.APPROVED),
        "ongoing": ProjectFactory(title="Marché de Bourem", status=Project.Status.ONGOING),
        "closed": ProjectFactory(title="Piste d'Ansongo", status=Project.Status.CLOSED),
        "draft": ProjectFactory(title="Brouillon secret", status=Project.Status.PIPELINE),
        "submitted": ProjectFactory(title="Soumis en revue", status=Project.Status.SUBMITTED),
        "cancelled": ProjectFactory(title="Projet annulé", status=Project.Status.CANCELLED),
        "confidential": ProjectFactory(
            title="Appui discret", status=Project.Status.ONGOING, is_confidential=True
        ),
    }


def test_anonymous_visitor_sees_only_published_projects_that_are_not_confidential(client, projects):
    response = client.get("/open/")

    assert response.status_code == 200
    content = response.content.decode()
    for shown in ("Forage de Tassiga", "Marché de Bourem", "Piste d&#x27;Ansongo"):
        assert shown in content
    for hidden in ("Brouillon secret", "Soumis en revue", "Projet annulé", "Appui discret"):
        assert hidden not in content
    assert "/open/iati.xml" in content


@pytest.mark.parametrize("state", ["draft", "submitted", "cancelled", "confidential"])
def test_the_page_of_a_project_not_open_does_not_exist(client, projects, state):
    response = client.get(f"/open/projects/{projects[state].pk}/")

    assert response.status_code == 404


def test_project_page_shows_its_facts_and_approved_results_only(client, projects):
    project = projects["ongoing"]
    project.implementing_partner = OrganisationFactory(name="Association Tidene", kind="ngo")
    project.actual_start = datetime.date(2024, 2, 12)
    project.save()
    indicator = IndicatorFactory(project=project, title="Ménages desservis", target=Decimal(900))
    IndicatorReportFactory(
        indicator=indicator,
        value=Decimal("345"),
        review_status=ReviewStatus.APPROVED,
    )
    IndicatorReportFactory(
        indicator=indicator,
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2024, 5, 31),
        value=Decimal("777"),
        review_status=ReviewStatus.SUBMITTED,
    )

    response = client.get(f"/open/projects/{project.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert project.code in content and "Marché de Bourem" in content
    assert "Association Tidene" in content
    assert "Gao" in content and "QIP" in content
    assert "40" in content and "000" in content  # the budget, USD 40,000
    assert "Ménages desservis" in content and "345" in content
    assert "777" not in content  # a submitted report is not a result yet


def test_sensitive_places_never_reach_the_open_pages(client, projects):
    project = projects["approved"]
    LocationFactory(project=project, place="Place du marché")
    LocationFactory(
        project=project,
        place="Site de Tin-Hama",
        latitude=SENSITIVE_LATITUDE,
        longitude=Decimal("0.98765"),
        sensitivity=Location.Sensitivity.SENSITIVE,
    )

    pages = [client.get("/open/"), client.get(f"/open/projects/{project.pk}/")]

    for response in pages:
        content = response.content.decode()
        assert "Tin-Hama" not in content
        assert "15.12345" not in content and "15,12345" not in content
    assert "Place du marché" in pages[1].content.decode()


def test_list_filters_by_region_mechanism_and_year(client, projects):
    mopti = ProjectFactory(
        title="Centre de santé de Djenné",
        status=Project.Status.ONGOING,
        region=Region.objects.get(code="ML-5"),
        mechanism=Mechanism.objects.get(code="tf"),
        planned_start=datetime.date(2025, 3, 1),
        planned_end=datetime.date(2026, 2, 28),
    )

    by_region = client.get("/open/", {"region": "ML-5"}).content.decode()
    by_mechanism = client.get("/open/", {"mechanism": "tf"}).content.decode()
    by_year = client.get("/open/", {"year": 2026}).content.decode()
    of_2024 = client.get("/open/", {"year": 2024}).content.decode()

    for content in (by_region, by_mechanism, by_year):
        assert mopti.title in content and "Forage de Tassiga" not in content
    assert mopti.title not in of_2024 and "Forage de Tassiga" in of_2024


def test_map_counts_open_projects_by_region_and_links_to_the_open_list(client, projects):
    content = client.get("/open/").content.decode()

    assert 'href="/open/?region=ML-7"' in content
    assert "/regions/" not in content  # the regions' own pages need a sign-in


def test_the_page_shows_no_navigation_of_the_portal_to_anonymous_visitors(client, projects):
    content = client.get("/open/").content.decode()

    assert 'class="site-nav"' not in content
    for address in ("/projects/", "/funding/", "/coordination/", "/audit/", "/admin/"):
        assert f'href="{address}' not in content


def test_pages_in_french_by_default_and_in_english(client, projects):
    french = client.get("/open/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/open/").content.decode()

    assert '<html lang="fr"' in french and "Partenaire de mise en œuvre" in french
    assert '<html lang="en"' in english and "Implementing partner" in english
    assert "Open data: stabilization and recovery projects" in english


def test_rest_of_the_portal_stays_behind_the_sign_in(client, projects):
    for address in ("/", "/projects/", f"/projects/{projects['approved'].pk}/", "/regions/"):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [1, 8])
def test_list_queries_do_not_grow_with_the_projects(client, count, django_assert_num_queries):
    for _n in range(count):
        ProjectFactory(status=Project.Status.ONGOING)

    # No session (anonymous): the count and the page of rows; the regions and
    # the mechanisms of the filters; the projects by region and the regions of
    # the map.
    with django_assert_num_queries(6):
        response = client.get("/open/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_detail_queries_do_not_grow_with_the_results(client, count, django_assert_num_queries):
    project = ProjectFactory(status=Project.Status.ONGOING)
    for _n in range(count):
        LocationFactory(project=project)
        indicator = IndicatorFactory(project=project)
        IndicatorReportFactory(indicator=indicator, review_status=ReviewStatus.APPROVED)

    # The project with its region, mechanism, window and partner; its places;
    # its indicators; their approved reports.
    with django_assert_num_queries(4):
        response = client.get(f"/open/projects/{project.pk}/")
    assert response.status_code == 200


def test_robots_txt_allows_the_open_data_only(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines == ["User-agent: *", "Allow: /open/", "Disallow: /"]
    assert "public" in response["Cache-Control"]


def test_anonymous_pages_may_be_kept_by_caches_for_five_minutes(client, projects):
    first = client.get("/open/")
    # The test client keeps the CSRF cookie the first page handed out.
    second = client.get("/open/")

    assert "max-age=300" in first["Cache-Control"]
    assert "public" not in first["Cache-Control"]  # it hands out a new cookie
    assert second["Cache-Control"].replace(" ", "").split(",") == ["public", "max-age=300"]
    assert "Cookie" in second["Vary"]


def test_signed_in_readers_get_the_open_pages_uncached(client_for, viewer, projects):
    client = client_for(viewer)

    for address in ("/open/", f"/open/projects/{projects['approved'].pk}/", "/open/iati.xml"):
        response = client.get(address)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
