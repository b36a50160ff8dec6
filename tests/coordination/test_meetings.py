"""The list of meetings and the page of one meeting."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from coordination.models import Meeting, MeetingDocument
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


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _places(response) -> list[str]:
    return [meeting.place for meeting in response.context["page_obj"].object_list]


# --- The list ------------------------------------------------------------------------


def test_meeting_list_shows_upcoming_meetings_first_soonest_first_then_past_ones(
    client_for, viewer
):
    for days, place in [(-3, "passée récente"), (20, "dans 20 jours"), (-40, "ancienne")]:
        MeetingFactory(starts_at=_days(days), place=place)
    MeetingFactory(starts_at=_days(2), place="dans 2 jours")

    response = client_for(viewer).get("/coordination/meetings/")

    assert response.status_code == 200
    assert _places(response) == ["dans 2 jours", "dans 20 jours", "passée récente", "ancienne"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [("newest", ["futur", "présent", "passé"]), ("oldest", ["passé", "présent", "futur"])],
)
def test_meeting_list_orders_by_date(client_for, viewer, order, expected):
    for days, place in [(-10, "passé"), (10, "futur"), (1, "présent")]:
        MeetingFactory(starts_at=_days(days), place=place)

    response = client_for(viewer).get("/coordination/meetings/", {"order": order})

    assert _places(response) == expected


def test_meeting_list_shows_each_meeting_with_its_body_region_and_decision_count(
    client_for, viewer
):
    body = BodyFactory(name="Comité régional de Gao")
    meeting = MeetingFactory(
        body=body, starts_at=datetime.datetime(2030, 5, 6, 9, 0, tzinfo=datetime.UTC)
    )
    DecisionFactory.create_batch(3, meeting=meeting)

    response = client_for(viewer).get("/coordination/meetings/")

    listed = response.context["page_obj"].object_list[0]
    assert listed.decision_count == 3
    page = response.text
    assert f'href="/coordination/meetings/{meeting.pk}/"' in page
    assert "Comité régional de Gao" in page and "Gao" in page
    assert '<time datetime="2030-05-06T09:00:00+00:00">6 May 2030 09:00</time>' in page


def test_meeting_list_filters_by_body(client_for, viewer):
    body = BodyFactory()
    MeetingFactory(body=body, place="ici")
    MeetingFactory(place="ailleurs")

    response = client_for(viewer).get("/coordination/meetings/", {"body": body.pk})

    assert _places(response) == ["ici"]


@pytest.mark.parametrize(
    ("region", "expected"),
    [("ML-7", ["Gao"]), ("ML-5", ["Mopti"]), ("national", ["Bamako"])],
)
def test_meeting_list_filters_by_the_region_of_the_body_or_national(
    client_for, viewer, region, expected
):
    MeetingFactory(place="Gao")
    MeetingFactory(place="Mopti", body=BodyFactory(region=Region.objects.get(code="ML-5")))
    MeetingFactory(place="Bamako", body=BodyFactory(region=None))

    response = client_for(viewer).get("/coordination/meetings/", {"region": region})

    assert _places(response) == expected


def test_meeting_list_offers_national_and_the_regions_that_have_bodies(client_for, viewer):
    BodyFactory(region=Region.objects.get(code="ML-9"))

    response = client_for(viewer).get("/coordination/meetings/")

    choices = [value for value, _label in response.context["filter"].form["region"].field.choices]
    assert choices == ["", "national", "ML-9"]
    assert '<option value="ML-9">Ménaka</option>' in response.text


def test_meeting_list_filters_by_a_period_of_local_dates(client_for, viewer):
    MeetingFactory(
        starts_at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC), place="janvier"
    )
    MeetingFactory(
        starts_at=datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.UTC), place="1er février"
    )
    MeetingFactory(
        starts_at=datetime.datetime(2026, 2, 28, 18, 0, tzinfo=datetime.UTC), place="fin février"
    )
    MeetingFactory(starts_at=datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.UTC), place="mars")

    response = client_for(viewer).get(
        "/coordination/meetings/",
        {"date_from": "2026-02-01", "date_to": "2026-02-28", "order": "oldest"},
    )

    assert _places(response) == ["1er février", "fin février"]


def test_meeting_list_search_looks_in_agenda_minutes_and_place(client_for, viewer):
    MeetingFactory(place="Salle A", agenda="Transhumance et élevage", starts_at=_days(1))
    MeetingFactory(place="Salle B", minutes="La TRANSHUMANCE a été discutée", starts_at=_days(2))
    MeetingFactory(place="Transhumance (lieu)", agenda="", starts_at=_days(3))
    MeetingFactory(place="Salle C", agenda="Autre chose", starts_at=_days(4))

    response = client_for(viewer).get("/coordination/meetings/", {"q": "transhumance"})

    assert _places(response) == ["Salle A", "Salle B", "Transhumance (lieu)"]


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-45"},
        {"date_to": "yesterday"},
        {"date_from": "99999-01-01"},
        {"body": "abc"},
        {"body": "999999"},
        {"region": "ML-99"},
        {"region": "<script>"},
        {"order": "-pk"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "999", "q": "x" * 500},
    ],
)
def test_meeting_list_with_garbage_in_the_query_is_a_page_not_an_error(client_for, viewer, query):
    MeetingFactory()

    response = client_for(viewer).get("/coordination/meetings/", query)

    assert response.status_code == 200


def test_meeting_list_with_an_invalid_date_shows_the_error_and_no_rows(client_for, viewer):
    MeetingFactory()

    response = client_for(viewer).get("/coordination/meetings/", {"date_from": "31/02/2026"})

    assert "Enter a valid date." in response.text
    assert _places(response) == []
    assert "No meeting matches these filters." in response.text


def test_meeting_list_refuses_a_period_that_ends_before_it_starts(client_for, viewer):
    MeetingFactory()

    response = client_for(viewer).get(
        "/coordination/meetings/", {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    )

    assert response.context["filter"].form.errors == {
        "date_to": ["The end of the period cannot be before its start."]
    }
    assert _places(response) == []


def test_meeting_list_is_paginated_by_25_and_a_page_too_far_shows_the_last(client_for, viewer):
    body = BodyFactory()
    for day in range(30):
        MeetingFactory(body=body, starts_at=_days(day + 1))
    client = client_for(viewer)

    first = client.get("/coordination/meetings/", {"body": body.pk})
    too_far = client.get("/coordination/meetings/", {"body": body.pk, "page": "999"})

    assert len(first.context["page_obj"].object_list) == 25
    assert f'href="?body={body.pk}&amp;page=2"' in first.text
    assert too_far.context["page_obj"].number == 2
    assert len(too_far.context["page_obj"].object_list) == 5


def test_meeting_list_without_meetings_says_so(client_for, viewer):
    response = client_for(viewer).get("/coordination/meetings/")

    assert "No meeting has been recorded yet." in response.text


@pytest.mark.parametrize(
    ("fixture", "region", "shown"),
    [
        ("hq_user", None, True),
        ("gao_officer", "ML-7", True),
        ("gao_officer", "ML-5", False),
        ("gao_officer", None, False),
        ("mopti_officer", "ML-5", True),
        ("tombouctou_head", "ML-10", True),
        ("fund_manager", "ML-7", False),
        ("viewer", "ML-7", False),
        ("admin_user", None, False),
    ],
)
def test_new_meeting_button_only_for_people_who_manage_some_body(
    db, request, client_for, fixture, region, shown
):
    BodyFactory(region=Region.objects.get(code=region) if region else None)

    response = client_for(request.getfixturevalue(fixture)).get("/coordination/meetings/")

    assert ('href="/coordination/meetings/new/"' in response.text) is shown


def test_meeting_pages_require_sign_in(client, db):
    meeting = MeetingFactory()
    for url in (
        "/coordination/meetings/",
        f"/coordination/meetings/{meeting.pk}/",
        "/coordination/meetings/new/",
        f"/coordination/meetings/{meeting.pk}/edit/",
        f"/coordination/meetings/{meeting.pk}/decisions/new/",
        f"/coordination/meetings/{meeting.pk}/documents/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


# --- One meeting ---------------------------------------------------------------------


def test_meeting_page_shows_details_attendance_decisions_and_documents(client_for, viewer):
    body = BodyFactory(name="Comité régional de Gao")
    member = OrganisationFactory(
        name="Programme des Nations Unies pour le développement", acronym="PNUD"
    )
    MembershipFactory(body=body, organisation=member)
    staff = UserFactory(first_name="Aïssata", last_name="Maïga")
    meeting = MeetingFactory(
        body=body,
        starts_at=datetime.datetime(2030, 5, 6, 9, 30, tzinfo=datetime.UTC),
        place="Gouvernorat, salle 2",
        agenda="1. Sécurité\n2. Projets",
        minutes="Accord sur les sites prioritaires.",
        other_attendees="Le maire de Gao",
    )
    meeting.organisations.add(member)
    meeting.attendees.add(staff)
    decision = DecisionFactory(
        meeting=meeting, text="Transmettre la liste", owner_organisation=member
    )
    document = MeetingDocument.objects.create(
        meeting=meeting,
        file="attachments/cr.pdf",
        original_name="compte-rendu.pdf",
        content_type="application/pdf",
        size=2048,
        title="Compte rendu signé",
        uploaded_by=staff,
    )

    response = client_for(viewer).get(f"/coordination/meetings/{meeting.pk}/")

    assert response.status_code == 200
    page = response.text
    assert f'<a href="/coordination/bodies/{body.pk}/">Comité régional de Gao</a>' in page
    assert "6 May 2030 09:30" in page
    assert "Gouvernorat, salle 2" in page and "1. Sécurité<br>2. Projets" in page
    assert '<abbr title="Programme des Nations Unies pour le développement">PNUD</abbr>' in page
    assert '<span class="badge badge--success">member</span>' in page
    assert "Aïssata Maïga" in page and "Le maire de Gao" in page
    assert "Accord sur les sites prioritaires." in page
    assert f'href="{decision.get_absolute_url()}"' in page and "Transmettre la liste" in page
    assert f'href="/coordination/meetings/documents/{document.pk}/"' in page
    assert "Compte rendu signé" in page


def test_meeting_page_marks_an_attendee_that_is_not_a_current_member_as_guest(client_for, viewer):
    body = BodyFactory()
    former = OrganisationFactory(name="Ancien membre")
    MembershipFactory(
        body=body,
        organisation=former,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    guest = OrganisationFactory(name="Invité")
    MembershipFactory(organisation=guest)  # member of another body only
    member = OrganisationFactory(name="Membre")
    MembershipFactory(body=body, organisation=member)
    meeting = MeetingFactory(body=body)
    meeting.organisations.add(former, guest, member)

    response = client_for(viewer).get(f"/coordination/meetings/{meeting.pk}/")

    marked = {org.name: org.is_member for org in response.context["organisations"]}
    assert marked == {"Ancien membre": False, "Invité": False, "Membre": True}
    assert response.text.count('<span class="badge badge--muted">guest</span>') == 2


def test_meeting_page_shows_overdue_decisions(client_for, viewer):
    meeting = MeetingFactory(starts_at=_days(-60))
    DecisionFactory(meeting=meeting, due_date=timezone.localdate() - datetime.timedelta(days=1))
    DecisionFactory(
        meeting=meeting,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
        status="done",
    )

    page = client_for(viewer).get(f"/coordination/meetings/{meeting.pk}/").text

    assert page.count('class="badge badge--danger">overdue<') == 1


def test_meeting_page_of_a_bare_meeting_shows_empty_states(client_for, viewer):
    meeting = MeetingFactory(place="", agenda="")

    page = client_for(viewer).get(f"/coordination/meetings/{meeting.pk}/").text

    assert "No attending organisation was recorded." in page
    assert "No attending staff was recorded." in page
    assert "The minutes of this meeting have not been recorded yet." in page
    assert "No decision has been recorded for this meeting." in page
    assert "No document has been added to this meeting yet." in page


def test_unknown_meeting_is_a_404(client_for, viewer):
    assert client_for(viewer).get("/coordination/meetings/999999/").status_code == 404


MANAGE = ("edit/", "decisions/new/", "documents/new/")


@pytest.mark.parametrize(
    ("fixture", "region", "shown"),
    [
        ("hq_user", "ML-5", MANAGE),
        ("hq_user", None, MANAGE),
        ("gao_officer", "ML-7", MANAGE),
        ("gao_officer", "ML-9", MANAGE),
        ("gao_officer", "ML-5", ()),
        ("gao_officer", None, ()),
        ("tombouctou_head", "ML-6", MANAGE),
        ("fund_manager", "ML-7", ()),
        ("viewer", None, ()),
        ("admin_user", "ML-7", ()),
    ],
)
def test_meeting_page_shows_the_manage_buttons_only_to_managers_of_the_body(
    db, request, client_for, fixture, region, shown
):
    body = BodyFactory(region=Region.objects.get(code=region) if region else None)
    meeting = MeetingFactory(body=body)

    page = (
        client_for(request.getfixturevalue(fixture))
        .get(f"/coordination/meetings/{meeting.pk}/")
        .text
    )

    prefix = f'href="/coordination/meetings/{meeting.pk}/'
    assert {action for action in MANAGE if prefix + action + '"' in page} == set(shown)


# --- Query counts --------------------------------------------------------------------


def _meetings_with_rows(n: int) -> list[Meeting]:
    meetings = []
    for i in range(n):
        region = Region.objects.get(code=("ML-7", "ML-5", "ML-9")[i % 3])
        meeting = MeetingFactory(
            body=BodyFactory(region=region if i % 4 else None),
            starts_at=_days(i - n // 2),
            created_by=UserFactory(),
        )
        DecisionFactory.create_batch(2, meeting=meeting)
        meetings.append(meeting)
    return meetings


@pytest.mark.parametrize("n", [1, 10])
def test_meeting_list_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, n
):
    client = client_for(gao_officer)
    _meetings_with_rows(n)
    # The page: COUNT for the paginator, the page of meetings (body and region
    # joined, decisions counted), the bodies of the body filter, the regions of
    # the region filter, whether the user manages some body ("New meeting").
    # And the person's saved filters of the list (1).
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5 + 1):
        assert client.get("/coordination/meetings/", {"order": "newest"}).status_code == 200


def _meeting_with_rows(n: int) -> Meeting:
    meeting = MeetingFactory()
    for _ in range(n):
        organisation = OrganisationFactory()
        MembershipFactory(body=meeting.body, organisation=organisation)
        meeting.organisations.add(organisation, OrganisationFactory())
        meeting.attendees.add(UserFactory())
        DecisionFactory(meeting=meeting, owner_organisation=organisation, owner_user=UserFactory())
        MeetingDocument.objects.create(
            meeting=meeting,
            file="attachments/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=UserFactory(),
        )
    return meeting


@pytest.mark.parametrize("n", [1, 8])
def test_meeting_page_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, n
):
    client = client_for(gao_officer)
    meeting = _meeting_with_rows(n)
    # The page: the meeting with its body and region, the attending
    # organisations (each marked member or guest by a subquery), the attending
    # staff, the decisions with their owners, the documents with their
    # uploaders, whether the user manages the body's region.
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 6):
        response = client.get(f"/coordination/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert len(response.context["organisations"]) == 2 * n
    assert response.context["can_manage"]
