"""The maps: regions filled by their figures on the dashboard, a mechanism's
page and the projects list; projects' locations on the dashboard, a region's
page and a plan's report. Sensitive coordinates never reach a partner's page
or an export; the country map stays light; every link has a name."""

import re
from decimal import Decimal

import pytest

from funding.models import Mechanism
from projects.models import Location, Project
from regions import boundaries
from regions.maps import class_step
from regions.models import Cercle, Region
from tests.factories import (
    FundingApprovalFactory,
    LocationFactory,
    PlanFactory,
    PriorityFactory,
    ProjectFactory,
)

# A sensitive place in the Gao region, far from any cercle's seat.
SECRET = (Decimal("16.54321"), Decimal("0.87654"))


def _at(latitude, longitude) -> str:
    x, y = boundaries.load().project(latitude, longitude)
    return f'cx="{x:g}" cy="{y:g}"'


def _svgs(page: str, css_class: str = "map__svg") -> list[str]:
    return re.findall(rf'<svg class="{css_class}".*?</svg>', page, flags=re.S)


@pytest.fixture
def gao_cercle(db):
    return Cercle.objects.get(region__code="ML-7", name="Gao")


@pytest.fixture
def sensitive_project(db, gao_cercle):
    project = ProjectFactory(code="QIP-2025-GAO-777", status=Project.Status.ONGOING)
    LocationFactory(
        project=project,
        place="Site protégé",
        cercle=gao_cercle,
        latitude=SECRET[0],
        longitude=SECRET[1],
        sensitivity=Location.Sensitivity.SENSITIVE,
    )
    return project


# --- the choropleth -----------------------------------------------------------


def test_class_steps_are_round_and_whole():
    assert class_step(3) == 1
    assert class_step(7) == 2
    assert class_step(10) == 5  # 2.5 is round, but not whole
    assert class_step(Decimal("1234567")) == 500000


def test_dashboard_fills_the_regions_and_names_each_link(client_for, viewer):
    ProjectFactory.create_batch(3, status=Project.Status.ONGOING)  # Gao
    ProjectFactory(status=Project.Status.APPROVED, region=Region.objects.get(code="ML-5"))
    ProjectFactory(status=Project.Status.PIPELINE, region=Region.objects.get(code="ML-8"))
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/").text

    country = _svgs(page)[0]
    assert len(country.encode()) < 30_000
    # Each region a link to its page, named by its figure; Ménaka and
    # Taoudénit as marks inside their parent's outline.
    assert 'href="/regions/ML-7/" aria-label="Gao : 3"' in country
    assert 'href="/regions/ML-5/" aria-label="Mopti : 1"' in country
    assert 'href="/regions/ML-8/" aria-label="Kidal : 0"' in country  # unpublished: not counted
    assert 'href="/regions/ML-9/" aria-label="Ménaka : 0"' in country
    assert 'href="/regions/ML-10/" aria-label="Taoudénit : 0"' in country
    links = re.findall(r"<a [^>]*>", country)
    assert len(links) == 11 and all("aria-label=" in link for link in links)
    assert "created after these boundaries were drawn" in page
    assert "Ménaka (Gao), Taoudénit (Timbuktu)" in page
    # The same figures in a table beside it.
    assert re.search(r'<a href="/regions/ML-7/">Gao</a></th><td class="num nowrap">3</td>', page)


def test_dashboard_map_of_approved_money_follows_the_year(client_for, hq_user):
    project = ProjectFactory(status=Project.Status.ONGOING)
    FundingApprovalFactory(project=project, amount=Decimal("30000"))
    client = client_for(hq_user)
    client.cookies["django_language"] = "en"

    every_year = client.get("/", {"map": "approved"}).text
    other_year = client.get("/", {"map": "approved", "year": "2019"}).text

    assert 'aria-label="Gao : 30,000"' in _svgs(every_year)[0]
    assert 'aria-label="Gao : 0"' in _svgs(other_year)[0]
    # The choice of measure keeps the page's filters.
    assert '<input type="hidden" name="year" value="2019">' in other_year


def test_mechanism_page_fills_the_regions_with_its_approved_money(client_for, viewer):
    tf = Mechanism.objects.get(code="tf")
    project = ProjectFactory(
        mechanism=tf, status=Project.Status.ONGOING, region=Region.objects.get(code="ML-5")
    )
    FundingApprovalFactory(project=project, mechanism=tf, amount=Decimal("12000"))
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/funding/tf/", {"map": "approved"}).text

    (country,) = _svgs(page)
    assert 'aria-label="Mopti : 12,000"' in country
    assert 'aria-label="Gao : 0"' in country


