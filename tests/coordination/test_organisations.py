"""The list of organisations, the page of one, and creating and editing them."""

import datetime

import pytest
from django.conf import settings

from coordination.forms.organisations import OrganisationForm
from coordination.models import Organisation
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

Kind = Organisation.Kind


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page_obj"].object_list]


def _data(**overrides) -> dict:
    data = {
        "name": "Agence française de développement",
        "acronym": "AFD",
        "kind": Kind.BILATERAL,
        "country": "FR",
        "website": "https://www.afd.fr",
        "is_active": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


# --- The list ------------------------------------------------------------------------


def test_organisation_list_shows_name_acronym_kind_and_translated_country(client_for, viewer):
    OrganisationFactory(name="Deutsche Gesellschaft", acronym="GIZ", country="DE")

    response = client_for(viewer).get("/coordination/organisations/")

    assert response.status_code == 200
    assert "Deutsche Gesellschaft" in response.text and "GIZ" in response.text
    assert "Bilateral donor" in response.text
    assert "Germany" in response.text


def test_organisation_list_names_countries_in_the_page_language(client_for, viewer):
    OrganisationFactory(country="DE")
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get("/coordination/organisations/").text

    assert "Allemagne" in page


def test_organisation_list_filters_by_kind_country_and_text(client_for, viewer):
    OrganisationFactory(name="Programme des Nations Unies", acronym="PNUD", kind=Kind.UN_AGENCY)
    OrganisationFactory(name="Ambassade de France", acronym="France", country="FR")
    OrganisationFactory(name="Ambassade du Danemark", acronym="Danemark", country="DK")
    client = client_for(viewer)

    by_kind = client.get("/coordination/organisations/", {"kind": "un_agency"})
    by_country = client.get("/coordination/organisations/", {"country": "DK"})
    by_acronym = client.get("/coordination/organisations/", {"q": "pnud"})
    by_name = client.get("/coordination/organisations/", {"q": "ambassade"})

    assert _names(by_kind) == ["Programme des Nations Unies"]
    assert _names(by_country) == ["Ambassade du Danemark"]
    assert _names(by_acronym) == ["Programme des Nations Unies"]
    assert _names(by_name) == ["Ambassade de France", "Ambassade du Danemark"]


def test_organisation_list_offers_only_the_countries_in_use(client_for, viewer):
    OrganisationFactory(country="SE")

    page = client_for(viewer).get("/coordination/organisations/").text

    assert '<option value="SE">Sweden</option>' in page
    assert '<option value="NO">' not in page


def test_organisation_list_sorts_by_the_chosen_column(client_for, viewer):
    for name, acronym in (("Bravo", "C"), ("Alpha", "B"), ("Charlie", "A")):
        OrganisationFactory(name=name, acronym=acronym)
    client = client_for(viewer)

    assert _names(client.get("/coordination/organisations/", {"ordering": "-name"})) == [
        "Charlie",
        "Bravo",
        "Alpha",
    ]
    assert _names(client.get("/coordination/organisations/", {"ordering": "acronym"})) == [
        "Charlie",
        "Alpha",
        "Bravo",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "zzz", "page": "abc", "ordering": "x"},
        {"country": "XX"},
        {"country": "<script>"},
        {"page": "-3"},
        {"page": "999"},
        {"ordering": "-password"},
    ],
)
def test_organisation_list_with_garbage_in_the_query_is_a_page_not_an_error(
    client_for, viewer, query
):
    OrganisationFactory()

    assert client_for(viewer).get("/coordination/organisations/", query).status_code == 200


def test_organisation_list_with_an_invalid_filter_shows_the_error_and_no_rows(client_for, viewer):
    OrganisationFactory()

    response = client_for(viewer).get("/coordination/organisations/", {"kind": "zzz"})

    assert "Select a valid choice." in response.text
    assert _names(response) == []
    assert "No organisation matches these filters." in response.text


def test_organisation_list_is_paginated_by_25(client_for, viewer):
    OrganisationFactory.create_batch(30, kind=Kind.UN_AGENCY)
    client = client_for(viewer)

    first = client.get("/coordination/organisations/", {"kind": "un_agency"})
    last = client.get("/coordination/organisations/", {"kind": "un_agency", "page": "2"})

    assert len(first.context["page_obj"].object_list) == 25
    assert 'href="?kind=un_agency&amp;page=2"' in first.text
    assert len(last.context["page_obj"].object_list) == 5


