"""The coordination overview: bodies, the next meetings, and the decisions
that are open or overdue, with a fixed clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from coordination.models import Decision
from regions.models import Region
from tests.conftest import NAVIGATION_QUERIES, SIGNED_IN_QUERIES
from tests.factories import BodyFactory, DecisionFactory, MeetingFactory, UserFactory

BAMAKO = ZoneInfo("Africa/Bamako")
NOW = datetime.datetime(2025, 3, 15, 10, 0, tzinfo=BAMAKO)
TODAY = NOW.date()
Status = Decision.Status


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _decision(text: str, *, due: datetime.date, status=Status.OPEN, body=None) -> Decision:
    meeting = MeetingFactory(
        starts_at=NOW - datetime.timedelta(days=90), **({"body": body} if body else {})
    )
    return DecisionFactory(meeting=meeting, text=text, due_date=due, status=status)


def test_home_lists_national_bodies_first_then_by_region(client_for, viewer):
    BodyFactory(name="Comité de Mopti", region=Region.objects.get(code="ML-5"))
    BodyFactory(name="Comité de Gao")
    BodyFactory(name="Groupe exécutif des PTF", region=None)

    response = client_for(viewer).get("/coordination/")

    assert response.status_code == 200
    names = [body.name for body in response.context["bodies"]]
    assert names == ["Groupe exécutif des PTF", "Comité de Gao", "Comité de Mopti"]
    assert "National" in response.text


def test_home_shows_the_next_ten_meetings_soonest_first_and_no_past_one(
    client_for, viewer, fixed_clock
):
    body = BodyFactory(name="CRZPC")
    MeetingFactory(body=body, starts_at=NOW - datetime.timedelta(days=1), place="Passée")
    for days in range(12, 0, -1):
        MeetingFactory(body=body, starts_at=NOW + datetime.timedelta(days=days))

    response = client_for(viewer).get("/coordination/")

    meetings = list(response.context["meetings"])
    assert len(meetings) == 10
    assert meetings[0].starts_at == NOW + datetime.timedelta(days=1)
    assert meetings == sorted(meetings, key=lambda meeting: meeting.starts_at)
    assert "Passée" not in response.text


def test_home_shows_meeting_times_in_bamako_time(client_for, viewer, fixed_clock):
    MeetingFactory(starts_at=datetime.datetime(2025, 3, 20, 9, 30, tzinfo=datetime.UTC))

    page = client_for(viewer).get("/coordination/").text

    # Bamako is on UTC all year.
    assert "20 March 2025 09:30" in page


def test_home_counts_decisions_by_status_and_the_overdue_ones(client_for, viewer, fixed_clock):
    yesterday, tomorrow = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)
    _decision("Ouverte en retard", due=yesterday)
    _decision("En cours en retard", due=yesterday, status=Status.IN_PROGRESS)
    _decision("Ouverte à temps", due=tomorrow)
    _decision("Due aujourd'hui", due=TODAY)
    _decision("Faite", due=yesterday, status=Status.DONE)
    _decision("Abandonnée", due=yesterday, status=Status.DROPPED)

    response = client_for(viewer).get("/coordination/")

    assert response.context["counts"] == {
        "open": 3,
        "in_progress": 1,
        "done": 1,
        "dropped": 1,
        "overdue": 2,
    }
    overdue = [decision.text for decision in response.context["overdue"]]
    assert sorted(overdue) == ["En cours en retard", "Ouverte en retard"]
    assert response.text.count('class="badge badge--danger">overdue<') == 2


def test_home_lists_at_most_ten_overdue_decisions_oldest_due_first_and_links_to_all(
    client_for, viewer, fixed_clock
):
    for days in range(1, 13):
        _decision(f"Retard de {days} jours", due=TODAY - datetime.timedelta(days=days))

    response = client_for(viewer).get("/coordination/")

    overdue = [decision.text for decision in response.context["overdue"]]
    assert overdue == [f"Retard de {days} jours" for days in range(12, 2, -1)]
    assert 'href="/coordination/decisions/?overdue=true&amp;ordering=due_date"' in response.text
    assert "All 12 overdue decisions" in response.text


def test_home_without_records_shows_empty_states(client_for, viewer):
    page = client_for(viewer).get("/coordination/").text

    assert "No coordination body has been recorded yet." in page
    assert "No meeting is planned." in page
    assert "No decision is overdue." in page


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
def test_new_body_button_only_for_people_who_manage_some_body(request, client_for, fixture, shown):
    page = client_for(request.getfixturevalue(fixture)).get("/coordination/").text

    assert ('href="/coordination/bodies/new/"' in page) is shown


def test_coordination_pages_require_sign_in(client, db):
    body = BodyFactory()
    decision = DecisionFactory(meeting=MeetingFactory(body=body))
    for url in (
        "/coordination/",
        "/coordination/organisations/",
        "/coordination/organisations/new/",
        f"/coordination/bodies/{body.pk}/",
        "/coordination/bodies/new/",
        "/coordination/decisions/",
        f"/coordination/decisions/{decision.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")


def _rows(n: int) -> None:
    for i in range(n):
        body = BodyFactory(region=None if i % 2 else Region.objects.get(code="ML-7"))
        past = MeetingFactory(
            body=body,
            starts_at=NOW - datetime.timedelta(days=60 + i),
            created_by=UserFactory(),
        )
        MeetingFactory(body=body, starts_at=NOW + datetime.timedelta(days=i + 1))
        DecisionFactory(meeting=past, due_date=TODAY - datetime.timedelta(days=i + 1))
        DecisionFactory(meeting=past, owner_user=UserFactory(), status=Status.DONE)


@pytest.mark.parametrize("n", [1, 12])
def test_home_query_count_does_not_grow(
    client_for, gao_officer, django_assert_num_queries, fixed_clock, n
):
    client = client_for(gao_officer)
    _rows(n)
    # After the navigation's queries: the bodies with their regions, the next
    # meetings with their bodies, the decisions counted by status (one
    # aggregate), the overdue decisions with meeting, body and owners, whether
    # the user manages some region ("New body").
    with django_assert_num_queries(SIGNED_IN_QUERIES + NAVIGATION_QUERIES + 5):
        assert client.get("/coordination/").status_code == 200
