"""The page of a coordination body, creating and editing bodies, adding
members and ending memberships."""

import datetime

import pytest
import time_machine
from django.conf import settings

from coordination.models import CoordinationBody, Decision, Membership
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import (
    BodyFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

Role = Membership.Role


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _body_data(**overrides) -> dict:
    data = {"name": "Comité régional de Gao", "kind": "regional_committee", "description": ""}
    data.update(overrides)
    return data


# --- One body ---------------------------------------------------------------------------


def test_body_page_groups_members_by_role_current_ones_first_and_marks_past_ones(
    client_for, viewer
):
    body = BodyFactory(name="CRZPC", region=None)
    MembershipFactory(body=body, role=Role.MEMBER, organisation=OrganisationFactory(name="AFD"))
    MembershipFactory(
        body=body,
        role=Role.MEMBER,
        organisation=OrganisationFactory(name="Ancien membre"),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    MembershipFactory(body=body, role=Role.CO_CHAIR, organisation=OrganisationFactory(name="PNUD"))
    MembershipFactory(body=body, role=Role.CHAIR, organisation=OrganisationFactory(name="MINUSMA"))
    MembershipFactory(
        body=body, role=Role.SECRETARIAT, organisation=OrganisationFactory(name="Secrétariat")
    )

    response = client_for(viewer).get(f"/coordination/bodies/{body.pk}/")

    assert response.status_code == 200
    groups = [
        (str(role), [m.organisation.name for m in rows])
        for role, rows in response.context["members_by_role"]
    ]
    assert groups == [
        ("Chair", ["MINUSMA"]),
        ("Co-chair", ["PNUD"]),
        ("Member", ["AFD", "Ancien membre"]),
        ("Secretariat", ["Secrétariat"]),
    ]
    assert response.text.count('class="badge badge--muted">past member<') == 1
    assert "National" in response.text


def test_body_page_lists_its_latest_meetings_and_links_to_all_of_them(client_for, viewer):
    body = BodyFactory()
    start = datetime.datetime(2024, 1, 1, 9, tzinfo=datetime.UTC)
    meetings = [
        MeetingFactory(body=body, starts_at=start + datetime.timedelta(weeks=i)) for i in range(12)
    ]
    MeetingFactory()  # of another body

    response = client_for(viewer).get(f"/coordination/bodies/{body.pk}/")

    assert list(response.context["meetings"]) == meetings[::-1][:10]
    assert f'href="/coordination/meetings/?body={body.pk}"' in response.text


def test_body_page_lists_its_decisions_pending_first(client_for, viewer):
    body = BodyFactory()
    meeting = MeetingFactory(body=body)
    DecisionFactory(meeting=meeting, text="Faite", status=Decision.Status.DONE)
    DecisionFactory(meeting=meeting, text="En cours", status=Decision.Status.IN_PROGRESS)
    DecisionFactory(meeting=meeting, text="Abandonnée", status=Decision.Status.DROPPED)
    DecisionFactory(meeting=meeting, text="Ouverte")
    DecisionFactory(text="D'un autre organe")

    response = client_for(viewer).get(f"/coordination/bodies/{body.pk}/")

    texts = [decision.text for decision in response.context["decisions"]]
    assert sorted(texts[:2]) == ["En cours", "Ouverte"]
    assert sorted(texts[2:]) == ["Abandonnée", "Faite"]
    assert 'class="badge badge--warning">in progress<' in response.text
    assert 'class="badge badge--success">done<' in response.text


def test_body_page_without_records_shows_empty_states(client_for, viewer):
    body = BodyFactory()

    page = client_for(viewer).get(f"/coordination/bodies/{body.pk}/").text

    assert "No member has been recorded for this body yet." in page
    assert "No meeting of this body has been recorded yet." in page
    assert "No decision of this body has been recorded yet." in page


def test_unknown_body_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/coordination/bodies/999999/").status_code == 404


@pytest.mark.parametrize(
    ("fixture", "region", "shown"),
    [
        ("hq_user", None, True),
        ("hq_user", "ML-5", True),
        ("gao_officer", "ML-7", True),
        ("gao_officer", "ML-9", True),
        ("gao_officer", "ML-5", False),
        ("gao_officer", None, False),
        ("viewer", "ML-7", False),
        ("fund_manager", None, False),
    ],
)
def test_body_page_offers_management_only_to_its_managers(
    db, request, client_for, fixture, region, shown
):
    body = BodyFactory(region=_region(region) if region else None)
    membership = MembershipFactory(body=body)

    page = client_for(request.getfixturevalue(fixture)).get(body.get_absolute_url()).text

    links = [
        f"/coordination/bodies/{body.pk}/edit/",
        f"/coordination/bodies/{body.pk}/members/new/",
        f"/coordination/members/{membership.pk}/end/",
    ]
    assert [f'href="{link}"' in page for link in links] == [shown] * 3


# --- Creating and editing bodies --------------------------------------------------------


def test_regional_officer_creates_a_body_of_a_region_of_their_office(client_for, gao_officer):
    response = client_for(gao_officer).post(
        "/coordination/bodies/new/", _body_data(region=_region("ML-9").pk)
    )

    body = CoordinationBody.objects.get()
    assert response.status_code == 302 and response.url == body.get_absolute_url()
    assert body.region.code == "ML-9"
    assert body.history.get().history_user == gao_officer


def test_body_form_offers_a_regional_officer_only_their_regions_and_no_national_scope(
    client_for, gao_officer
):
    response = client_for(gao_officer).get("/coordination/bodies/new/")

    field = response.context["form"]["region"].field
    assert sorted(region.code for region in field.queryset) == ["ML-7", "ML-9"]
    assert field.required
    assert "National (no region)" not in response.text


def test_headquarters_creates_a_national_body(client_for, hq_user):
    response = client_for(hq_user).get("/coordination/bodies/new/")
    assert "National (no region)" in response.text

    client_for(hq_user).post(
        "/coordination/bodies/new/", _body_data(name="Groupe exécutif", region="")
    )

    assert CoordinationBody.objects.national().get().name == "Groupe exécutif"


@pytest.mark.parametrize("region", ["ML-5", "", "999999", "gao"])
def test_forged_or_missing_region_in_a_regional_officers_body_form_writes_nothing(
    client_for, gao_officer, region
):
    data = _body_data(region=_region(region).pk if region == "ML-5" else region)

    response = client_for(gao_officer).post("/coordination/bodies/new/", data)

    assert response.status_code == 200
    assert "errorlist" in response.text
    assert not CoordinationBody.objects.exists()


def test_body_name_already_used_is_refused(client_for, hq_user):
    BodyFactory(name="Comité régional de Gao")

    response = client_for(hq_user).post(
        "/coordination/bodies/new/", _body_data(region=_region("ML-7").pk)
    )

    assert response.status_code == 200
    assert "already exists" in response.text
    assert CoordinationBody.objects.count() == 1


def test_regional_officer_edits_a_body_of_their_region(client_for, gao_officer):
    body = BodyFactory(name="Ancien nom")

    response = client_for(gao_officer).post(
        f"/coordination/bodies/{body.pk}/edit/",
        _body_data(name="Nouveau nom", region=body.region_id, description="Mandat."),
    )

    assert response.status_code == 302
    body.refresh_from_db()
    assert (body.name, body.description) == ("Nouveau nom", "Mandat.")


def test_regional_officer_cannot_move_a_body_to_another_region(client_for, gao_officer):
    body = BodyFactory()

    response = client_for(gao_officer).post(
        f"/coordination/bodies/{body.pk}/edit/", _body_data(region=_region("ML-5").pk)
    )

    assert response.status_code == 200
    assert CoordinationBody.objects.get(pk=body.pk).region.code == "ML-7"


# --- Members ----------------------------------------------------------------------------


def test_manager_adds_a_member_with_role_and_start_date(client_for, gao_officer):
    body = BodyFactory()
    organisation = OrganisationFactory()

    response = client_for(gao_officer).post(
        f"/coordination/bodies/{body.pk}/members/new/",
        {"organisation": organisation.pk, "role": "co_chair", "start_date": "2024-02-01"},
        follow=True,
    )

    membership = body.memberships.get()
    assert response.redirect_chain == [(body.get_absolute_url(), 302)]
    assert (membership.organisation, membership.role) == (organisation, "co_chair")
    assert membership.start_date == datetime.date(2024, 2, 1)
    assert "The member was added." in response.text


def test_organisation_already_a_current_member_cannot_be_added_again(client_for, gao_officer):
    membership = MembershipFactory()

    response = client_for(gao_officer).post(
        f"/coordination/bodies/{membership.body_id}/members/new/",
        {"organisation": membership.organisation_id, "role": "observer"},
    )

    assert response.status_code == 200
    assert "This organisation is already a member of this body." in response.text
    assert Membership.objects.count() == 1


def test_former_member_may_join_again(client_for, gao_officer):
    past = MembershipFactory(end_date=datetime.date(2020, 1, 1))

    response = client_for(gao_officer).post(
        f"/coordination/bodies/{past.body_id}/members/new/",
        {"organisation": past.organisation_id, "role": "member"},
    )

    assert response.status_code == 302
    assert Membership.objects.filter(body=past.body).count() == 2


def test_inactive_organisation_is_not_offered_as_a_member(client_for, gao_officer):
    body = BodyFactory()
    inactive = OrganisationFactory(is_active=False)

    response = client_for(gao_officer).post(
        f"/coordination/bodies/{body.pk}/members/new/",
        {"organisation": inactive.pk, "role": "member"},
    )

    assert response.status_code == 200
    assert not body.memberships.exists()


def test_ending_a_membership_asks_for_confirmation_with_today_proposed(client_for, gao_officer):
    membership = MembershipFactory()

    with time_machine.travel(datetime.datetime(2025, 3, 15, 12, tzinfo=datetime.UTC)):
        response = client_for(gao_officer).get(f"/coordination/members/{membership.pk}/end/")

    assert response.status_code == 200
    assert 'value="2025-03-15"' in response.text
    assert Membership.objects.get(pk=membership.pk).end_date is None


def test_ending_a_membership_without_a_date_ends_it_today(client_for, gao_officer):
    membership = MembershipFactory(start_date=datetime.date(2020, 1, 1))

    with time_machine.travel(datetime.datetime(2025, 3, 15, 12, tzinfo=datetime.UTC)):
        response = client_for(gao_officer).post(
            f"/coordination/members/{membership.pk}/end/", {"end_date": ""}
        )

    assert response.status_code == 302 and response.url == membership.body.get_absolute_url()
    assert Membership.objects.get(pk=membership.pk).end_date == datetime.date(2025, 3, 15)


def test_ending_a_membership_on_a_chosen_date(client_for, gao_officer):
    membership = MembershipFactory()

    client_for(gao_officer).post(
        f"/coordination/members/{membership.pk}/end/", {"end_date": "2024-06-30"}
    )

    assert Membership.objects.get(pk=membership.pk).end_date == datetime.date(2024, 6, 30)


def test_membership_cannot_end_before_it_started(client_for, gao_officer):
    membership = MembershipFactory(start_date=datetime.date(2024, 1, 1))

    response = client_for(gao_officer).post(
        f"/coordination/members/{membership.pk}/end/", {"end_date": "2023-12-31"}
    )

    assert response.status_code == 200
    assert "A membership cannot end before it starts (1 Jan 2024)." in response.text
    assert Membership.objects.get(pk=membership.pk).end_date is None


def test_ending_a_membership_that_already_ended_changes_nothing(client_for, gao_officer):
    membership = MembershipFactory(end_date=datetime.date(2020, 1, 1))

    response = client_for(gao_officer).post(
        f"/coordination/members/{membership.pk}/end/", {"end_date": "2024-06-30"}, follow=True
    )

    assert "This membership has already ended." in response.text
    assert Membership.objects.get(pk=membership.pk).end_date == datetime.date(2020, 1, 1)


# --- Query count ------------------------------------------------------------------------


def _body_with_rows(n: int) -> CoordinationBody:
    body = BodyFactory()
    roles = list(Role.values)
    for i in range(n):
        MembershipFactory(body=body, role=roles[i % len(roles)])
        MembershipFactory(body=body, end_date=datetime.date(2020, 1, 1))
        meeting = MeetingFactory(body=body, created_by=UserFactory())
        DecisionFactory(
            meeting=meeting, owner_organisation=OrganisationFactory(), owner_user=UserFactory()
        )
    return body


@pytest.mark.parametrize("n", [1, 8])
def test_body_page_query_count_does_not_grow(client_for, gao_officer, django_assert_num_queries, n):
    client = client_for(gao_officer)
    body = _body_with_rows(n)
    # After the navigation's queries: the body with its region, its
    # memberships with their organisations, its latest meetings, its decisions
    # with meeting, body and owners, whether the user manages the body's region.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5):
        response = client.get(f"/coordination/bodies/{body.pk}/")
    assert response.status_code == 200
    assert len(response.context["decisions"]) == n
