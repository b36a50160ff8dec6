"""The implementing partner and focal point filters of the project list: typed
text (an acronym, a name), with the names of the partners and focal points
suggested as one types (htmx), and the primary keys that old links hold."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from coordination.models import Organisation
from projects.filters import SUGGESTIONS
from projects.models import Project
from tests.conftest import SIGNED_IN_QUERIES
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

PARTNERS = "/projects/suggest/partners/"
FOCAL_POINTS = "/projects/suggest/focal-points/"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def listed(client_for, reader):
    """The titles listed for the given query, sorted."""
    client = client_for(reader)

    def get(query: dict) -> list[str]:
        response = client.get("/projects/", query)
        assert response.status_code == 200
        return sorted(project.title for project in response.context["page_obj"].object_list)

    return get


@pytest.fixture
def partners(db):
    """Two partners with a project each, and an organisation that implements none."""
    amss = OrganisationFactory(name="Association malienne pour la survie au Sahel", acronym="AMSS")
    tassaght = OrganisationFactory(name="Association Tassaght", acronym="TASSAGHT")
    ProjectFactory(title="Forage AMSS", implementing_partner=amss)
    ProjectFactory(title="Puits Tassaght", implementing_partner=tassaght)
    OrganisationFactory(name="Ambassade de Suède", acronym="SUEDE")
    return amss, tassaght


# --- Without JavaScript: a text filter ----------------------------------------------


def test_partner_filter_matches_the_acronym_whatever_the_case(listed, partners):
    assert listed({"implementing_partner": "amss"}) == ["Forage AMSS"]


def test_partner_filter_matches_part_of_the_name(listed, partners):
    assert listed({"implementing_partner": "tassag"}) == ["Puits Tassaght"]
    assert listed({"implementing_partner": "Association"}) == ["Forage AMSS", "Puits Tassaght"]


def test_partner_filter_by_primary_key_keeps_the_old_links_working(listed, partners):
    amss, _tassaght = partners
    # A partner whose name holds the key of another must not be listed with it.
    ProjectFactory(
        title="Forage 2024",
        implementing_partner=OrganisationFactory(name=f"Coopérative {amss.pk}", acronym=""),
    )

    assert listed({"implementing_partner": str(amss.pk)}) == ["Forage AMSS"]


def test_a_number_that_is_no_partner_is_looked_for_in_the_names(listed, partners):
    ProjectFactory(
        title="Coopérative",
        implementing_partner=OrganisationFactory(name="Coopérative 987654321", acronym=""),
    )

    assert listed({"implementing_partner": "987654321"}) == ["Coopérative"]


def test_focal_point_filter_matches_a_name_or_the_username(listed):
    aminata = UserFactory(username="atoure", first_name="Aminata", last_name="Touré")
    ProjectFactory(title="Suivi par Aminata", focal_point=aminata)
    ProjectFactory(title="Suivi par un autre", focal_point=UserFactory(first_name="Moussa"))
    ProjectFactory(title="Sans point focal")

    assert listed({"focal_point": "touré"}) == ["Suivi par Aminata"]
    assert listed({"focal_point": "Aminata Touré"}) == ["Suivi par Aminata"]
    assert listed({"focal_point": "ATOURE"}) == ["Suivi par Aminata"]
    assert listed({"focal_point": str(aminata.pk)}) == ["Suivi par Aminata"]


def test_no_matching_partner_shows_the_empty_state(client_for, reader, partners):
    response = client_for(reader).get("/projects/", {"implementing_partner": "UNICEF"})

    assert response.status_code == 200
    assert response.context["totals"]["count"] == 0
    assert "No project matches these filters." in response.text


def test_the_typed_text_stays_in_the_input_and_in_the_page_links(client_for, reader):
    amss = OrganisationFactory(acronym="AMSS")
    ProjectFactory.create_batch(30, implementing_partner=amss)

    page = client_for(reader).get("/projects/", {"implementing_partner": "AMSS"}).text

    assert 'name="implementing_partner" value="AMSS"' in page
    assert 'href="?implementing_partner=AMSS&amp;page=2"' in page


def test_the_partner_filter_combines_with_the_other_filters(listed, partners):
    amss, _tassaght = partners
    ProjectFactory(title="AMSS en cours", implementing_partner=amss, status="ongoing")

    assert listed({"implementing_partner": "AMSS", "status": "ongoing"}) == ["AMSS en cours"]


@pytest.mark.parametrize(
    "value",
    [
        "A" * 5000,
        "%_\\'\"",
        "<script>alert(1)</script>",
        "99999999999999999999",
        "-1",
        "١٢",  # digits, but not ASCII ones
        "\x00",
        "   ",
    ],
)
@pytest.mark.parametrize("name", ["implementing_partner", "focal_point"])
def test_odd_text_in_the_filters_is_a_page_not_an_error(client_for, reader, partners, name, value):
    client = client_for(reader)
    htmx = {"HX-Request": "true"}

    assert client.get("/projects/", {name: value}).status_code == 200
    assert client.get("/projects/", {name: value}, headers=htmx).status_code == 200
    assert client.get(PARTNERS, {"implementing_partner": value}).status_code == 200
    assert client.get(FOCAL_POINTS, {"focal_point": value}).status_code == 200


def test_too_long_a_text_is_refused_with_a_message(client_for, reader, partners):
    response = client_for(reader).get("/projects/", {"implementing_partner": "A" * 201})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["implementing_partner"]
    assert response.context["totals"]["count"] == 0


# --- With JavaScript: suggestions as one types ---------------------------------------


def test_the_inputs_ask_their_suggestions_and_fill_their_datalist(client_for, reader):
    page = client_for(reader).get("/projects/").text

    assert 'list="id_implementing_partner_suggestions"' in page
    assert f'hx-get="{PARTNERS}"' in page
    assert 'hx-target="#id_implementing_partner_suggestions"' in page
    assert '<datalist id="id_implementing_partner_suggestions" hx-disable></datalist>' in page
    assert 'list="id_focal_point_suggestions"' in page
    assert f'hx-get="{FOCAL_POINTS}"' in page


def test_partner_suggestions_offer_the_partners_named_so(client_for, reader, partners):
    response = client_for(reader).get(PARTNERS, {"implementing_partner": "assoc"})

    assert response.status_code == 200
    assert response.text.count("<option") == 2
    assert '<option value="AMSS">AMSS — Association malienne pour la survie au Sahel' in (
        response.text
    )
    assert '<option value="TASSAGHT">TASSAGHT — Association Tassaght</option>' in response.text


def test_partner_suggestions_leave_out_organisations_without_projects(client_for, reader, partners):
    # The embassy implements no project: choosing it would never list a row.
    response = client_for(reader).get(PARTNERS, {"implementing_partner": "Suède"})

    assert "<option" not in response.text


def test_suggestions_name_only_the_partners_of_projects_the_person_reads(
    client_for, viewer, partners
):
    # A partner (viewer) reads published projects only; both projects are drafts.
    amss, _tassaght = partners
    ProjectFactory(title="Publié", status=Project.Status.APPROVED, implementing_partner=amss)

    response = client_for(viewer).get(PARTNERS, {"implementing_partner": "assoc"})

    assert response.text.count("<option") == 1
    assert 'value="AMSS"' in response.text


def test_focal_point_suggestions_offer_the_people_named_so(client_for, reader):
    aminata = UserFactory(username="atoure", first_name="Aminata", last_name="Touré")
    ProjectFactory(focal_point=aminata)
    UserFactory(first_name="Amina", last_name="Diallo")  # the focal point of nothing

    response = client_for(reader).get(FOCAL_POINTS, {"focal_point": "amin"})

    assert response.text.strip() == '<option value="Aminata Touré">atoure</option>'


def test_suggestions_show_names_escaped(client_for, reader):
    ProjectFactory(
        implementing_partner=OrganisationFactory(name="<script>alert(1)</script>", acronym="")
    )
    ProjectFactory(
        focal_point=UserFactory(username="x", first_name='"><img src=x>', last_name="Doe")
    )
    client = client_for(reader)

    partner = client.get(PARTNERS, {"implementing_partner": "script"}).text
    person = client.get(FOCAL_POINTS, {"focal_point": "img"}).text

    assert "<script>" not in partner
    assert (
        '<option value="&lt;script&gt;alert(1)&lt;/script&gt;">'
        "&lt;script&gt;alert(1)&lt;/script&gt;</option>"
    ) in partner
    assert "<img" not in person
    assert 'value="&quot;&gt;&lt;img src=x&gt; Doe"' in person


def test_suggestions_are_few(client_for, reader):
    for i in range(SUGGESTIONS + 5):
        ProjectFactory(implementing_partner=OrganisationFactory(name=f"Association {i:02d}"))

    response = client_for(reader).get(PARTNERS, {"implementing_partner": "association"})

    assert response.text.count("<option") == SUGGESTIONS == 10


def test_empty_text_suggests_nothing(client_for, reader, partners):
    response = client_for(reader).get(PARTNERS, {"implementing_partner": "  "})

    assert response.status_code == 200
    assert "<option" not in response.text


@pytest.mark.parametrize("url", [PARTNERS, FOCAL_POINTS])
def test_suggestions_require_sign_in(client, url):
    response = client.get(url, {"implementing_partner": "a", "focal_point": "a"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", [PARTNERS, FOCAL_POINTS])
def test_suggestions_are_read_only(client_for, reader, url):
    assert client_for(reader).post(url).status_code == 405


# The suggestions: the signed-in request, the person's role (which projects
# they read, `reviews.visibility`) and the matching names in one query (the
# projects they read as a subquery). No page around them: no navigation, no
# review queue.
SUGGESTION_QUERIES = SIGNED_IN_QUERIES + 1 + 1


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize(
    ("url", "param"), [(PARTNERS, "implementing_partner"), (FOCAL_POINTS, "focal_point")]
)
def test_suggestions_cost_the_same_queries_for_few_or_many_names(
    client_for, gao_officer, django_assert_num_queries, n, url, param
):
    for i in range(n):
        ProjectFactory(
            implementing_partner=OrganisationFactory(name=f"Association {i}"),
            focal_point=UserFactory(first_name="Association", last_name=f"Membre {i}"),
        )
    client = client_for(gao_officer)

    with django_assert_num_queries(SUGGESTION_QUERIES):
        response = client.get(url, {param: "association"})

    assert response.text.count("<option") == min(n, SUGGESTIONS)


# --- What the page weighs ------------------------------------------------------------


def _projects_of_many_partners(partners: int, people: int, tag: str) -> None:
    """One project for each of `partners` organisations, followed by
    `people` focal points in turn (bulk: hundreds of rows)."""
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation partenaire {tag}{i}", acronym=f"{tag}{i}", kind="ngo")
        for i in range(partners)
    )
    focal_points = [UserFactory() for _ in range(people)]
    template = ProjectFactory.build()
    Project.objects.bulk_create(
        Project(
            code=f"QIP-2024-{tag}-{i:04d}",
            title=f"Projet {i}",
            region_id=template.region.pk,
            mechanism_id=template.mechanism.pk,
            implementing_partner=organisation,
            focal_point=focal_points[i % people],
            budget_amount=Decimal(1000 + i),
            planned_start=datetime.date(2024, 2, 1),
            planned_end=datetime.date(2024, 6, 30),
            created_by=focal_points[0],
        )
        for i, organisation in enumerate(organisations)
    )


def test_the_page_offers_no_option_per_partner_or_focal_point(client_for, reader):
    client = client_for(reader)
    _projects_of_many_partners(3, 2, "FEW")
    few = client.get("/projects/").text.count("<option")
    _projects_of_many_partners(300, 50, "MANY")

    many = client.get("/projects/").text.count("<option")

    # Only the short lists: regions, cercles, mechanisms, statuses, sorting...
    assert many == few
    assert many < 150
