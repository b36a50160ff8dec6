import pytest

from regions.models import Office, Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import CercleFactory, RegionFactory


def test_regions_page_lists_regions_with_their_office_and_cercles(client_for, viewer):
    response = client_for(viewer).get("/regions/")

    assert response.status_code == 200
    page = response.text
    assert "Tombouctou" in page and "Taoudénit" in page
    assert "Gourma-Rharous" in page
    assert response.context["regions"].count() == 11


def test_region_page_shows_office_and_cercles(client_for, viewer):
    response = client_for(viewer).get("/regions/ML-7/")

    assert response.status_code == 200
    assert response.context["region"].code == "ML-7"
    for cercle in ("Ansongo", "Bourem", "Gao"):
        assert cercle in response.text


def test_region_page_in_english_uses_the_english_name(client_for, viewer):
    client = client_for(viewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert "<h1>Timbuktu" in client.get("/regions/ML-6/").text


def test_unknown_region_is_a_404_page(client_for, viewer):
    response = client_for(viewer).get("/regions/ML-99/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_region_pages_require_sign_in(client, db):
    for url in ("/regions/", "/regions/ML-7/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def _add_rows(n: int) -> None:
    """More regions, each with cercles and a covering office."""
    office = Office.objects.create(name="Bureau supplémentaire")
    for _ in range(n):
        region = RegionFactory()
        CercleFactory.create_batch(3, region=region)
        office.regions.add(region)
    office.regions.add(Region.objects.get(code="ML-7"))


@pytest.mark.parametrize("extra_rows", [0, 15])
def test_regions_page_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, extra_rows
):
    client = client_for(viewer)
    _add_rows(extra_rows)
    # regions, offices (with heads), cercles
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 3):
        assert client.get("/regions/").status_code == 200


@pytest.mark.parametrize("extra_rows", [0, 15])
def test_region_page_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, extra_rows
):
    client = client_for(viewer)
    _add_rows(extra_rows)
    CercleFactory.create_batch(extra_rows, region=Region.objects.get(code="ML-7"))
    # the region, its offices (with heads), its cercles, the plan in force
    # (none here, so its priorities are not read), the cercles with their
    # projects counted (none here, so no first projects are read), the count of
    # the projects without a cercle (none either), the region's project totals,
    # the money by mechanism (approved, transferred, spent: one grouped query
    # each), the coordination bodies (none here, so no meetings are read); the
    # map: the locations, the cercles of projects without one, the regions
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 11 + 3):
        assert client.get("/regions/ML-7/").status_code == 200
