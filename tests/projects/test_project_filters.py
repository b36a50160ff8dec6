"""The filters, search and sorting of the project list: each one keeps the
rows that match and drops the others; no value in the address breaks the page."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from funding.models import Mechanism, Window
from projects.models import GenderMarker
from regions.models import Cercle, Pillar, Region
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


@pytest.fixture
def listed(client_for, reader):
    """The titles listed for the given query, sorted unless `ordered`."""
    client = client_for(reader)

    def get(query: dict, ordered: bool = False) -> list[str]:
        response = client.get("/projects/", query)
        assert response.status_code == 200
        titles = [project.title for project in response.context["page_obj"].object_list]
        return titles if ordered else sorted(titles)

    return get


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


# --- One test per filter -------------------------------------------------------------


def test_region_filter_keeps_the_projects_of_the_region(listed):
    ProjectFactory(title="Gao")
    ProjectFactory(title="Mopti", region=_region("ML-5"))

    assert listed({"region": _region("ML-5").pk}) == ["Mopti"]


def test_cercle_filter_keeps_the_projects_in_the_cercle(listed):
    ansongo = Cercle.objects.get(name="Ansongo")
    bourem = Cercle.objects.get(name="Bourem")
    ProjectFactory(title="Ansongo").cercles.set([ansongo])
    ProjectFactory(title="Ansongo et Bourem").cercles.set([ansongo, bourem])
    ProjectFactory(title="Bourem").cercles.set([bourem])
    ProjectFactory(title="Sans cercle")

    assert listed({"cercle": ansongo.pk}) == ["Ansongo", "Ansongo et Bourem"]


def test_mechanism_filter_keeps_the_projects_of_the_mechanism(listed):
    ProjectFactory(title="QIP")
    ProjectFactory(title="Trust Fund", mechanism=Mechanism.objects.get(code="tf"))

    assert listed({"mechanism": Mechanism.objects.get(code="tf").pk}) == ["Trust Fund"]


def test_window_filter_keeps_the_projects_of_the_window(listed):
    pbf = Mechanism.objects.get(code="pbf")
    irf, prf = Window.objects.get(code="irf"), Window.objects.get(code="prf")
    ProjectFactory(title="IRF", mechanism=pbf, window=irf)
    ProjectFactory(title="PRF", mechanism=pbf, window=prf)
    ProjectFactory(title="QIP")

    assert listed({"window": prf.pk}) == ["PRF"]


def test_status_filter_keeps_the_projects_in_that_status(listed):
    ProjectFactory(title="En cours", status="ongoing")
    ProjectFactory(title="Pipeline")
    ProjectFactory(title="Clôturé", status="closed")

    assert listed({"status": "ongoing"}) == ["En cours"]


def test_pillar_filter_keeps_the_projects_whose_priority_is_of_the_pillar(listed):
    plan = PlanFactory()
    ProjectFactory(title="Sécurité", priority=PriorityFactory(plan=plan, pillar=Pillar.SECURITY))
    ProjectFactory(title="Services", priority=PriorityFactory(plan=plan))
    ProjectFactory(title="Sans priorité")

    assert listed({"pillar": "security"}) == ["Sécurité"]


def test_priority_filter_keeps_the_projects_of_the_priority(listed):
    plan = PlanFactory()
    water, schools = PriorityFactory(plan=plan), PriorityFactory(plan=plan)
    ProjectFactory(title="Eau 1", priority=water)
    ProjectFactory(title="Eau 2", priority=water)
    ProjectFactory(title="Écoles", priority=schools)

    assert listed({"priority": water.pk}) == ["Eau 1", "Eau 2"]


def test_priority_choices_name_the_region_of_their_plan(client_for, reader):
    priority = PriorityFactory(code="AXE-1", title="Eau", plan=PlanFactory(region=_region("ML-5")))
    ProjectFactory(priority=priority)

    response = client_for(reader).get("/projects/")

    assert f'<option value="{priority.pk}">Mopti · AXE-1 — Eau</option>' in response.text


def test_implementing_partner_filter_keeps_the_projects_of_the_partner(listed):
    partner = OrganisationFactory(acronym="AMSS")
    ProjectFactory(title="AMSS 1", implementing_partner=partner)
    ProjectFactory(title="AMSS 2", implementing_partner=partner)
    ProjectFactory(title="Autre")

    assert listed({"implementing_partner": partner.pk}) == ["AMSS 1", "AMSS 2"]


def test_focal_point_filter_keeps_the_projects_followed_by_that_person(listed):
    aminata = UserFactory(first_name="Aminata", last_name="Touré")
    ProjectFactory(title="Suivi par Aminata", focal_point=aminata)
    ProjectFactory(title="Suivi par un autre", focal_point=UserFactory())
    ProjectFactory(title="Sans point focal")

    assert listed({"focal_point": aminata.pk}) == ["Suivi par Aminata"]


def test_gender_marker_filter_keeps_the_projects_with_that_marker(listed):
    ProjectFactory(title="Principal", gender_marker=GenderMarker.PRINCIPAL)
    ProjectFactory(title="Significatif", gender_marker=GenderMarker.SIGNIFICANT)
    ProjectFactory(title="Non ciblé")

    assert listed({"gender_marker": "2"}) == ["Principal"]
    assert listed({"gender_marker": "0"}) == ["Non ciblé"]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("2023", ["2023-2024"]),
        ("2024", ["2023-2024", "2024"]),
        ("2025", ["2025"]),
        ("2026", []),
    ],
)
def test_year_filter_keeps_the_projects_whose_planned_period_overlaps_the_year(
    listed, year, expected
):
    ProjectFactory(
        title="2023-2024",
        planned_start=datetime.date(2023, 12, 31),
        planned_end=datetime.date(2024, 1, 1),
    )
    ProjectFactory(
        title="2024", planned_start=datetime.date(2024, 3, 1), planned_end=datetime.date(2024, 8, 1)
    )
    ProjectFactory(
        title="2025", planned_start=datetime.date(2025, 1, 1), planned_end=datetime.date(2025, 1, 1)
    )

    assert listed({"year": year}) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"budget_min": "20000"}, ["20 000", "45 000,50", "9 000 000 XOF"]),
        ({"budget_max": "20000"}, ["10 000", "20 000"]),
        ({"budget_min": "15000", "budget_max": "45000.50"}, ["20 000", "45 000,50"]),
        ({"budget_min": "45000.51", "budget_max": "100000"}, []),
    ],
)
def test_budget_range_keeps_the_projects_within_it_in_their_own_currency(listed, query, expected):
    ProjectFactory(title="10 000", budget_amount=Decimal("10000"))
    ProjectFactory(title="20 000", budget_amount=Decimal("20000"))
    ProjectFactory(title="45 000,50", budget_amount=Decimal("45000.50"))
    ProjectFactory(title="9 000 000 XOF", budget_amount=Decimal("9000000"), budget_currency="XOF")

    assert listed(query) == expected


def test_filters_combine(listed):
    ProjectFactory(title="Gao en cours", status="ongoing")
    ProjectFactory(title="Gao pipeline")
    ProjectFactory(title="Mopti en cours", region=_region("ML-5"), status="ongoing")

    assert listed({"region": _region("ML-7").pk, "status": "ongoing"}) == ["Gao en cours"]


# --- Search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tf-2024", ["Par le code"]),
        ("FORAGE", ["Par le titre"]),
        ("maraîchage", ["Par le résumé"]),
        ("  forage  ", ["Par le titre"]),
    ],
)
def test_search_looks_in_code_title_and_summary_ignoring_case(listed, q, expected):
    ProjectFactory(title="Par le code", code="TF-2024-GAO-001", summary="")
    ProjectFactory(title="Par le titre : forage de Bourem", summary="")
    ProjectFactory(title="Par le résumé", summary="Périmètre de maraîchage des femmes.")

    titles = listed({"q": q})

    assert [title.split(" :")[0] for title in titles] == expected


# --- Sorting -------------------------------------------------------------------------


def _three_projects():
    ProjectFactory(
        title="Bravo",
        code="QIP-2024-GAO-002",
        region=_region("ML-5"),  # Mopti
        status="ongoing",
        planned_start=datetime.date(2024, 1, 1),
        budget_amount=Decimal("30000"),
    )
    ProjectFactory(
        title="Alpha",
        code="QIP-2024-GAO-003",
        region=_region("ML-7"),  # Gao
        status="approved",
        planned_start=datetime.date(2024, 3, 1),
        budget_amount=Decimal("10000"),
    )
    ProjectFactory(
        title="Charlie",
        code="QIP-2024-GAO-001",
        region=_region("ML-8"),  # Kidal
        status="pipeline",
        planned_start=datetime.date(2024, 2, 1),
        budget_amount=Decimal("20000"),
    )


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", ["Alpha", "Charlie", "Bravo"]),  # latest planned start first
        ("code", ["Charlie", "Bravo", "Alpha"]),
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("-title", ["Charlie", "Bravo", "Alpha"]),
        ("region", ["Alpha", "Charlie", "Bravo"]),
        ("status", ["Charlie", "Alpha", "Bravo"]),  # in the order of the workflow
        ("start", ["Bravo", "Charlie", "Alpha"]),
        ("budget", ["Alpha", "Charlie", "Bravo"]),
        ("-budget", ["Bravo", "Charlie", "Alpha"]),
    ],
)
def test_list_sorts_by_the_chosen_column(listed, ordering, expected):
    _three_projects()

    assert listed({"ordering": ordering}, ordered=True) == expected


def test_rows_with_equal_values_keep_one_order_by_code(listed):
    for code in ("QIP-2024-GAO-003", "QIP-2024-GAO-001", "QIP-2024-GAO-002"):
        ProjectFactory(title=code, code=code)

    assert listed({"ordering": "budget"}, ordered=True) == [
        "QIP-2024-GAO-001",
        "QIP-2024-GAO-002",
        "QIP-2024-GAO-003",
    ]


def test_column_headers_sort_and_the_current_one_reverses(client_for, reader):
    ProjectFactory()

    page = client_for(reader).get("/projects/", {"status": "pipeline", "ordering": "title"}).text

    assert (
        '<th scope="col" class="col-title" aria-sort="ascending">'
        '<a href="?status=pipeline&amp;ordering=-title">' in page
    )
    assert '<a href="?status=pipeline&amp;ordering=budget">' in page
    assert '<option value="-budget">Budget (descending)</option>' in page


# --- What the address may hold -------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "99999"},
        {"year": "-1"},
        {"budget_min": "lots"},
        {"budget_max": "1e400"},
        {"budget_min": "NaN"},
        {"budget_max": "-5"},
        {"region": "not-a-region"},
        {"cercle": "999999"},
        {"mechanism": "qip"},
        {"window": "1.5"},
        {"priority": "'; DROP TABLE projects_project; --"},
        {"implementing_partner": "0"},
        {"focal_point": "x"},
        {"status": "deleted"},
        {"pillar": "<script>"},
        {"gender_marker": "7"},
        {"ordering": "zzz"},
        {"ordering": "-summary"},
        {"q": "%_\\'\""},
        {"page": "-3", "page_size": "1000000"},
    ],
)
def test_garbage_in_the_address_is_a_page_not_an_error(client_for, reader, query):
    ProjectFactory()
    client = client_for(reader)

    assert client.get("/projects/", query).status_code == 200
    assert client.get("/projects/", query, headers={"HX-Request": "true"}).status_code == 200
    assert client.get("/projects/export.csv", query).status_code == 200
    assert client.get("/projects/export.xlsx", query).status_code == 200


def test_an_invalid_filter_shows_the_error_and_no_rows(client_for, reader):
    ProjectFactory()

    response = client_for(reader).get("/projects/", {"budget_min": "lots", "status": "deleted"})

    assert "Enter a number." in response.text
    assert "Select a valid choice." in response.text
    assert list(response.context["page_obj"].object_list) == []
    assert response.context["totals"]["count"] == 0
    assert "No project matches these filters." in response.text