# --- the points ---------------------------------------------------------------


def test_partners_never_receive_a_sensitive_locations_coordinates(
    client_for, viewer, sensitive_project, gao_cercle
):
    client = client_for(viewer)

    for url in (
        "/",
        "/regions/ML-7/",
        "/regions/ML-7/report/",
        f"/projects/{sensitive_project.pk}/",
    ):
        page = client.get(url).text
        assert "16.54321" not in page and "16,54321" not in page, url
        assert _at(*SECRET) not in page, url
    # Drawn at its cercle's seat instead, still a link to the project.
    region_page = client.get("/regions/ML-7/").text
    assert _at(gao_cercle.seat_latitude, gao_cercle.seat_longitude) in region_page
    assert f'href="/projects/{sensitive_project.pk}/"' in _svgs(region_page)[0]


def test_partners_never_receive_them_in_an_export(client_for, viewer, sensitive_project):
    client = client_for(viewer)

    for url in ("/projects/export.csv", "/projects/export.xlsx", "/projects/iati.xml"):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert b"16.54321" not in content and b"0.87654" not in content, url


def test_staff_see_a_sensitive_location_where_it_is(client_for, hq_user, sensitive_project):
    client = client_for(hq_user)

    for url in ("/regions/ML-7/", "/regions/ML-7/report/"):
        assert _at(*SECRET) in client.get(url).text, url


def test_a_sensitive_location_without_a_seat_is_not_drawn_for_partners(client_for, viewer):
    project = ProjectFactory(status=Project.Status.ONGOING)
    LocationFactory(
        project=project,
        cercle=None,
        latitude=SECRET[0],
        longitude=SECRET[1],
        sensitivity=Location.Sensitivity.SENSITIVE,
    )
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/regions/ML-7/").text

    assert f'href="/projects/{project.pk}/"' not in _svgs(page)[0]
    assert "1 location is not drawn" in page


def test_a_project_with_a_cercle_and_no_location_is_drawn_at_its_seat(
    client_for, viewer, gao_cercle
):
    project = ProjectFactory(status=Project.Status.ONGOING, title="Forage <b>Château</b>")
    project.cercles.add(gao_cercle)
    client = client_for(viewer)
    client.cookies["django_language"] = "en"

    page = client.get("/regions/ML-7/").text

    (points,) = _svgs(page)
    assert _at(gao_cercle.seat_latitude, gao_cercle.seat_longitude) in points
    # Each point a link named by its project, escaped.
    assert f'href="/projects/{project.pk}/" aria-label="{project.code} — Forage &lt;b&gt;' in points
    assert "<b>" not in points
    assert "near Gao, its cercle&#x27;s seat" in points


def test_points_are_coloured_by_status_or_mechanism(client_for, hq_user):
    LocationFactory(project=ProjectFactory(status=Project.Status.ONGOING))
    client = client_for(hq_user)
    client.cookies["django_language"] = "en"

    by_status = client.get("/regions/ML-7/").text
    by_mechanism = client.get("/regions/ML-7/", {"points": "mechanism"}).text

    assert "by status" in by_status and "ongoing" in by_status.split("map__legend", 2)[1]
    assert "by financing mechanism" in by_mechanism
    assert "QIP</li>" in by_mechanism


def test_menaka_is_drawn_in_gaos_outline(client_for, hq_user):
    menaka = Region.objects.get(code="ML-9")
    project = ProjectFactory(status=Project.Status.ONGOING, region=menaka, code="QIP-2025-MEN-001")
    LocationFactory(project=project, latitude=Decimal("15.91985"), longitude=Decimal("2.39609"))

    page = client_for(hq_user).get("/regions/ML-9/").text

    (points,) = _svgs(page)
    assert _at(Decimal("15.91985"), Decimal("2.39609")) in points


def test_plan_report_prints_the_plans_region_map(client_for, hq_user):
    gao = Region.objects.get(code="ML-7")
    plan = PlanFactory(region=gao)
    priority = PriorityFactory(plan=plan)
    LocationFactory(project=ProjectFactory(status=Project.Status.ONGOING, priority=priority))

    page = client_for(hq_user).get(f"/plans/{plan.pk}/report/").text

    (points,) = _svgs(page)
    assert "<circle" in points
    assert "maps.css" in page
