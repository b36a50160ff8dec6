"""The iCalendar (RFC 5545) document of a calendar feed of meetings, which
people subscribe to from Outlook, Google Calendar or their phone."""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from coordination.models import Meeting

# The portal records when a meeting starts, not when it ends: calendars show
# each meeting as two hours long, the usual length of a coordination meeting.
MEETING_LENGTH = datetime.timedelta(hours=2)

# How often calendar applications should fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=1)


def meetings_calendar(meetings: Iterable[Meeting], *, name: str, base_url: str) -> bytes:
    """The meetings as an iCalendar document named `name`.

    `base_url` ("https://portal.example.org") makes the links to the meeting
    pages and the host part of each event's UID, which stays the same from one
    fetch to the next so that calendars update events instead of duplicating
    them. The meetings' bodies must be selected with them.
    """
    host = urlsplit(base_url).hostname or "localhost"
    stamp = timezone.now().astimezone(datetime.UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//United Nations//Stabilization and Recovery portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for meeting in meetings:
        starts_at = meeting.starts_at.astimezone(datetime.UTC)
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", starts_at)
        event.add("dtend", starts_at + MEETING_LENGTH)
        event.add("summary", meeting.body.display_name)
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        event.add("url", base_url.rstrip("/") + meeting.get_absolute_url())
        calendar.add_component(event)
    return calendar.to_ical()
