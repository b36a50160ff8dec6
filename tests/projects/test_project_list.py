"""The list of projects: what each row shows, the totals, pagination, htmx
and what the page costs in queries."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Count, Sum

from funding.models import Mechanism
from projects.models import Location, Project
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    ExchangeRateFactory,
    LocationFactory,
    OrganisationFactory,
    PriorityFactory,
    ProjectFactory,
    UserFactory,
)

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _codes(response) -> list[str]:
    return [project.code for project in response.context["page_obj"].object_list]


# --- What the list shows -----------------------------------------------------------


def test_project_list_shows_each_project_with_its_columns(client_for, reader):
    project = ProjectFactory(
        code="QIP-2024-GAO-014",
        title="Réhabilitation du forage de Sossokoïra",
        implementing_partner=OrganisationFactory(name="Association Tassaght", acronym="TASSAGHT"),
        budget_amount=Decimal("48250.5"),
        planned_start=datetime.date(2024, 2, 1),
        planned_end=datetime.date(2024, 6, 30),
        women=1200,
        men=1000,
        girls=800,
        boys=750,
    )

    response = client_for(reader).get("/projects/")

    assert response.status_code == 200
    page = response.text
    assert f'<a href="/projects/{project.pk}/">QIP-2024-GAO-014</a>' in page
    assert "Réhabilitation du forage de Sossokoïra" in page
    # Each cell names its column, for the rows shown as cards on a phone.
    assert '<td data-label="Region">Gao</td>' in page
    assert '<td data-label="Mechanism">QIP</td>' in page
    assert "TASSAGHT" in page
    assert "1 Feb 2024 – 30 Jun 2024" in page
    assert f"48,250.50{NBSP}USD" in page
    assert '<td class="num col-beneficiaries" data-label="Beneficiaries">3,750</td>' in page


def test_project_list_shows_the_window_beside_the_mechanism(client_for, reader):
    pbf = Mechanism.objects.get(code="pbf")
    ProjectFactory(mechanism=pbf, window=pbf.windows.get(code="irf"))

    response = client_for(reader).get("/projects/")

    assert '<td data-label="Mechanism">PBF · IRF</td>' in response.text


def test_beneficiaries_are_added_up_by_the_database(client_for, reader):
    ProjectFactory(women=1, men=20, girls=300, boys=4000)

    listed = client_for(reader).get("/projects/").context["page_obj"].object_list[0]

    assert listed.beneficiary_total == 4321
    assert "beneficiary_total" in listed.__dict__  # an annotation, not the property


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        ("pipeline", "badge--muted"),
        ("submitted", "badge--warning"),
        ("approved", "badge--info"),
        ("ongoing", "badge--info"),
        ("completed", "badge--success"),
        ("closed", "badge--success"),
        ("cancelled", "badge--danger"),
    ],
)
def test_status_badge_has_the_colour_of_the_status(client_for, reader, status, badge):
    ProjectFactory(status=status)

    response = client_for(reader).get("/projects/")

    assert f'class="badge {badge}">{status}<' in response.text


def test_project_list_without_projects_says_so(client_for, reader):
    response = client_for(reader).get("/projects/")

    assert "No project has been recorded yet." in response.text


def test_project_list_with_filters_matching_nothing_says_so(client_for, reader):
    ProjectFactory()

    response = client_for(reader).get("/projects/", {"q": "nothing like this"})

    assert "No project matches these filters." in response.text


def test_export_links_carry_the_current_filters(client_for, reader):
    ProjectFactory()

    response = client_for(reader).get("/projects/", {"status": "pipeline", "page": "1"})

    assert 'href="/projects/export.csv?status=pipeline"' in response.text
    assert 'href="/projects/export.xlsx?status=pipeline"' in response.text


@pytest.mark.parametrize(
    ("fixture", "shown"),
    [
        ("hq_user", True),
        ("gao_officer", True),
        ("tombouctou_head", True),
        ("fund_manager", False),
        ("viewer", False),
        ("admin_user", False),
    ],
)
def test_new_project_button_only_for_people_who_may_edit_a_region(
    request, client_for, fixture, shown
):
    response = client_for(request.getfixturevalue(fixture)).get("/projects/")

    assert ('href="/projects/new/"' in response.text) is shown


@pytest.mark.parametrize("url", ["/projects/", "/projects/export.csv", "/projects/export.xlsx"])
def test_project_list_and_exports_require_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- Totals --------------------------------------------------------------------------


def test_totals_count_every_budget_through_its_us_dollar_equivalent(client_for, reader):
    # February 2024, the factory's planned start: 600 XOF and 0.9 EUR per dollar.
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 2, 1), units_per_usd=600)
    ExchangeRateFactory(currency="EUR", month=datetime.date(2024, 2, 1), units_per_usd="0.9")
    ProjectFactory(budget_amount=Decimal("40000.00"))
    ProjectFactory(budget_amount=Decimal("12500.25"))
    ProjectFactory(budget_amount=Decimal("25000000"), budget_currency="XOF")
    ProjectFactory(budget_amount=Decimal("30000"), budget_currency="EUR")

    response = client_for(reader).get("/projects/")

    # 40,000 + 12,500.25 + 25,000,000 ÷ 600 (41,666.67) + 30,000 ÷ 0.9 (33,333.33)
    in_database = Project.objects.aggregate(count=Count("pk"), usd=Sum("budget_usd"))
    assert in_database == {"count": 4, "usd": Decimal("127500.25")}
    assert response.context["totals"] == {
        "count": 4,
        "budget_usd": Decimal("127500.25"),
        "not_converted": 0,
    }
    assert f"127,500.25{NBSP}USD" in response.text
    assert "left out" not in response.text


def test_a_budget_whose_month_has_no_rate_yet_is_named_as_left_out(client_for, reader):
    ProjectFactory(budget_amount=Decimal("40000.00"))
    ProjectFactory(budget_amount=Decimal("25000000"), budget_currency="XOF")
    ProjectFactory(budget_amount=Decimal("30000"), budget_currency="EUR")

    response = client_for(reader).get("/projects/")

    assert response.context["totals"] == {
        "count": 3,
        "budget_usd": Decimal("40000.00"),
        "not_converted": 2,
    }
    assert "2 budgets left out: no exchange rate yet for their month" in response.text


def test_totals_follow_the_filters_not_the_page(client_for, reader):
    ExchangeRateFactory(currency="XOF", month=datetime.date(2024, 2, 1), units_per_usd=600)
    ProjectFactory.create_batch(30, budget_amount=Decimal("1000"))
    ProjectFactory(budget_amount=Decimal("99"), budget_currency="XOF")
    ProjectFactory(budget_amount=Decimal("60"), budget_currency="EUR")
    ProjectFactory(region=Region.objects.get(code="ML-5"), budget_amount=Decimal("5"))

    response = client_for(reader).get("/projects/", {"region": Region.objects.get(code="ML-7").pk})

    assert response.context["totals"] == {
        "count": 32,
        "budget_usd": Decimal("30000.17"),  # 99 XOF is 0.165 USD, rounded to the cent
        "not_converted": 1,
    }
    assert len(_codes(response)) == 25
    assert "1 budget left out: no exchange rate yet for its month" in response.text


def test_totals_of_converted_budgets_do_not_mention_any_left_out(client_for, reader):
    ProjectFactory()

    response = client_for(reader).get("/projects/")

    assert response.context["totals"]["not_converted"] == 0
    assert "left out" not in response.text


# --- Pagination ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_size", "shown"),
    [("25", 25), ("50", 50), ("100", 60), ("", 25), ("30", 25), ("abc", 25), ("-50", 25)],
)
def test_page_size_is_one_of_the_offered_sizes(client_for, reader, page_size, shown):
    ProjectFactory.create_batch(60, implementing_partner=OrganisationFactory())

    response = client_for(reader).get("/projects/", {"page_size": page_size})

    assert response.status_code == 200
    assert len(_codes(response)) == shown


def test_pages_keep_the_filters_and_page_size_and_a_page_too_far_shows_the_last(client_for, reader):
    ProjectFactory.create_batch(60, implementing_partner=OrganisationFactory())
    client = client_for(reader)

    first = client.get("/projects/", {"status": "pipeline", "page_size": "50"})
    too_far = client.get("/projects/", {"status": "pipeline", "page_size": "50", "page": "999"})
    garbage = client.get("/projects/", {"page": "abc"})

    assert 'href="?status=pipeline&amp;page_size=50&amp;page=2"' in first.text
    assert '<option value="50" selected>50</option>' in first.text
    assert (too_far.context["page_obj"].number, len(_codes(too_far))) == (2, 10)
    assert garbage.status_code == 200
    assert garbage.context["page_obj"].number == 1


# --- htmx ----------------------------------------------------------------------------


def test_htmx_request_gets_only_the_table(client_for, reader):
    ProjectFactory(code="QIP-2024-GAO-001")

    response = client_for(reader).get(
        "/projects/", {"status": "pipeline"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'class="filters"' not in response.text
    assert "QIP-2024-GAO-001" in response.text
    assert 'class="stat__value">1<' in response.text
    assert "HX-Request" in response["Vary"]


def test_normal_request_gets_the_whole_page_with_the_htmx_form(client_for, reader):
    ProjectFactory(code="QIP-2024-GAO-001")

    response = client_for(reader).get("/projects/")

    page = response.text
    assert "<html" in page
    assert 'id="project-table"' in page and "QIP-2024-GAO-001" in page
    assert 'hx-get="/projects/"' in page and 'hx-target="#project-table"' in page
    assert 'hx-push-url="true"' in page
    assert '<button type="submit"' in page  # without JavaScript, the form still works


def test_htmx_history_restore_gets_the_whole_page(client_for, reader):
    response = client_for(reader).get(
        "/projects/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.text


# --- Query counts --------------------------------------------------------------------

# The page: the totals (one aggregate: count, USD sum, other currencies), the
# page of projects (region, mechanism, window and partner joined, beneficiaries
# added up), the choices of the filters that list rows (regions, cercles,
# mechanisms, windows, priorities), and whether the user may edit some region
# ("New project"). The paginator reuses the count. The partner and focal point
# filters are typed text, with suggestions from their own address: they read
# nothing here (tests/projects/test_partner_filter.py).
# (For those who read every project, the unfiltered list on PostgreSQL first
# reads the planner's estimate of their number instead of counting a large
# table: tests/projects/test_list_at_scale.py. A regional officer's list is
# counted.) The map of the listed projects by region: their number by
# region, the regions (2). The person's saved filters of the list (1), read
# at each request: never part of the page kept for everyone.
LIST_QUERIES = SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 2 + 5 + 1 + 2 + 1


def _projects_with_rows(n: int) -> None:
    """n drafts in the two regions of the Gao office (ML-7, ML-9): the Gao
    officer reads every one of them (`reviews.visibility`)."""
    regions = list(Region.objects.filter(code__in=["ML-7", "ML-9"]))
    for i in range(n):
        project = ProjectFactory(
            region=regions[i % 2],
            priority=PriorityFactory(),
            focal_point=UserFactory(),
            budget_currency=("USD", "XOF")[i % 2],
        )
        LocationFactory(project=project)
        LocationFactory(project=project, sensitivity=Location.Sensitivity.SENSITIVE)


@pytest.mark.parametrize("n", [5, 60])
def test_project_list_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, n
):
    client = client_for(gao_officer)
    _projects_with_rows(n)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/projects/", {"ordering": "-budget", "page_size": "50"})

    assert response.status_code == 200
    assert response.context["totals"]["count"] == n


def test_regional_officer_lists_each_project_they_read_once(client_for, gao_officer):
    """An officer reads the drafts of their office's regions and what is
    published everywhere; a region covered by several offices (headquarters
    covers every region) must not list a project once per office."""
    ProjectFactory(code="QIP-2024-GAO-001")
    ProjectFactory(code="QIP-2024-GAO-002", status=Project.Status.APPROVED)
    mopti = Region.objects.get(code="ML-5")
    ProjectFactory(code="QIP-2024-MOP-001", region=mopti, status=Project.Status.ONGOING)
    ProjectFactory(code="QIP-2024-MOP-002", region=mopti)

    response = client_for(gao_officer).get("/projects/")

    assert sorted(_codes(response)) == ["QIP-2024-GAO-001", "QIP-2024-GAO-002", "QIP-2024-MOP-001"]
    assert response.context["totals"]["count"] == 3


def test_project_list_of_5000_projects_costs_what_a_list_of_5_costs(
    client_for, gao_officer, django_assert_num_queries
):
    client = client_for(gao_officer)
    template = ProjectFactory.build()
    partner, author = OrganisationFactory(), UserFactory()
    Project.objects.bulk_create(
        [
            Project(
                code=f"QIP-2024-GAO-{i:04d}",
                title=f"Projet {i}",
                region_id=template.region.pk,
                mechanism_id=template.mechanism.pk,
                implementing_partner=partner,
                budget_amount=Decimal(1000 + i),
                planned_start=template.planned_start,
                planned_end=template.planned_end,
                created_by=author,
            )
            for i in range(5000)
        ]
    )

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/projects/", {"ordering": "-budget"})

    assert response.context["totals"]["count"] == 5000
    assert _codes(response)[0] == "QIP-2024-GAO-4999"
