"""Calendar feeds of the meetings: reached by a personal key instead of a
session, valid iCalendar, and revoked by getting a new key."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from coordination.calendar import meetings_calendar
from tests.factories import BodyFactory, MeetingFactory, UserFactory


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the French catalogue is completed separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def subscriber(viewer):
    """A partner who reads the portal in English (feeds use the person's language)."""
    viewer.language = "en"
    viewer.save(update_fields=["language"])
    return viewer


def _days(days: int) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def _events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def _uids(response) -> list[str]:
    return [str(event["UID"]) for event in _events(response)]


def _feed(user, body=None) -> str:
    if body is None:
        return f"/coordination/calendar/{user.calendar_token}.ics"
    return f"/coordination/calendar/{user.calendar_token}/{body.pk}.ics"


# --- The feed ------------------------------------------------------------------------


def test_feed_is_a_valid_calendar_of_the_meetings_without_signing_in(client, subscriber):
    body = BodyFactory(name="Commission Réhabilitation des Zones Post-Conflit")
    starts_at = datetime.datetime(2030, 3, 5, 9, 30, tzinfo=datetime.UTC)
    meeting = MeetingFactory(
        body=body,
        starts_at=starts_at,
        place="Ministère, salle 1; Bamako",
        agenda="1. Sécurité, accès\n2. Projets à Ménaka; Kidal\n3. Côte d'Ivoire, Aïr",
    )

    response = client.get(_feed(subscriber))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "Stabilization and Recovery portal" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Coordination meetings"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@testserver"
    assert event["DTSTART"].dt == starts_at
    assert event["DTEND"].dt == starts_at + datetime.timedelta(hours=2)
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["SUMMARY"]) == "Commission Réhabilitation des Zones Post-Conflit"
    assert str(event["LOCATION"]) == "Ministère, salle 1; Bamako"
    assert str(event["DESCRIPTION"]) == (
        "1. Sécurité, accès\n2. Projets à Ménaka; Kidal\n3. Côte d'Ivoire, Aïr"
    )
    assert str(event["URL"]) == f"http://testserver/coordination/meetings/{meeting.pk}/"
    # Times are written in UTC ("Z"), whatever the server's time zone.
    assert b"DTSTART:20300305T093000Z" in response.content


def test_feed_gives_start_times_in_utc_when_the_local_time_is_not(client, subscriber, settings):
    settings.TIME_ZONE = "Africa/Lagos"  # UTC+1
    lagos = datetime.timezone(datetime.timedelta(hours=1))
    MeetingFactory(starts_at=datetime.datetime(2030, 3, 5, 10, 0, tzinfo=lagos))

    response = client.get(_feed(subscriber))

    [event] = _events(response)
    assert event["DTSTART"].dt == datetime.datetime(2030, 3, 5, 9, 0, tzinfo=datetime.UTC)
    assert b"DTSTART:20300305T090000Z" in response.content


def test_feed_holds_meetings_from_thirty_days_ago_in_order(client, subscriber):
    old = MeetingFactory(starts_at=_days(-31))
    recent = MeetingFactory(starts_at=_days(-29))
    later = MeetingFactory(starts_at=_days(40))
    soon = MeetingFactory(starts_at=_days(3))

    response = client.get(_feed(subscriber))

    host = "testserver"
    assert _uids(response) == [f"meeting-{m.pk}@{host}" for m in (recent, soon, later)]
    assert f"meeting-{old.pk}@{host}" not in _uids(response)


def test_feed_uids_stay_the_same_from_one_fetch_to_the_next(client, subscriber):
    MeetingFactory.create_batch(2)

    assert _uids(client.get(_feed(subscriber))) == _uids(client.get(_feed(subscriber)))


def test_body_feed_holds_only_that_bodys_meetings(client, subscriber):
    body = BodyFactory(name="Comité régional de Gao", acronym="CRC-Gao")
    own = MeetingFactory(body=body)
    MeetingFactory()  # another body

    response = client.get(_feed(subscriber, body))

    assert response.status_code == 200
    assert _uids(response) == [f"meeting-{own.pk}@testserver"]
    name = str(Calendar.from_ical(response.content)["X-WR-CALNAME"])
    assert name == "Coordination meetings — CRC-Gao"


def test_feed_of_an_unknown_body_is_a_404(client, subscriber):
    assert (
        client.get(f"/coordination/calendar/{subscriber.calendar_token}/999999.ics").status_code
        == 404
    )