def test_organisation_list_without_organisations_says_so(client_for, viewer):
    page = client_for(viewer).get("/coordination/organisations/").text

    assert "No organisation has been recorded yet." in page


@pytest.mark.parametrize(
    ("fixture", "shown"),
    [
        ("hq_user", True),
        ("gao_officer", False),
        ("tombouctou_head", False),
        ("fund_manager", False),
        ("viewer", False),
    ],
)
def test_new_organisation_button_only_for_headquarters(request, client_for, fixture, shown):
    page = client_for(request.getfixturevalue(fixture)).get("/coordination/organisations/").text

    assert ('href="/coordination/organisations/new/"' in page) is shown


# --- One organisation --------------------------------------------------------------


def test_organisation_page_lists_current_and_past_memberships_with_role_and_dates(
    client_for, viewer
):
    organisation = OrganisationFactory(name="Programme des Nations Unies pour le développement")
    MembershipFactory(
        organisation=organisation,
        body=BodyFactory(name="CRZPC", region=None),
        role="co_chair",
        start_date=datetime.date(2016, 3, 1),
    )
    MembershipFactory(
        organisation=organisation,
        body=BodyFactory(name="Comité de Gao"),
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2020, 6, 30),
    )

    response = client_for(viewer).get(f"/coordination/organisations/{organisation.pk}/")

    assert response.status_code == 200
    memberships = list(response.context["memberships"])
    assert [m.body.name for m in memberships] == ["CRZPC", "Comité de Gao"]
    page = response.text
    assert "Co-chair" in page and "1 Mar 2016" in page
    assert "30 Jun 2020" in page
    assert page.count('class="badge badge--muted">past<') == 1


def test_organisation_page_lists_the_latest_twenty_meetings_attended(client_for, viewer):
    organisation = OrganisationFactory()
    now = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)
    meetings = [MeetingFactory(starts_at=now + datetime.timedelta(days=days)) for days in range(22)]
    for meeting in meetings:
        meeting.organisations.add(organisation)
    MeetingFactory()  # not attended

    response = client_for(viewer).get(f"/coordination/organisations/{organisation.pk}/")

    shown = list(response.context["meetings"])
    assert shown == meetings[::-1][:20]


def test_organisation_page_shows_its_pending_decisions(client_for, viewer):
    organisation = OrganisationFactory()
    DecisionFactory(owner_organisation=organisation, text="Financer les forages")
    DecisionFactory(owner_organisation=organisation, text="Déjà faite", status="done")

    page = client_for(viewer).get(f"/coordination/organisations/{organisation.pk}/").text

    assert "Financer les forages" in page
    assert "Déjà faite" not in page


def test_organisation_page_of_a_new_organisation_shows_empty_states(client_for, viewer):
    organisation = OrganisationFactory()

    page = client_for(viewer).get(f"/coordination/organisations/{organisation.pk}/").text

    assert "This organisation sits on no coordination body." in page
    assert "No attendance has been recorded for this organisation." in page


def test_unknown_organisation_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/coordination/organisations/999999/").status_code == 404


@pytest.mark.parametrize(("fixture", "shown"), [("hq_user", True), ("gao_officer", False)])
def test_edit_button_only_for_headquarters(db, request, client_for, fixture, shown):
    organisation = OrganisationFactory()

    page = client_for(request.getfixturevalue(fixture)).get(organisation.get_absolute_url()).text

    assert (f'href="/coordination/organisations/{organisation.pk}/edit/"' in page) is shown


# --- Creating and editing -------------------------------------------------------------


def test_headquarters_creates_an_organisation_and_is_sent_to_its_page(client_for, hq_user):
    response = client_for(hq_user).post("/coordination/organisations/new/", _data(), follow=True)

    organisation = Organisation.objects.get()
    assert response.redirect_chain == [(organisation.get_absolute_url(), 302)]
    assert (organisation.acronym, organisation.country.code) == ("AFD", "FR")
    assert organisation.history.get().history_user == hq_user
    assert "The organisation was created." in response.text


def test_headquarters_edits_an_organisation(client_for, hq_user):
    organisation = OrganisationFactory(name="Ancien nom", acronym="AN")

    response = client_for(hq_user).post(
        f"/coordination/organisations/{organisation.pk}/edit/",
        _data(name="Nouveau nom", acronym="AN", is_active=None),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.is_active) == ("Nouveau nom", False)


def test_saving_an_organisation_unchanged_is_not_a_duplicate_of_itself(client_for, hq_user):
    organisation = OrganisationFactory(name="Agence française de développement", acronym="AFD")

    response = client_for(hq_user).post(
        f"/coordination/organisations/{organisation.pk}/edit/", _data()
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "AGENCE FRANÇAISE DE DÉVELOPPEMENT", "this name"),
        ("name", "agence française de développement", "this name"),
        ("acronym", "afd", "this acronym"),
        ("name", "  Agence française de développement ", "this name"),
    ],
)
def test_duplicate_name_or_acronym_in_another_case_is_refused(
    client_for, hq_user, field, value, message
):
    OrganisationFactory(name="Agence française de développement", acronym="AFD")
    data = _data(name="Autre", acronym="AUT") | {field: value}

    response = client_for(hq_user).post("/coordination/organisations/new/", data)

    assert response.status_code == 200
    assert f"An organisation with {message} already exists." in response.text
    assert Organisation.objects.count() == 1


def test_duplicate_saved_by_somebody_else_meanwhile_shows_the_same_error(
    client_for, hq_user, monkeypatch
):
    OrganisationFactory(name="Agence française de développement", acronym="AFD")
    # The checks pass, as when the other row arrives just after them: the
    # database constraints refuse the row.
    monkeypatch.setattr(OrganisationForm, "clean_name", lambda form: form.cleaned_data["name"])
    monkeypatch.setattr(
        OrganisationForm, "clean_acronym", lambda form: form.cleaned_data["acronym"]
    )
    monkeypatch.setattr(Organisation, "validate_constraints", lambda *args, **kwargs: None)

    response = client_for(hq_user).post(
        "/coordination/organisations/new/", _data(name="AGENCE française de développement")
    )

    assert response.status_code == 200
    assert "An organisation with this name already exists." in response.text
    assert "An organisation with this acronym already exists." in response.text
    assert Organisation.objects.count() == 1


def test_two_organisations_may_both_have_no_acronym(client_for, hq_user):
    OrganisationFactory(acronym="")

    response = client_for(hq_user).post("/coordination/organisations/new/", _data(acronym=""))

    assert response.status_code == 302
    assert Organisation.objects.filter(acronym="").count() == 2


@pytest.mark.parametrize("website", ["pas une adresse", "javascript:alert(1)", "http://"])
def test_website_must_be_a_web_address(client_for, hq_user, website):
    response = client_for(hq_user).post("/coordination/organisations/new/", _data(website=website))

    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Organisation.objects.exists()


def test_website_without_its_scheme_is_taken_as_https(client_for, hq_user):
    client_for(hq_user).post("/coordination/organisations/new/", _data(website="www.afd.fr"))

    assert Organisation.objects.get().website == "https://www.afd.fr"


# --- Query counts -----------------------------------------------------------------------


def _organisations_with_rows(n: int) -> Organisation:
    kinds = list(Kind.values)
    for i in range(n):
        organisation = OrganisationFactory(kind=kinds[i % len(kinds)], country=("FR", "DE")[i % 2])
        MembershipFactory(organisation=organisation)
    organisation = Organisation.objects.first()
    for _i in range(n):
        MembershipFactory(organisation=organisation, end_date=datetime.date(2020, 1, 1))
        meeting = MeetingFactory(created_by=UserFactory())
        meeting.organisations.add(organisation)
        DecisionFactory(meeting=meeting, owner_organisation=organisation, owner_user=UserFactory())
    return organisation


@pytest.mark.parametrize("n", [1, 8])
def test_organisation_list_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, n
):
    client = client_for(viewer)
    _organisations_with_rows(n)
    # After the navigation's queries: the countries in use (filter choices),
    # COUNT for the paginator, the page of organisations with their current
    # bodies counted. Whether the user may create one needs no query: the
    # role is read once per request.
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 3 + 1):
        assert client.get("/coordination/organisations/", {"ordering": "name"}).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_organisation_page_query_count_does_not_grow(
    client_for, viewer, django_assert_num_queries, n
):
    client = client_for(viewer)
    organisation = _organisations_with_rows(n)
    related = sum(hasattr(Organisation, name) for name in ("projects", "contributions"))
    # After the navigation's queries: the organisation, its memberships with
    # their bodies and regions, the meetings it attended with their bodies, its
    # pending decisions with meeting, body and owners, and one query for each of
    # its projects and contributions once those apps define them.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 4 + related):
        response = client.get(f"/coordination/organisations/{organisation.pk}/")
    assert response.status_code == 200
    assert len(response.context["meetings"]) == n