def test_feed_with_an_unknown_key_is_a_404(client, db):
    MeetingFactory()

    assert client.get(f"/coordination/calendar/{uuid.uuid4()}.ics").status_code == 404


def test_feed_of_an_inactive_person_is_a_404(client, subscriber):
    subscriber.is_active = False
    subscriber.save()
    body = BodyFactory()

    assert client.get(_feed(subscriber)).status_code == 404
    assert client.get(_feed(subscriber, body)).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/coordination/calendar/not-a-key.ics", "/coordination/calendar/123.ics"],
)
def test_feed_address_without_a_key_is_a_404(client, db, path):
    assert client.get(path).status_code == 404


def test_feed_sets_no_session_or_csrf_cookie(client, subscriber):
    MeetingFactory()

    response = client.get(_feed(subscriber))

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert "private" in response["Cache-Control"]


def test_feed_refuses_writes(client, subscriber):
    assert client.post(_feed(subscriber)).status_code == 405


def test_feed_query_count_does_not_grow(client, subscriber, django_assert_num_queries):
    for i in range(12):
        MeetingFactory(body=BodyFactory(), starts_at=_days(i), created_by=UserFactory())
    # The person with this key (and their office), the meetings with their bodies.
    with django_assert_num_queries(2):
        response = client.get(_feed(subscriber))
    assert len(_events(response)) == 12


def test_body_feed_query_count(client, subscriber, django_assert_num_queries):
    body = BodyFactory()
    MeetingFactory.create_batch(5, body=body)
    # The person, the body, the body's meetings.
    with django_assert_num_queries(3):
        client.get(_feed(subscriber, body))


def test_calendar_of_no_meeting_is_still_valid():
    document = meetings_calendar([], name="Vide", base_url="https://portal.example.org")

    calendar = Calendar.from_ical(document)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Vide"


def test_calendar_omits_an_empty_place_and_agenda(db):
    meeting = MeetingFactory(place="", agenda="")

    document = meetings_calendar([meeting], name="x", base_url="https://portal.example.org/")

    [event] = Calendar.from_ical(document).walk("VEVENT")
    assert "LOCATION" not in event and "DESCRIPTION" not in event
    assert str(event["UID"]) == f"meeting-{meeting.pk}@portal.example.org"
    assert str(event["URL"]) == f"https://portal.example.org/coordination/meetings/{meeting.pk}/"


# --- The page and a new key ----------------------------------------------------------


def test_calendar_page_shows_the_personal_feed_addresses(client_for, subscriber):
    body = BodyFactory(name="Comité régional de Gao")

    response = client_for(subscriber).get("/coordination/calendar/")

    assert response.status_code == 200
    token = subscriber.calendar_token
    assert f"http://testserver/coordination/calendar/{token}.ics" in response.text
    assert f"http://testserver/coordination/calendar/{token}/{body.pk}.ics" in response.text
    assert 'action="/coordination/calendar/new-key/"' in response.text


def test_calendar_page_requires_sign_in(client, db):
    response = client.get("/coordination/calendar/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_new_key_stops_the_old_addresses_and_the_new_ones_work(client_for, subscriber):
    body = BodyFactory()
    MeetingFactory(body=body)
    old_feed, old_body_feed = _feed(subscriber), _feed(subscriber, body)
    client = client_for(subscriber)

    response = client.post("/coordination/calendar/new-key/", follow=True)

    subscriber = User.objects.get(pk=subscriber.pk)
    assert response.redirect_chain == [("/coordination/calendar/", 302)]
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Your calendar addresses were changed: subscribe again with the new ones below."
    ]
    assert f"/coordination/calendar/{subscriber.calendar_token}.ics" in response.text
    client.logout()
    assert client.get(old_feed).status_code == 404
    assert client.get(old_body_feed).status_code == 404
    assert client.get(_feed(subscriber)).status_code == 200
    assert client.get(_feed(subscriber, body)).status_code == 200


def test_new_key_only_by_post(client_for, subscriber):
    token = subscriber.calendar_token

    response = client_for(subscriber).get("/coordination/calendar/new-key/")

    assert response.status_code == 405
    assert User.objects.get(pk=subscriber.pk).calendar_token == token


def test_new_key_requires_sign_in(client, db):
    response = client.post("/coordination/calendar/new-key/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
